package org.stegoehealth.web.console;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.ClusterCheck;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.processors.deadletters.Redrive;
import org.stegoehealth.processors.deadletters.Reverification;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.processors.models.ModelPublisher;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.web.KafkaAuditTrail;
import org.stegoehealth.web.Sessions;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;
import org.stegoehealth.web.WebSettings;

/**
 * A running hospital console: the model topics followed as the embedder follows them, promotions signed with the
 * hospital's keyring (as {@code stego models promote} signs them), dead letters read from and redriven to this
 * cluster (as {@code stego dead-letters replay} does), the clinics' receipts read and verified as {@code stego
 * receipts} reads them, replays of the X-ray topic ({@link ReplayDesk}, when the lab module is on the classpath), the
 * trainer's rounds ({@link RoundsDesk}), the audit trail on the hospital's {@code audit} topic, and the HTTPS server.
 * {@link #start} is what {@code stego console} runs.
 */
public final class HospitalConsole implements AutoCloseable {

    public static final String APPLICATION = "stego-console";
    private static final Logger LOG = LoggerFactory.getLogger(HospitalConsole.class);

    private final FollowedModels models;
    private final KafkaAuditTrail audit;
    private final KafkaProducer<byte[], byte[]> redrives;
    private final List<ClusterView> clusters;
    private final ReplayDesk replays;
    private final WebServer server;

    private HospitalConsole(
            FollowedModels models,
            KafkaAuditTrail audit,
            KafkaProducer<byte[], byte[]> redrives,
            List<ClusterView> clusters,
            ReplayDesk replays,
            WebServer server) {
        this.models = models;
        this.audit = audit;
        this.redrives = redrives;
        this.clusters = clusters;
        this.replays = replays;
        this.server = server;
    }

    /** Starts the console of the hospital {@code config} names (its keyring, topics, users file and web settings). */
    public static HospitalConsole start(StegoConfig config) {
        return start(config, null);
    }

    /**
     * As above; the pipeline page also lists the topics and consumer groups of the clinic's cluster that {@code clinic}
     * names, when not null.
     */
    public static HospitalConsole start(StegoConfig config, StegoConfig clinic) {
        WebSettings web = WebSettings.of(config);
        Topics topics = Wiring.topics(config);
        Keyring keyring = Keyring.open(config.keyringDir());
        ClusterCheck.requireBroker(config, ClusterCheck.DEFAULT_WITHIN);
        FollowedModels models = FollowedModels.start(config, topics, TransferSecurity.Site.HOSPITAL, APPLICATION);
        KafkaAuditTrail audit = null;
        KafkaProducer<byte[], byte[]> redrives = null;
        ReplayDesk replays = null;
        List<ClusterView> views = List.of();
        try {
            audit = new KafkaAuditTrail(config, topics.audit, APPLICATION);
            Clock clock = Clock.systemUTC();
            ModelDesk desk = new ModelDesk(models.registry(), (version, reason, by) -> {
                try (ModelPublisher publisher = new ModelPublisher(
                        StreamsConfigs.producer(config, APPLICATION),
                        topics,
                        keyring,
                        config.modelsSealedTo(),
                        by,
                        clock)) {
                    return publisher.promote(version, reason);
                }
            });
            redrives = new KafkaProducer<>(
                    StreamsConfigs.producer(config, "stego-dead-letter-replay"),
                    new ByteArraySerializer(),
                    new ByteArraySerializer());
            DeadLetterDesk letters = new DeadLetterDesk(
                    new DeadLetterDesk.Source() {
                        @Override
                        public List<DeadLetterEvent> letters() {
                            return Redrive.read(config, topics, d -> true);
                        }

                        @Override
                        public Set<String> replayed() {
                            return Redrive.replayed(config, topics);
                        }
                    },
                    Redrive.kafka(redrives, topics),
                    () -> new Reverification(topics, TransferSecurity.from(config, TransferSecurity.Site.CLINIC)),
                    clock);
            List<ClusterView> clusters = new java.util.ArrayList<>();
            clusters.add(ClusterView.kafka("hospital", StreamsConfigs.admin(config), java.time.Duration.ofSeconds(3)));
            if (clinic != null) {
                clusters.add(
                        ClusterView.kafka("clinic", StreamsConfigs.admin(clinic), java.time.Duration.ofSeconds(3)));
            }
            views = clusters;
            PipelineDesk pipeline = new PipelineDesk(
                    PipelineDesk.parseApps(config.get(StegoConfig.CONSOLE_APPLICATIONS)),
                    clusters,
                    topics.crossing().stream().map(t -> t.name()).collect(java.util.stream.Collectors.toSet()),
                    clock);
            Users users = new Users(web.usersFile());
            ReceiptLedger ledger = new ReceiptLedger(
                    StreamsConfigs.readCommittedConsumer(config, APPLICATION + "-receipts"), topics, keyring, clock);
            ConsoleApp app = new ConsoleApp(
                    desk, letters, pipeline, overdue -> ledger.read(overdue, java.time.Duration.ofSeconds(10)), users);
            replays = new ReplayDesk(
                    ReplayDesk.installed(config).orElse(null), config.stateDir().resolve("console-replays"), clock);
            ReplayPages replayPages = new ReplayPages(replays, models.registry(), users);
            RoundsDesk rounds = new RoundsDesk(
                    () -> org.stegoehealth.processors.models.ModelFeed.readAll(
                            StreamsConfigs.readCommittedConsumer(config, APPLICATION),
                            topics.trainingRounds,
                            java.time.Duration.ofSeconds(10)),
                    models.registry(),
                    users);
            WebServer server = new WebServer(
                    new WebServer.Settings(
                            web.host(), web.port(), web.tls(), APPLICATION, "Hospital console", ConsoleApp.MODELS),
                    users,
                    new Sessions(clock, web.sessionIdle(), web.sessionMax()),
                    audit,
                    clock,
                    routes -> {
                        app.routes(routes);
                        replayPages.routes(routes);
                        rounds.routes(routes);
                    });
            app.bind(server);
            replayPages.bind(server);
            server.start();
            LOG.info(
                    "console at {} (certificate SHA-256 {}), users from {}",
                    server.url(),
                    server.settings().tls().fingerprint(),
                    web.usersFile());
            return new HospitalConsole(models, audit, redrives, views, replays, server);
        } catch (RuntimeException e) {
            models.close();
            views.forEach(ClusterView::close);
            if (replays != null) {
                replays.close();
            }
            if (redrives != null) {
                redrives.close();
            }
            if (audit != null) {
                audit.close();
            }
            throw e;
        }
    }

    public String url() {
        return server.url();
    }

    public WebServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
        replays.close();
        models.close();
        redrives.close();
        clusters.forEach(ClusterView::close);
        audit.close();
    }
}
