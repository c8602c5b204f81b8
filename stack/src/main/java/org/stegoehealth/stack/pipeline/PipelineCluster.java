package org.stegoehealth.stack.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Producer;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.admin.TopicAdmin;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.processors.models.ModelPublisher;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.processors.produce.PublishOutcome;
import org.stegoehealth.processors.produce.XrayProducer;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.stack.KafkaSecurity.Principal;
import org.stegoehealth.stack.LocalMirror;
import org.stegoehealth.stack.LocalStack;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Where an in-process pipeline runs: a {@link LocalStack} started fresh under a work directory, or an existing
 * cluster and registry named by the configuration. Either way the run gets its own application ids and state
 * directory; on an existing cluster it also gets its own topic prefix (unless one is configured explicitly), so it
 * never reads or writes a deployment's topics. A local stack may have two clusters, the hospital's and the clinic's,
 * with MirrorMaker 2 copying only the crossing topics between them: the hospital side ({@link #config()}) publishes
 * and embeds, the clinic side ({@link #clinicConfig()}) extracts.
 */
public final class PipelineCluster implements AutoCloseable {

    private final LocalStack stack;
    private final boolean ownsStack;
    private final StegoConfig config;
    private final StegoConfig clinicConfig;
    private final Path workDir;
    private final Topics topics;
    private Producer<String, XrayImageEvent> xrayKafka;
    private XrayProducer xrayProducer;

    /** Which local stack a run starts when it uses no existing cluster. */
    public enum Stack {
        /** One broker and the registry. */
        ONE_CLUSTER,
        /** The hospital's and the clinic's clusters, with MirrorMaker 2 copying the crossing topics. */
        TWO_CLUSTERS,
        /** One broker taking only SASL/SCRAM over TLS, with a Kafka user and ACLs per application. */
        SECURE,
        /**
         * The two clusters and MirrorMaker 2, every broker taking only SASL/SCRAM over TLS: each cluster with its own
         * certificate authority, its own Kafka users and ACLs, and MirrorMaker 2 signed in to both as {@code mirror}.
         */
        SECURE_TWO_CLUSTERS;

        /** Whether this kind of stack takes only SASL/SCRAM over TLS. */
        public boolean secure() {
            return this == SECURE || this == SECURE_TWO_CLUSTERS;
        }
    }

    private PipelineCluster(LocalStack stack, boolean ownsStack, StegoConfig config, Path workDir) {
        this.stack = stack;
        this.ownsStack = ownsStack;
        this.config = config;
        this.clinicConfig = twoClusters(stack) ? config.with(stack.clinicStegoConfig(Principal.ADMIN)) : config;
        this.workDir = workDir;
        this.topics = Wiring.topics(config);
    }

    private static boolean twoClusters(LocalStack stack) {
        return stack != null && stack.clinic().isPresent();
    }

    /** The installation directory (system property stego.home, else STEGO_HOME, else the working directory). */
    public static Path home() {
        return Path.of(System.getProperty("stego.home", System.getenv().getOrDefault("STEGO_HOME", ".")));
    }

    /**
     * As {@link #open(StegoConfig, boolean, boolean, Path, String)} for a command with {@link LocalStackOptions}: an
     * existing cluster when {@code --bootstrap-servers} or {@code --schema-registry-url} was given, and the configured
     * topic prefix when {@code --topic-prefix} was.
     */
    public static PipelineCluster open(CommandSpec command, StegoConfig base, Path workDir, String name)
            throws IOException {
        return open(command, base, workDir, name, Stack.ONE_CLUSTER);
    }

    /**
     * As {@link #open(CommandSpec, StegoConfig, Path, String)}, starting {@code kind} of local stack when no existing
     * cluster is named (an existing cluster serves as both sides; {@link Stack#SECURE} cannot use one).
     */
    public static PipelineCluster open(CommandSpec command, StegoConfig base, Path workDir, String name, Stack kind)
            throws IOException {
        ParseResult parsed = command.commandLine().getParseResult();
        boolean external =
                parsed.hasMatchedOption("--bootstrap-servers") || parsed.hasMatchedOption("--schema-registry-url");
        return open(base, external, parsed.hasMatchedOption("--topic-prefix"), workDir, name, kind);
    }

    /**
     * @param base          the loaded configuration (file, environment, options)
     * @param external      use the cluster and registry of {@code base} instead of starting a local stack
     * @param keepPrefix    on an external cluster, use the configured topic prefix rather than a fresh one
     * @param workDir       holds the local stack ({@code stack/}) and the Streams state ({@code streams/}); both are
     *                      wiped first so every run starts empty
     * @param name          names the application ids and the fresh topic prefix ({@code demo}, {@code bench})
     */
    public static PipelineCluster open(
            StegoConfig base, boolean external, boolean keepPrefix, Path workDir, String name) throws IOException {
        return open(base, external, keepPrefix, workDir, name, Stack.ONE_CLUSTER);
    }

    /**
     * As {@link #open(StegoConfig, boolean, boolean, Path, String)}, starting {@code kind} of local stack unless
     * {@code external}; on {@link Stack#TWO_CLUSTERS} {@link #createTopics()} also starts MirrorMaker 2.
     */
    public static PipelineCluster open(
            StegoConfig base, boolean external, boolean keepPrefix, Path workDir, String name, Stack kind)
            throws IOException {
        if (kind.secure() && external) {
            throw new PipelineException("--secure starts its own secure local stack; it cannot be combined with "
                    + "--bootstrap-servers or --schema-registry-url (configure an existing cluster's TLS and SASL "
                    + "with kafka.* settings instead)");
        }
        Run run = Run.fresh(workDir, name);
        Map<String, String> overrides = run.overrides();
        if (external) {
            if (!keepPrefix) {
                overrides.put(StegoConfig.TOPIC_PREFIX, run.topicPrefix());
            }
            return new PipelineCluster(null, false, base.with(overrides), workDir);
        }
        Path stackDir = workDir.resolve("stack");
        deleteTree(stackDir);
        LocalStack stack = switch (kind) {
            case ONE_CLUSTER -> LocalStack.start(stackDir);
            case TWO_CLUSTERS -> LocalStack.startWithClinic(stackDir);
            case SECURE -> LocalStack.startSecure(stackDir);
            case SECURE_TWO_CLUSTERS -> LocalStack.startSecureWithClinic(stackDir);
        };
        overrides.putAll(stack.stegoConfig(Principal.ADMIN));
        return new PipelineCluster(stack, true, base.with(overrides), stackDir);
    }

    /**
     * A run on a local stack that stays up after it (one stack for several tests): its own topic prefix, application
     * ids and state directory; on a secure stack its clients sign in as {@code admin} ({@link #config()}) or as the
     * principal of each application ({@link #config(Principal)}), and {@link #createTopics()} grants the principals
     * their access to this run's topics.
     */
    public static PipelineCluster on(LocalStack stack, StegoConfig base, Path workDir, String name) throws IOException {
        Run run = Run.fresh(workDir, name);
        Map<String, String> overrides = run.overrides();
        overrides.put(StegoConfig.TOPIC_PREFIX, run.topicPrefix());
        overrides.putAll(stack.stegoConfig(Principal.ADMIN));
        return new PipelineCluster(stack, false, base.with(overrides), workDir);
    }

    /** One run: its name ({@code demo-1a2b3c4d}) and its own, emptied state directory and application ids. */
    private record Run(String name, Map<String, String> overrides) {

        static Run fresh(Path workDir, String command) throws IOException {
            String name = command + "-" + UUID.randomUUID().toString().substring(0, 8);
            Path stateDir = workDir.resolve("streams");
            deleteTree(stateDir);
            Map<String, String> overrides = new HashMap<>();
            overrides.put(StegoConfig.STATE_DIR, stateDir.toAbsolutePath().toString());
            overrides.put(StegoConfig.EMBEDDER_APPLICATION_ID, "stego-" + name + "-embedder");
            overrides.put(StegoConfig.EXTRACTOR_APPLICATION_ID, "stego-" + name + "-extractor");
            return new Run(name, overrides);
        }

        /** A topic prefix of this run's own, for a cluster others use too. */
        String topicPrefix() {
            return name + "-";
        }
    }

    /**
     * The configuration of this run's clients (of the hospital's when there are two clusters); on a secure stack they
     * sign in as {@code admin}.
     */
    public StegoConfig config() {
        return config;
    }

    /**
     * The configuration of {@code principal}'s application: {@link #clinicConfig()} for the extractor and the viewer,
     * {@link #config()} for the others (the mirror's: at the hospital), signed in as {@code principal} on a secure
     * local stack, with the settings of that side's cluster.
     */
    public StegoConfig config(Principal principal) {
        // the extractor and the viewer work on the clinic's side, its own cluster when there are two
        boolean atClinic = principal == Principal.EXTRACTOR || principal == Principal.VIEWER;
        StegoConfig side = atClinic ? clinicConfig : config;
        if (stack == null || stack.security().isEmpty()) {
            return side;
        }
        return side.with((atClinic ? stack.clinicSecurity() : stack.security())
                .orElseThrow()
                .stegoConfig(principal));
    }

    /**
     * As {@link #config(Principal)}, on the clinic's cluster whatever the principal (the mirror's settings there, for
     * one): the same as {@link #config(Principal)} on one cluster.
     */
    public StegoConfig clinicConfig(Principal principal) {
        if (stack == null || stack.clinicSecurity().isEmpty()) {
            return clinicConfig;
        }
        return clinicConfig.with(stack.clinicSecurity().get().stegoConfig(principal));
    }

    /** The configuration of the clinic's clients (extractor, readers of its output): its own cluster, if any. */
    public StegoConfig clinicConfig() {
        return clinicConfig;
    }

    /** Whether the hospital and the clinic have clusters of their own, with MirrorMaker 2 between them. */
    public boolean twoClusters() {
        return twoClusters(stack);
    }

    /** Whether this run is on a secure local stack. */
    public boolean secure() {
        return stack != null && stack.security().isPresent();
    }

    /** The topic catalog of this run, with serdes bound to its registry. */
    public Topics topics() {
        return topics;
    }

    /** The local stack, when this run started one. */
    public Optional<LocalStack> localStack() {
        return Optional.ofNullable(stack);
    }

    /**
     * Creates the catalog's topics (one replica on a local stack, the broker's default elsewhere). On two clusters:
     * the hospital's topics on its cluster, the clinic's on the clinic's, then starts MirrorMaker 2 copying the
     * crossing ones. On a secure stack, grants the principals their access to them (on each cluster what belongs
     * there) first.
     */
    public void createTopics() {
        Optional<Short> replicas = stack == null ? Optional.empty() : Optional.of((short) 1);
        if (!twoClusters()) {
            TopicAdmin.create(StreamsConfigs.admin(config), topics, replicas, config.maxMessageBytes());
            if (stack != null) {
                stack.grantAccess(topics, config.embedderApplicationId(), config.extractorApplicationId());
            }
            return;
        }
        TopicAdmin.create(StreamsConfigs.admin(config), topics.hospitalSide(), replicas, config.maxMessageBytes());
        TopicAdmin.create(StreamsConfigs.admin(clinicConfig), topics.clinicSide(), replicas, config.maxMessageBytes());
        stack.grantAccess(topics, config.embedderApplicationId(), config.extractorApplicationId());
        stack.startMirror(topics, workDir);
    }

    /** @throws org.stegoehealth.stack.LocalStackException when MirrorMaker 2, if this run has it, has stopped */
    /** @throws LocalStackException when a process of this run's local stack has ended (none on an existing cluster) */
    public void checkStack() {
        if (stack != null && ownsStack) {
            stack.checkAlive();
        }
    }

    public void checkMirror() {
        if (stack != null) {
            stack.mirror().ifPresent(LocalMirror::checkAlive);
        }
    }

    /**
     * Signs the model artifact in {@code dir} with {@code keyring}, publishes it on the model topic and promotes it.
     *
     * @return its version
     */
    public String publishAndPromote(Path dir, String reason, Keyring keyring) {
        try (ModelPublisher publisher = publisher(keyring)) {
            String version = publisher.publish(dir, null).getVersion();
            publisher.promote(version, reason);
            return version;
        }
    }

    /**
     * Signs the model artifact in {@code dir} with {@code keyring} and publishes it on the model topic, without
     * promoting it: embedders use it only where an X-ray or their {@code embed.model.version} names it.
     *
     * @return its version
     */
    public String publish(Path dir, Keyring keyring) {
        try (ModelPublisher publisher = publisher(keyring)) {
            return publisher.publish(dir, null).getVersion();
        }
    }

    private ModelPublisher publisher(Keyring keyring) {
        return new ModelPublisher(
                StreamsConfigs.producer(config, "stego-model-publisher"),
                topics,
                keyring.signer(),
                "stego demo",
                Clock.systemUTC());
    }

    /** Publishes every cover of {@code dir} and waits for the broker's acknowledgements. */
    public void publishCovers(Path dir) throws IOException {
        try (Producer<String, CoverImageEvent> kafka =
                CoverProducer.kafkaProducer(config(Principal.PRODUCER), topics.covers)) {
            CoverProducer producer =
                    new CoverProducer(kafka, topics.covers.name(), config.maxImageSide(), Clock.systemUTC());
            List<PublishOutcome> outcomes = producer.publish(dir, null);
            if (outcomes.isEmpty()) {
                throw new PipelineException(dir + ": no covers to publish");
            }
            outcomes.forEach(PipelineCluster::requirePublished);
        }
    }

    /**
     * Publishes one X-ray file, to be hidden in {@code coverId} (null: the embedder chooses), and waits for the
     * broker's acknowledgement.
     *
     * @return its message id
     */
    public String publishXray(Path file, String coverId) throws IOException {
        if (xrayProducer == null) {
            xrayKafka = XrayProducer.kafkaProducer(config(Principal.PRODUCER), topics.xrays);
            xrayProducer = new XrayProducer(xrayKafka, topics.xrays.name(), config.maxImageSide(), Clock.systemUTC());
        }
        PublishOutcome outcome = xrayProducer.publishAll(List.of(file), coverId).get(0);
        requirePublished(outcome);
        return outcome.key();
    }

    private static void requirePublished(PublishOutcome o) {
        if (!o.ok()) {
            throw new PipelineException("cannot publish " + o.file() + ": " + o.problem());
        }
    }

    @Override
    public void close() {
        if (xrayKafka != null) {
            xrayKafka.close();
        }
        if (stack != null && ownsStack) {
            stack.close();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
