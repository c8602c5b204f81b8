package org.stegoehealth.ops.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelCache;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.processors.ClusterCheck;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.processors.models.ModelFeed;
import org.stegoehealth.processors.models.ModelPromotions;
import org.stegoehealth.processors.models.ModelPublisher;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.TrainingRoundEvent;
import org.stegoehealth.security.Keyring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stego models}: model versions as signed events on the model topic, and which one embedders use. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "Publish, promote, retire, list, pull and verify model versions.",
            "Every version travels once, signed, on the compacted model topic; a small promotion event tells every embedder which version to use, and extractors keep serving every version they have seen."
        },
        subcommands = {
            ModelsCommand.ListVersions.class,
            ModelsCommand.Publish.class,
            ModelsCommand.Promote.class,
            ModelsCommand.Retire.class,
            ModelsCommand.Pull.class,
            ModelsCommand.Verify.class,
            ModelsCommand.History.class
        })
public final class ModelsCommand implements Runnable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Cluster, registry and keyring options every subcommand shares. */
    static final class Connection {

        @Mixin
        CommonOptions common;

        @Option(
                names = {"-k", "--keyring"},
                paramLabel = "DIR",
                description = "Keyring that signs and verifies model events (default: keyring.dir, STEGO_KEYRING_DIR,"
                        + " or .stego/keyring).")
        Path keyring;

        StegoConfig config() {
            Map<String, String> extra = new HashMap<>();
            if (keyring != null) {
                extra.put(StegoConfig.KEYRING_DIR, keyring.toString());
            }
            return common.load(extra);
        }

        Keyring openKeyring(StegoConfig config) {
            return Keyring.open(config.keyringDir());
        }

        /** Every version and the promotion, read and verified into a registry whose cache is {@code cacheDir}. */
        ModelRegistry read(StegoConfig config, Topics topics, Keyring keys, Path cacheDir) {
            ClusterCheck.requireBroker(config, ClusterCheck.DEFAULT_WITHIN);
            ModelRegistry registry = new ModelRegistry(
                    new ModelCache(cacheDir),
                    keys,
                    TransferSecurity.hospitalOf(keys, config, TransferSecurity.Site.EITHER),
                    1);
            try (ModelFeed feed =
                    new ModelFeed(StreamsConfigs.readCommittedConsumer(config, "stego-models-cli"), topics, registry)) {
                feed.catchUp(TIMEOUT);
            }
            return registry;
        }

        ModelPublisher publisher(StegoConfig config, Topics topics, Keyring keys, String by) {
            ClusterCheck.requireBroker(config, ClusterCheck.DEFAULT_WITHIN);
            return new ModelPublisher(
                    StreamsConfigs.producer(config, "stego-models-cli"),
                    topics,
                    keys,
                    config.modelsSealedTo(),
                    by,
                    Clock.systemUTC());
        }
    }

    /** A scratch model cache, removed afterwards. */
    static final class Scratch implements AutoCloseable {
        final Path dir;

        Scratch() throws IOException {
            dir = Files.createTempDirectory("stego-models-");
        }

        @Override
        public void close() throws IOException {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static String who(String by) {
        return by != null ? by : System.getProperty("user.name", "ops");
    }

    static String dB(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** {@code stego models list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every published version: parent, created, held-out PSNRs, status, and which is promoted.")
    static final class ListVersions implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Override
        public Integer call() throws IOException {
            StegoConfig config = connection.config();
            Topics topics = Wiring.topics(config);
            Keyring keys = connection.openKeyring(config);
            PrintWriter out = spec.commandLine().getOut();
            try (Scratch scratch = new Scratch()) {
                ModelRegistry registry = connection.read(config, topics, keys, scratch.dir);
                String promoted = registry.promotion()
                        .map(ModelPromotionEvent::getVersion)
                        .orElse(null);
                out.printf(
                        "%-2s%-40s %-40s %-20s %9s %9s  %s%n",
                        "", "VERSION", "PARENT", "CREATED", "COVER dB", "SECRET dB", "STATUS");
                for (ModelRegistry.Version v : registry.versions()) {
                    String created = v.metadata().created() == null
                            ? "-"
                            : v.metadata()
                                    .created()
                                    .substring(
                                            0,
                                            Math.min(16, v.metadata().created().length()));
                    out.printf(
                            "%-2s%-40s %-40s %-20s %9s %9s  %s%n",
                            v.version().equals(promoted) ? "*" : "",
                            v.version(),
                            v.parent() == null ? "-" : v.parent(),
                            created,
                            dB(v.validation("coverPsnr")),
                            dB(v.validation("secretPsnr")),
                            v.status() + (v.version().equals(promoted) ? " (promoted)" : ""));
                }
                if (registry.versions().isEmpty()) {
                    out.println("(no versions published yet: stego models publish DIR)");
                }
                registry.promotion()
                        .ifPresent(p -> out.printf(
                                "promoted: %s by %s at %s: %s%n",
                                p.getVersion(), p.getPromotedBy(), p.getPromotedAt(), p.getReason()));
                registry.conflicts()
                        .forEach((version, others) -> out.printf(
                                "CONFLICT: %s was published again with other weights (sha256 %s); the first is kept,"
                                        + " and pull, promote and retire refuse the version%n",
                                version, String.join(", ", others)));
                if (registry.refusedCount() > 0) {
                    out.printf(
                            "%d event(s) refused (bad checksum or signature, a signer not trusted for model events, or"
                                    + " older than what is held; see the log)%n",
                            registry.refusedCount());
                }
            }
            return 0;
        }
    }

    /** {@code stego models publish DIR}. */
    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = "Sign a model artifact directory and publish it on the model topic.")
    static final class Publish implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Parameters(
                paramLabel = "DIR",
                arity = "0..1",
                description = "Model artifact directory (model.json + weights.bin).")
        Path dir;

        @Option(names = "--default", description = "Publish the bundled default model (models/DEFAULT) instead of DIR.")
        boolean bundled;

        @Option(names = "--parent", paramLabel = "VERSION", description = "Version it was fine-tuned from.")
        String parent;

        @Option(names = "--promote", description = "Promote it right after publishing.")
        boolean promote;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Reason recorded with --promote.")
        String reason;

        @Option(names = "--by", paramLabel = "NAME", description = "Who publishes (default: the user name).")
        String by;

        @Override
        public Integer call() throws IOException {
            StegoConfig config = connection.config();
            Topics topics = Wiring.topics(config);
            Keyring keys = connection.openKeyring(config);
            if ((dir == null) == !bundled) {
                throw new IllegalArgumentException("give either a model directory or --default");
            }
            Path artifact = bundled ? ModelArtifact.locate(null) : dir;
            ModelMetadata local = ModelArtifact.load(artifact).metadata();
            try (Scratch scratch = new Scratch()) {
                ModelRegistry registry = connection.read(config, topics, keys, scratch.dir);
                Optional<ModelRegistry.Version> existing = registry.version(local.version());
                if (existing.isPresent()) {
                    String sha = existing.get().metadata().weightsSha256();
                    if (!sha.equalsIgnoreCase(local.weightsSha256())) {
                        throw new IllegalArgumentException("model " + local.version() + " is already published with"
                                + " other weights (sha256 " + sha + "; " + artifact + " has " + local.weightsSha256()
                                + "): versions are immutable, publish the changed model as a new version");
                    }
                    spec.commandLine()
                            .getOut()
                            .printf(
                                    "%s is already published with these weights (%s); nothing sent%n",
                                    local.version(), existing.get().status());
                    return 0;
                }
            }
            try (ModelPublisher publisher = connection.publisher(config, topics, keys, who(by))) {
                String version = publisher.publish(artifact, parent).getVersion();
                spec.commandLine()
                        .getOut()
                        .printf(
                                "published %s (signed with key %s)%n",
                                version, keys.signer().keyId());
                if (promote) {
                    publisher.promote(version, reason != null ? reason : "published and promoted");
                    spec.commandLine().getOut().printf("promoted %s%n", version);
                }
            }
            return 0;
        }
    }

    /** {@code stego models promote VERSION}. */
    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Make embedders use VERSION from their next batch on (the latest promotion wins).")
    static final class Promote implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Parameters(paramLabel = "VERSION", description = "A published, not retired version.")
        String version;

        @Option(
                names = "--reason",
                paramLabel = "TEXT",
                defaultValue = "promoted by ops",
                description = "Why (recorded in the promotion; default: ${DEFAULT-VALUE}).")
        String reason;

        @Option(names = "--by", paramLabel = "NAME", description = "Who promotes (default: the user name).")
        String by;

        @Override
        public Integer call() throws IOException {
            StegoConfig config = connection.config();
            Topics topics = Wiring.topics(config);
            Keyring keys = connection.openKeyring(config);
            try (Scratch scratch = new Scratch()) {
                ModelRegistry registry = connection.read(config, topics, keys, scratch.dir);
                ModelPromotions.promotable(registry, version);
            }
            try (ModelPublisher publisher = connection.publisher(config, topics, keys, who(by))) {
                publisher.promote(version, reason);
            }
            spec.commandLine().getOut().printf("promoted %s%n", version);
            return 0;
        }
    }

    /** {@code stego models retire VERSION}. */
    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = {"Stop new embedding with VERSION. Extractors keep extracting images already made with it."})
    static final class Retire implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Parameters(paramLabel = "VERSION", description = "A published version.")
        String version;

        @Option(
                names = "--reason",
                paramLabel = "TEXT",
                defaultValue = "retired by ops",
                description = "Why (default: ${DEFAULT-VALUE}).")
        String reason;

        @Option(names = "--by", paramLabel = "NAME", description = "Who retires it (default: the user name).")
        String by;

        @Override
        public Integer call() throws IOException {
            StegoConfig config = connection.config();
            Topics topics = Wiring.topics(config);
            Keyring keys = connection.openKeyring(config);
            try (Scratch scratch = new Scratch()) {
                ModelRegistry registry = connection.read(config, topics, keys, scratch.dir);
                ModelRegistry.Version v = ModelPromotions.published(registry, version);
                boolean promoted = registry.promotion()
                        .map(p -> p.getVersion().equals(version))
                        .orElse(false);
                try (ModelPublisher publisher = connection.publisher(config, topics, keys, who(by))) {
                    publisher.retire(registry.artifactDir(version), v.parent(), reason);
                }
                spec.commandLine()
                        .getOut()
                        .printf(
                                "retired %s%s%n",
                                version,
                                promoted
                                        ? "; it was the promoted version: embedders stop until another version is promoted"
                                        : "");
            }
            return 0;
        }
    }

    /** {@code stego models pull VERSION --to DIR}. */
    @Command(
            name = "pull",
            mixinStandardHelpOptions = true,
            description = "Fetch a published version, verify it, and write it as DIR/VERSION.")
    static final class Pull implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Parameters(paramLabel = "VERSION", description = "A published version.")
        String version;

        @Option(names = "--to", paramLabel = "DIR", required = true, description = "Parent directory of the artifact.")
        Path to;

        @Override
        public Integer call() throws IOException {
            StegoConfig config = connection.config();
            Topics topics = Wiring.topics(config);
            Keyring keys = connection.openKeyring(config);
            try (Scratch scratch = new Scratch()) {
                ModelRegistry registry = connection.read(config, topics, keys, scratch.dir);
                ModelPromotions.published(registry, version);
                Path dir = new ModelCache(to).install(version, ModelArtifact.readBytes(registry.artifactDir(version)));
                spec.commandLine()
                        .getOut()
                        .printf("%s written to %s (checksum and signature verified)%n", version, dir);
            }
            return 0;
        }
    }

    /** {@code stego models verify DIR}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Check a model artifact directory: weights checksum, architecture, and with --signed also that it is byte for byte the version signed on the model topic."
            })
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Parameters(paramLabel = "DIR", description = "Model artifact directory.")
        Path dir;

        @Option(names = "--signed", description = "Also compare with the signed event on the model topic.")
        boolean signed;

        @Override
        public Integer call() throws IOException {
            ModelArtifact artifact = ModelArtifact.load(dir);
            ModelMetadata m = artifact.metadata();
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "%s: version %s, checksum ok (sha256 %s), architecture %s%n",
                    dir, m.version(), m.weightsSha256(), m.architecture());
            if (signed) {
                StegoConfig config = connection.config();
                Topics topics = Wiring.topics(config);
                Keyring keys = connection.openKeyring(config);
                try (Scratch scratch = new Scratch()) {
                    ModelRegistry registry = connection.read(config, topics, keys, scratch.dir);
                    if (!registry.has(m.version())) {
                        throw new IllegalArgumentException(
                                m.version() + " is not a verified version on " + topics.models.name());
                    }
                    ModelPromotions.published(registry, m.version());
                    ModelArtifact.Bytes local = ModelArtifact.readBytes(dir);
                    ModelArtifact.Bytes published = ModelArtifact.readBytes(registry.artifactDir(m.version()));
                    if (!Arrays.equals(local.weights(), published.weights())
                            || !Arrays.equals(local.metadataJson(), published.metadataJson())) {
                        throw new IllegalArgumentException(
                                dir + " differs from the signed " + m.version() + " on " + topics.models.name());
                    }
                    out.printf("%s matches the signed event on %s%n", m.version(), topics.models.name());
                }
            }
            return 0;
        }
    }

    /** {@code stego models history}. */
    @Command(
            name = "history",
            mixinStandardHelpOptions = true,
            description = "Every round of the periodic trainer, promoted or not, with its figures and the reason.")
    static final class History implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Connection connection;

        @Override
        public Integer call() {
            StegoConfig config = connection.config();
            Topics topics = Wiring.topics(config);
            ClusterCheck.requireBroker(config, ClusterCheck.DEFAULT_WITHIN);
            List<TrainingRoundEvent> rounds = ModelFeed.readAll(
                    StreamsConfigs.readCommittedConsumer(config, "stego-models-cli"), topics.trainingRounds, TIMEOUT);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "%-22s %-20s %-40s %-40s %6s %15s %15s  %s%n",
                    "ROUND", "FINISHED", "BASE", "CANDIDATE", "STEPS", "COVER dB", "SECRET dB", "DECISION");
            for (TrainingRoundEvent r : rounds) {
                out.printf(
                        "%-22s %-20s %-40s %-40s %6d %15s %15s  %s%n",
                        r.getRoundId(),
                        r.getFinishedAt().toString().substring(0, 16),
                        r.getBaseVersion(),
                        r.getCandidateVersion() == null ? "-" : r.getCandidateVersion(),
                        r.getSteps(),
                        dB(r.getBaseCoverPsnr()) + "->" + dB(r.getCandidateCoverPsnr()),
                        dB(r.getBaseSecretPsnr()) + "->" + dB(r.getCandidateSecretPsnr()),
                        r.getReason());
            }
            if (rounds.isEmpty()) {
                out.println("(no training rounds recorded yet: stego trainer --every DURATION)");
            }
            return 0;
        }
    }
}
