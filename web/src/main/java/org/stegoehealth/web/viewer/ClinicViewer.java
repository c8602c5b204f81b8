package org.stegoehealth.web.viewer;

import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.Receipts;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.web.KafkaAuditTrail;
import org.stegoehealth.web.KafkaTopicWriter;
import org.stegoehealth.web.Sessions;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;
import org.stegoehealth.web.WebSettings;

/**
 * A running clinic viewer: the feed that keeps the worklist from the clinic's topics, the audit trail on its {@code
 * audit} topic, the REVIEWED receipts on its {@code receipts} topic (signed with the clinic's keyring), and the HTTPS
 * server. {@link #start} is what {@code stego viewer} and the demo run.
 */
public final class ClinicViewer implements AutoCloseable {

    public static final String APPLICATION = "stego-viewer";
    private static final Logger LOG = LoggerFactory.getLogger(ClinicViewer.class);

    private final ClinicFeed feed;
    private final RecoveredImages images;
    private final KafkaAuditTrail audit;
    private final KafkaTopicWriter<ReceiptEvent> receipts;
    private final WebServer server;
    private final StudyIndex index;
    private final Reviews reviews;

    private ClinicViewer(
            ClinicFeed feed,
            RecoveredImages images,
            KafkaAuditTrail audit,
            KafkaTopicWriter<ReceiptEvent> receipts,
            WebServer server,
            StudyIndex index,
            Reviews reviews) {
        this.feed = feed;
        this.images = images;
        this.audit = audit;
        this.receipts = receipts;
        this.server = server;
        this.index = index;
        this.reviews = reviews;
    }

    /** Starts the viewer of the clinic {@code config} names (its keyring, topics, users file and viewer settings). */
    public static ClinicViewer start(StegoConfig config) {
        WebSettings web = WebSettings.of(config);
        ClinicTrust trust = ClinicTrust.of(config);
        Topics topics = Wiring.topics(config);
        StudyIndex index = new StudyIndex();
        ModelQuality quality = new ModelQuality(trust);
        Clock clock = Clock.systemUTC();
        Receipts.Issuer issuer = Receipts.Issuer.of(TransferSecurity.from(config, TransferSecurity.Site.CLINIC));
        KafkaTopicWriter<ReceiptEvent> receipts =
                new KafkaTopicWriter<>(config, topics.receipts, APPLICATION + "-receipts", "a receipt");
        Reviews reviews = new Reviews(issuer, r -> receipts.write(r.getMessageId(), r), clock);
        Properties consumer = StreamsConfigs.readCommittedConsumer(config, APPLICATION);
        RecoveredImages images = new RecoveredImages(consumer, topics, web.imageCacheBytes());
        ClinicFeed feed = new ClinicFeed(consumer, topics, index, images, quality, reviews);
        KafkaAuditTrail audit = new KafkaAuditTrail(config, topics.audit, APPLICATION);
        try {
            ViewerApp app = new ViewerApp(index, quality, reviews, clock);
            WebServer server = new WebServer(
                    new WebServer.Settings(
                            web.host(), web.port(), web.tls(), APPLICATION, "Clinic viewer", ViewerApp.WORKLIST),
                    new Users(web.usersFile()),
                    new Sessions(clock, web.sessionIdle(), web.sessionMax()),
                    audit,
                    clock,
                    app::routes);
            app.bind(server);
            feed.start();
            server.start();
            LOG.info(
                    "viewer at {} (certificate SHA-256 {}), users from {}",
                    server.url(),
                    server.settings().tls().fingerprint(),
                    web.usersFile());
            return new ClinicViewer(feed, images, audit, receipts, server, index, reviews);
        } catch (RuntimeException e) {
            feed.close();
            images.close();
            audit.close();
            receipts.close();
            throw e;
        }
    }

    public String url() {
        return server.url();
    }

    public WebServer server() {
        return server;
    }

    public StudyIndex index() {
        return index;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return feed.awaitCaughtUp(timeout);
    }

    public Reviews reviews() {
        return reviews;
    }

    @Override
    public void close() {
        server.close();
        feed.close();
        images.close();
        audit.close();
        receipts.close();
    }
}
