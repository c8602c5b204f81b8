package org.stegoehealth.lab.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.stegoehealth.model.Installation;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.ImageSetOptions;
import org.stegoehealth.stack.pipeline.LocalStackOptions;
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
            "Kill the embedder and the extractor with SIGKILL at random moments while X-rays flow, restart them, and check that every X-ray is recovered exactly once with no dead letter.",
            "With --embedders or --extractors above 1 each application runs as several instances on partitioned topics (--partitions); the last instance of each joins mid-stream, so tasks move between instances while X-rays flow.",
            "Starts its own local Kafka broker and schema registry and runs both applications from the built ops jar as separate processes. Prints the recovery time after each kill and a summary; exits 1 on any loss, duplicate or dead letter.",
            "It needs --count distinct X-rays, more than the samples hold: --xrays defaults to ../shared/data/xray in the installation directory."
        })
public final class ChaosCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalStackOptions common;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    ImageSetOptions images;

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
            names = "--kills",
            paramLabel = "N",
            defaultValue = "10",
            description = "SIGKILLs of each application (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(
            names = "--mirror-kills",
            paramLabel = "N",
            defaultValue = "0",
            description = "SIGKILLs of MirrorMaker 2 (default: ${DEFAULT-VALUE}). Above 0 the run has two clusters, the"
                    + " hospital's and the clinic's, with the extractor at the clinic; the summary says how many stego"
                    + " records the mirror copied again after its kills.")
    int mirrorKills;

    @Option(
            names = "--embedders",
            paramLabel = "N",
            defaultValue = "1",
            description = "Embedder instances, one JVM each, in one consumer group (default: ${DEFAULT-VALUE}). Above 1"
                    + " the last one is added mid-stream, and each kill picks one of the running instances.")
    int embedders;

    @Option(
            names = "--extractors",
            paramLabel = "N",
            defaultValue = "1",
            description = "Extractor instances, as --embedders (default: ${DEFAULT-VALUE}).")
    int extractors;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Partitions of every topic (default: topic.partitions, 1, raised to the larger instance"
                    + " count). Each partition is one stream task; an instance without a task stays idle.")
    Integer partitions;

    @Option(
            names = "--standby-replicas",
            paramLabel = "N",
            defaultValue = "0",
            description = "Standby replicas of each task's stores on other instances (kafka.num.standby.replicas;"
                    + " default: ${DEFAULT-VALUE}).")
    int standbyReplicas;

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
                    + " each signed in as its own Kafka user with ACLs; with --mirror-kills both clusters and"
                    + " MirrorMaker 2 secured so, the mirror as its own user on each.")
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
        StegoConfig config = pipeline.config(common);
        ChaosRun.Settings settings = new ChaosRun.Settings(
                images.xraysOr(Installation.xrays()),
                images.covers(home),
                count,
                size,
                kills,
                mirrorKills,
                embedders,
                extractors,
                partitions(config),
                standbyReplicas,
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
        ChaosRun run = new ChaosRun(settings, config, spec.commandLine().getOut(), System.err);
        return run.run();
    }

    /** {@code --partitions}, else {@code topic.partitions} raised to the larger instance count. */
    int partitions(StegoConfig config) {
        return partitions != null ? partitions : Math.max(config.topicPartitions(), Math.max(embedders, extractors));
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
        if (mirrorKills < 0) {
            throw new ParameterException(spec.commandLine(), "--mirror-kills must be 0 or more, was " + mirrorKills);
        }
        if (embedders < 1 || extractors < 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--embedders and --extractors must be at least 1, were " + embedders + " and " + extractors);
        }
        if (partitions != null && partitions < Math.max(embedders, extractors)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--partitions " + partitions + " is fewer than the " + Math.max(embedders, extractors)
                            + " instances of one application: an instance without a partition has no task");
        }
        if (standbyReplicas < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--standby-replicas must be 0 or more, was " + standbyReplicas);
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
