package org.stegoehealth.ops.clustersecurity;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.stegoehealth.errors.OptionChecks;
import org.stegoehealth.ops.topics.ClusterSide;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.stack.AccessControl;
import org.stegoehealth.stack.KafkaSecurity;
import org.stegoehealth.stack.KafkaSecurity.Principal;
import org.stegoehealth.stack.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stego cluster-security}: a Kafka cluster secured with TLS, SASL/SCRAM-SHA-512 and ACLs, for brokers started
 * from files (docker-compose.secure.yml). {@code init} makes the cluster's certificate authority, broker certificate,
 * stores and passwords once, and the files each party reads; {@code grant} creates the users and the catalog's ACLs
 * on the running broker. The same users and grants as {@code ./stego demo --secure}.
 */
@Command(
        name = "cluster-security",
        mixinStandardHelpOptions = true,
        description = {
            "Secure a Kafka cluster for this system: TLS and SASL/SCRAM-SHA-512 on every listener, one Kafka user per"
                    + " application, and ACLs from the topic catalog that grant each only what it needs.",
            "First `init` (before the broker starts), then `grant` (once it runs)."
        },
        subcommands = {ClusterSecurityCommand.Init.class, ClusterSecurityCommand.Grant.class})
public final class ClusterSecurityCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The Kafka users a cluster of {@code side} has. */
    static Set<Principal> users(ClusterSide side) {
        return switch (side) {
            case both -> EnumSet.allOf(Principal.class);
            case hospital -> LocalStack.HOSPITAL_USERS;
            case clinic -> LocalStack.CLINIC_USERS;
        };
    }

    /** {@code stego cluster-security init}. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = {
                "Make a cluster's certificate authority, broker certificate (for --host, localhost and 127.0.0.1), PKCS12 stores"
                        + " and a random password per Kafka user, in DIR, all owner-only. A folder that already holds"
                        + " them keeps them: running it again only rewrites the files made from them.",
                "Writes broker.properties (the broker's listeners, TLS, SASL and authorizer settings, to add to its"
                        + " server.properties), format-arguments (for kafka-storage.sh format: the admin's"
                        + " credentials), USER.properties (a Stego-eHealth --config file per user) and"
                        + " USER.client.properties (for Kafka's tools, --command-config)."
            })
    static final class Init implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Where the files go.")
        Path dir;

        @Option(
                names = "--cluster",
                paramLabel = "SIDE",
                defaultValue = "both",
                description = {
                    "Which users the cluster gets: both (one cluster: every user, the default), hospital (admin,"
                            + " producer, embedder, mirror) or clinic (admin, extractor, viewer, mirror)."
                })
        ClusterSide side;

        @Option(
                names = "--host",
                paramLabel = "HOST",
                defaultValue = "localhost",
                description = "The host the broker listens on and advertises (default: ${DEFAULT-VALUE}); its"
                        + " certificate names it besides localhost and 127.0.0.1.")
        String host;

        @Option(names = "--port", paramLabel = "PORT", required = true, description = "The broker's client port.")
        int port;

        @Option(
                names = "--controller-port",
                paramLabel = "PORT",
                required = true,
                description = "The broker's controller port.")
        int controllerPort;

        @Option(
                names = "--schema-registry-url",
                paramLabel = "URL",
                defaultValue = "http://localhost:8081/apis/ccompat/v7",
                description = "The registry the --config files name (default: ${DEFAULT-VALUE}).")
        String schemaRegistryUrl;

        @Option(
                names = "--validity-days",
                paramLabel = "DAYS",
                defaultValue = "365",
                description =
                        "How long the authority and the broker certificate are valid (default: ${DEFAULT-VALUE}).")
        int validityDays;

        @Override
        public Integer call() {
            OptionChecks.atLeast("--port", port, 1);
            OptionChecks.atLeast("--controller-port", controllerPort, 1);
            OptionChecks.atLeast("--validity-days", validityDays, 1);
            PrintWriter out = spec.commandLine().getOut();
            boolean kept = KafkaSecurity.saved(dir);
            KafkaSecurity security;
            if (kept) {
                security = KafkaSecurity.load(dir);
                Set<String> certified = security.certifiedHosts();
                if (!certified.contains(host)) {
                    throw new IllegalArgumentException("the broker certificate in " + dir + " is for " + certified
                            + ", not " + host + ": remove " + dir + " to make new certificates and passwords for it");
                }
            } else {
                security = KafkaSecurity.generate(dir, users(side), Duration.ofDays(validityDays), Set.of(host));
                security.save();
            }
            String bootstrap = host + ":" + port;
            security.writeBrokerFiles(host, port, controllerPort);
            security.writeClientFiles(bootstrap);
            security.writeConfigFiles(bootstrap, schemaRegistryUrl);
            out.println((kept
                            ? "kept the cluster's certificates and passwords in "
                            : "made a certificate authority, a broker certificate and passwords in ")
                    + security.dir());
            out.println("Kafka users: "
                    + security.principals().stream().map(Principal::user).collect(Collectors.joining(", ")));
            out.println("broker: " + KafkaSecurity.BROKER_FILE + " and " + KafkaSecurity.FORMAT_ARGUMENTS_FILE
                    + "; clients: USER.properties (--config) and USER.client.properties (Kafka's tools), for "
                    + bootstrap);
            out.flush();
            return 0;
        }
    }

    /** {@code stego cluster-security grant}. */
    @Command(
            name = "grant",
            mixinStandardHelpOptions = true,
            description = {
                "On the running broker of a cluster that `init` secured, as its admin: create every other Kafka user"
                        + " with its password from DIR, grant each the catalog's ACLs for this side (topic prefix and"
                        + " application ids from the configuration), and wait until each can sign in.",
                "Running it again is harmless."
            })
    static final class Grant implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Option(names = "--dir", paramLabel = "DIR", required = true, description = "The folder `init` wrote.")
        Path dir;

        @Option(
                names = "--cluster",
                paramLabel = "SIDE",
                defaultValue = "both",
                description = "both (the default), hospital or clinic: as given to `init`.")
        ClusterSide side;

        @Override
        public Integer call() {
            StegoConfig config = common.load(Map.of());
            KafkaSecurity security = KafkaSecurity.load(dir);
            Topics topics = Wiring.topics(config);
            List<AclBinding> bindings = switch (side) {
                case both ->
                    AccessControl.bindings(topics, config.embedderApplicationId(), config.extractorApplicationId());
                case hospital -> AccessControl.hospitalBindings(topics, config.embedderApplicationId());
                case clinic -> AccessControl.clinicBindings(topics, config.extractorApplicationId());
            };
            AccessControl.secure(config.bootstrapServers(), security, bindings);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Kafka users on " + config.bootstrapServers() + ": "
                    + security.principals().stream().map(Principal::user).collect(Collectors.joining(", "))
                    + "; " + bindings.size() + " ACLs granted; every user signs in");
            out.flush();
            return 0;
        }
    }
}
