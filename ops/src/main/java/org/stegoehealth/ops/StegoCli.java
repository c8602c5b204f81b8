package org.stegoehealth.ops;

import org.stegoehealth.model.ImageInputException;
import org.stegoehealth.model.ModelException;
import org.stegoehealth.ops.bench.BenchCommand;
import org.stegoehealth.ops.demo.DemoCommand;
import org.stegoehealth.ops.demo.PipelineException;
import org.stegoehealth.ops.eval.EvaluateCommand;
import org.stegoehealth.ops.keys.KeysCommand;
import org.stegoehealth.ops.local.LocalStackException;
import org.stegoehealth.ops.models.ModelsCommand;
import org.stegoehealth.ops.topics.TopicAdminException;
import org.stegoehealth.ops.topics.TopicsCommand;
import org.stegoehealth.processors.cli.EmbedderCommand;
import org.stegoehealth.processors.cli.ExtractorCommand;
import org.stegoehealth.processors.cli.ProduceCoversCommand;
import org.stegoehealth.processors.cli.ProduceXraysCommand;
import org.stegoehealth.schemas.SchemaRegistryException;
import org.stegoehealth.security.KeyringException;
import org.stegoehealth.trainer.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one command line of Stego-eHealth: {@code ./stego <command>}. */
@Command(name = "stego", mixinStandardHelpOptions = true, version = "Stego-eHealth 0.1.0",
        description = "Hide chest X-rays inside ordinary photographs, move them over Kafka, and recover them.",
        subcommands = {DemoCommand.class, TopicsCommand.class, EmbedderCommand.class, ExtractorCommand.class,
                ProduceXraysCommand.class, ProduceCoversCommand.class, TrainCommand.class, EvaluateCommand.class,
                BenchCommand.class, KeysCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class})
public final class StegoCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line; bad input gives one clear line on stderr (stack trace with STEGO_DEBUG=1). */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, with errors written to {@code err}. */
    public static int execute(java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new StegoCli());
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean debug = System.getenv("STEGO_DEBUG") != null;
            if (debug) {
                e.printStackTrace();
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            boolean expected = e instanceof ImageInputException || e instanceof ModelException
                    || e instanceof IllegalArgumentException || e instanceof java.io.IOException
                    || e instanceof PipelineException || e instanceof LocalStackException
                    || e instanceof TopicAdminException || e instanceof SchemaRegistryException
                    || e instanceof KeyringException;
            commandLine.getErr().println("error: " + (expected ? message : e.getClass().getSimpleName() + ": " + message)
                    + (debug ? "" : "  (set STEGO_DEBUG=1 for details)"));
            return expected ? 2 : 1;
        });
        return cli.execute(args);
    }
}
