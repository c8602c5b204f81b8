package org.stegoehealth.web.console;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.ClusterCheck;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.processors.models.ModelPublisher;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.web.KafkaAuditTrail;
import org.stegoehealth.web.Sessions;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;
import org.stegoehealth.web.WebSettings;

/**
 * A running hospital console: the model topics followed as the embedder follows them, promotions signed with the
 * hospital's keyring (as {@code stego models promote} signs them), the audit trail on the hospital's {@code audit}
 * topic, and the HTTPS server. {@link #start} is what {@code stego console} runs.
 */
public final class HospitalConsole implements AutoCloseable {

    public static final String APPLICATION = "stego-console";
    private static final Logger LOG = LoggerFactory.getLogger(HospitalConsole.class);

    private final FollowedModels models;
    private final KafkaAuditTrail audit;
    private final WebServer server;

    private HospitalConsole(FollowedModels models, KafkaAuditTrail audit, WebServer server) {
        this.models = models;
        this.audit = audit;
        this.server = server;
    }

    /** Starts the console of the hospital {@code config} names (its keyring, topics, users file and web settings). */
    public static HospitalConsole start(StegoConfig config) {
        WebSettings web = WebSettings.of(config);
        Topics topics = CommonOptions.topics(config);
        Keyring keyring = Keyring.open(config.keyringDir());
        ClusterCheck.requireBroker(config, ClusterCheck.DEFAULT_WITHIN);
        FollowedModels models = FollowedModels.start(config, topics, TransferSecurity.Site.HOSPITAL, APPLICATION);
        KafkaAuditTrail audit = null;
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
            Users users = new Users(web.usersFile());
            ConsoleApp app = new ConsoleApp(desk, users);
            WebServer server = new WebServer(
                    new WebServer.Settings(
                            web.host(), web.port(), web.tls(), APPLICATION, "Hospital console", ConsoleApp.MODELS),
                    users,
                    new Sessions(clock, web.sessionIdle(), web.sessionMax()),
                    audit,
                    clock,
                    app::routes);
            app.bind(server);
            server.start();
            LOG.info(
                    "console at {} (certificate SHA-256 {}), users from {}",
                    server.url(),
                    server.settings().tls().fingerprint(),
                    web.usersFile());
            return new HospitalConsole(models, audit, server);
        } catch (RuntimeException e) {
            models.close();
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
        models.close();
        audit.close();
    }
}
