package org.stegoehealth.lab.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineOptions;
import org.stegoehealth.stack.pipeline.WorkDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code stego chaos}: exactly-once under SIGKILL. Runs the embedder and the extractor as separate JVMs on a local
 * stack, kills each of them at random moments while X-rays flow, restarts them, and checks with a read_committed
 * consumer that every X-ray came out exactly once and nothing was dead-lettered.
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        description = {
            "Kill the embedder and the extractor with SIGKILL at random moments while X-rays flow, restart them, and",
            "check that every X-ray is recovered exactly once with no dead letter. Starts its own local Kafka broker",
            "and schema registry and runs both applications from the built ops jar as separate processes. Prints",
            "the recovery time after each kill and a summary; exits 1 on any loss, duplicate or dead letter."
        })
public final class ChaosCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    PipelineOptions pipeline;

    @Option(
            names = "--xrays",
            paramLabel = "DIR",
            description = "Folder of X-rays to send (default: ../shared/data/xray under the installation directory).")
    Path xrays;

    @Option(names = "--covers", paramLabel = "DIR", description = "Cover photos (default: samples/covers).")
    Path covers;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            defaultValue = "100",
            description = "How many X-rays to send (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--size",
            paramLabel = "PX",
            defaultValue = "128",
            description =
                    "X-rays are centre-cropped and resized to PX x PX before sending (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = {"-k", "--kills"},
            paramLabel = "K",
            defaultValue = "10",
            description = "SIGKILLs of each application (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(
            names = "--max-delay",
            paramLabel = "SECONDS",
            defaultValue = "4",
            description = "A kill comes at a random moment up to this long after the previous restart recovered "
                    + "(default: ${DEFAULT-VALUE}).")
    double maxDelayS;

    @Option(
            names = "--recovery-timeout",
            paramLabel = "SECONDS",
            defaultValue = "180",
            description = "Longest wait for a restarted application to become ready (default: ${DEFAULT-VALUE}).")
    long recoveryTimeoutS;

    @Option(
            names = "--registry-outage",
            description = "Also stop the schema registry for --outage seconds halfway through, then start it again.")
    boolean registryOutage;

    @Option(
            names = "--broker-outage",
            description = "Also stop the Kafka broker for --outage seconds halfway through (after the registry's"
                    + " outage, if any), then start it again.")
    boolean brokerOutage;

    @Option(
            names = "--outage",
            paramLabel = "SECONDS",
            defaultValue = "20",
            description = "How long each outage lasts (default: ${DEFAULT-VALUE}).")
    long outageS;

    @Option(
            names = "--secure",
            description = "Run on a secure local stack: SASL/SCRAM-SHA-512 over TLS, the embedder and the extractor"
                    + " each signed in as its own Kafka user with ACLs.")
    boolean secure;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the kill schedule, to repeat a run (default: random, printed).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        validate();
        try (WorkDir work = pipeline.claimWorkDir("chaos")) {
            return run(work.path());
        }
    }

    private int run(Path work) throws Exception {
        Path home = PipelineCluster.home();
        ChaosRun.Settings settings = new ChaosRun.Settings(
                xrays != null
                        ? xrays
                        : home.resolve("..").resolve("shared").resolve("data").resolve("xray"),
                covers != null ? covers : home.resolve("samples").resolve("covers"),
                count,
                size,
                kills,
                Duration.ofMillis(Math.round(maxDelayS * 1000)),
                Duration.ofSeconds(recoveryTimeoutS),
                registryOutage,
                brokerOutage,
                secure,
                Duration.ofSeconds(outageS),
                pipeline.timeout(),
                seed != null ? seed : System.nanoTime(),
                work,
                home);
        ChaosRun run = new ChaosRun(
                settings, pipeline.config(common), spec.commandLine().getOut(), System.err);
        return run.run();
    }

    /** Refuses options that cannot make a run, before anything starts. */
    void validate() {
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, was " + count);
        }
        if (size < 8 || size > 4096) {
            throw new ParameterException(spec.commandLine(), "--size must be 8 to 4096 px, was " + size);
        }
        if (kills < 0) {
            throw new ParameterException(spec.commandLine(), "--kills must be 0 or more, was " + kills);
        }
        if (!(maxDelayS >= 0)) {
            throw new ParameterException(spec.commandLine(), "--max-delay must be 0 or more, was " + maxDelayS);
        }
        if (recoveryTimeoutS < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--recovery-timeout must be at least 1 s, was " + recoveryTimeoutS);
        }
        if (outageS < 1) {
            throw new ParameterException(spec.commandLine(), "--outage must be at least 1 s, was " + outageS);
        }
        if (pipeline.timeout().isNegative() || pipeline.timeout().isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 s");
        }
        ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed.hasMatchedOption("--bootstrap-servers") || parsed.hasMatchedOption("--schema-registry-url")) {
            throw new ParameterException(
                    spec.commandLine(), "chaos starts and kills its own local stack; do not give a cluster");
        }
    }
}
