package org.stegoehealth.ops.topics;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.stegoehealth.processors.ClusterCheck;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.admin.TopicAdmin;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.stack.LocalMirror;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stego topics}: topic administration. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Manage the system's Kafka topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.MirrorConfig.class})
public final class TopicsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code stego topics create}. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create every topic of the catalog (X-rays, covers, stego, recovered, dead letters, receipts) with its partitions (topic.partitions), cleanup policy, retention and max.message.bytes.",
                "Existing topics are left as they are, so running it again is harmless."
            })
    static final class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Option(
                names = "--replication-factor",
                paramLabel = "N",
                description = "Replicas per partition (default: the broker's default.replication.factor).")
        Short replicationFactor;

        @Option(
                names = "--cluster",
                paramLabel = "SIDE",
                defaultValue = "both",
                description = {
                    "Which topics to create: both (one cluster for hospital and clinic, the default), hospital (its own cluster, without recovered-images; with receipts, mirrored back from the clinic) or clinic (a clinic's cluster: the mirrored stego, models and model-promotions topics, plus recovered-images, dead letters and the receipts that cross back)."
                })
        ClusterSide side;

        @Override
        public Integer call() {
            if (replicationFactor != null && replicationFactor < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--replication-factor must be at least 1");
            }
            StegoConfig config = common.load(Map.of());
            Topics topics = Wiring.topics(config);
            ClusterCheck.requireBroker(config, ClusterCheck.DEFAULT_WITHIN);
            TopicAdmin.Outcome outcome = TopicAdmin.create(
                    StreamsConfigs.admin(config),
                    switch (side) {
                        case both -> topics.all();
                        case hospital -> topics.hospitalSide();
                        case clinic -> topics.clinicSide();
                    },
                    Optional.ofNullable(replicationFactor),
                    config.maxMessageBytes());
            PrintWriter out = spec.commandLine().getOut();
            outcome.created().forEach(t -> out.println("created " + t));
            outcome.existing().forEach(t -> out.println("exists  " + t));
            out.println("topics ready on " + config.bootstrapServers() + ": "
                    + outcome.created().size() + " created, "
                    + outcome.existing().size() + " already there");
            out.flush();
            return 0;
        }
    }

    /** {@code stego topics mirror-config}. */
    @Command(
            name = "mirror-config",
            mixinStandardHelpOptions = true,
            description = {
                "Print the MirrorMaker 2 configuration (mm2.properties, for connect-mirror-maker.sh) that copies only the"
                        + " stego, models and model-promotions topics from the hospital's cluster (bootstrap.servers) to"
                        + " a clinic's, and only the clinic's receipts topic back, under the same names, committed"
                        + " transactions only; nothing else crosses.",
                "MirrorMaker 2 signs in to the hospital's cluster with the kafka.* settings of the configuration"
                        + " (security.protocol, sasl.*, ssl.*), and to the clinic's with those of --clinic-config; the"
                        + " file then holds both passwords, so keep it owner-only."
            })
    static final class MirrorConfig implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Option(
                names = "--clinic-bootstrap-servers",
                paramLabel = "HOST:PORT",
                required = true,
                description = "The clinic's cluster.")
        String clinic;

        @Option(
                names = "--clinic-config",
                paramLabel = "FILE",
                description = "A configuration file whose kafka.* settings (TLS, SASL) MirrorMaker 2 uses at the"
                        + " clinic's cluster (default: none, plaintext).")
        Path clinicConfig;

        @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path out;

        @Option(
                names = "--replication-factor",
                paramLabel = "N",
                defaultValue = "1",
                description = "Replicas of the topics MirrorMaker 2 creates on the clinic's cluster, its own"
                        + " bookkeeping included (default: ${DEFAULT-VALUE}, for a single broker; 3 in production).")
        int replicationFactor;

        @Override
        public Integer call() throws IOException {
            if (replicationFactor < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--replication-factor must be at least 1");
            }
            StegoConfig config = common.load(Map.of());
            Properties p = LocalMirror.properties(
                    config.bootstrapServers(),
                    clinic,
                    Wiring.topics(config).crossing().stream()
                            .map(TopicSpec::name)
                            .toList(),
                    Wiring.topics(config).crossingBack().stream()
                            .map(TopicSpec::name)
                            .toList(),
                    config.maxMessageBytes(),
                    replicationFactor);
            p.putAll(LocalMirror.clientSettings(LocalMirror.SOURCE, config.kafkaOverrides()));
            if (clinicConfig != null) {
                p.putAll(LocalMirror.clientSettings(
                        LocalMirror.TARGET,
                        StegoConfig.load(clinicConfig, Map.of(), Map.of()).kafkaOverrides()));
            }
            StringWriter raw = new StringWriter();
            p.store(raw, null);
            String text = "# MirrorMaker 2: only the crossing topics, hospital -> clinic, and the receipts back"
                    + " (stego topics mirror-config)\n"
                    + raw.toString()
                            .lines()
                            .filter(l -> !l.startsWith("#"))
                            .sorted()
                            .collect(Collectors.joining("\n", "", "\n"));
            if (out == null) {
                spec.commandLine().getOut().print(text);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(out, text, StandardCharsets.UTF_8);
                spec.commandLine().getOut().println("wrote " + out);
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }
}
