package org.stegoehealth.ops;

import java.io.PrintWriter;
import org.stegoehealth.lab.bench.BenchCommand;
import org.stegoehealth.lab.chaos.ChaosCommand;
import org.stegoehealth.lab.eval.EvaluateCommand;
import org.stegoehealth.lab.replay.ReplayCommand;
import org.stegoehealth.lab.steganalysis.SteganalysisCommand;
import org.stegoehealth.ops.clustersecurity.ClusterSecurityCommand;
import org.stegoehealth.ops.deadletters.DeadLettersCommand;
import org.stegoehealth.ops.demo.DemoCommand;
import org.stegoehealth.ops.keys.KeysCommand;
import org.stegoehealth.ops.models.ModelsCommand;
import org.stegoehealth.ops.receipts.ReceiptsCommand;
import org.stegoehealth.ops.retrain.TrainerServiceCommand;
import org.stegoehealth.ops.topics.TopicsCommand;
import org.stegoehealth.processors.cli.CommandErrors;
import org.stegoehealth.processors.cli.EmbedderCommand;
import org.stegoehealth.processors.cli.ExtractCommand;
import org.stegoehealth.processors.cli.ExtractorCommand;
import org.stegoehealth.processors.cli.ProduceCoversCommand;
import org.stegoehealth.processors.cli.ProduceXraysCommand;
import org.stegoehealth.processors.cli.StegoVersion;
import org.stegoehealth.trainer.TrainCommand;
import org.stegoehealth.web.AuditCommand;
import org.stegoehealth.web.viewer.ViewerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The one command line of Stego-eHealth: {@code ./stego <command>}. Every command inherits {@code -h}/{@code --help}
 * and {@code -V}/{@code --version} from here.
 */
@Command(
        name = "stego",
        mixinStandardHelpOptions = true,
        versionProvider = StegoVersion.class,
        scope = ScopeType.INHERIT,
        description = "Hide chest X-rays inside ordinary photographs, move them over Kafka, and recover them.",
        subcommands = {
            DemoCommand.class,
            TopicsCommand.class,
            ClusterSecurityCommand.class,
            EmbedderCommand.class,
            ExtractorCommand.class,
            ExtractCommand.class,
            ProduceXraysCommand.class,
            ProduceCoversCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            SteganalysisCommand.class,
            BenchCommand.class,
            ChaosCommand.class,
            KeysCommand.class,
            ModelsCommand.class,
            TrainerServiceCommand.class,
            ReplayCommand.class,
            DeadLettersCommand.class,
            ReceiptsCommand.class,
            ViewerCommand.class,
            AuditCommand.class,
            org.stegoehealth.web.console.ConsoleCommand.class,
            CommandLine.HelpCommand.class
        })
public final class StegoCli implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line; a failure ends it with one line on stderr and an exit code ({@link CommandErrors}). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, with errors written to {@code err}. */
    public static int execute(PrintWriter err, String... args) {
        return CommandErrors.execute(new StegoCli(), err, args);
    }
}
