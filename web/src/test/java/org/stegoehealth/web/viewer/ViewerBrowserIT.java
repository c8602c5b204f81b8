package org.stegoehealth.web.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.models.ModelFeed;
import org.stegoehealth.processors.produce.XrayProducer;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.processors.receipts.ReceiptStatus;
import org.stegoehealth.schemas.AuditEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.security.Png;
import org.stegoehealth.stack.LocalStack;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.web.Users;

/**
 * The clinic viewer in a real browser (Debian's headless chromium) against the real local stack (Kafka and Apicurio
 * Registry as child JVMs) with the embedder and the extractor running in process on the bundled model: X-rays are
 * sent at the hospital's end and watched arriving at the clinic's. One stack, viewer and browser for the class; the
 * tests run in order, as a clinician would: sign in, watch the worklist, open a study, export it.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewerBrowserIT {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final String USER = "dr.smith";
    private static final String PASSWORD = "chest x-ray reader 7";
    private static final Duration WAIT = Duration.ofMinutes(2);

    private Path tmp;
    private LocalStack stack;
    private PipelineCluster cluster;
    private InProcessPipeline pipeline;
    private ClinicViewer viewer;
    private ChromeDriver browser;
    private Producer<String, XrayImageEvent> xrayKafka;
    private XrayProducer xrays;
    private PipelineKeys keys;
    private String modelVersion;

    @BeforeAll
    void start(@TempDir Path work) throws Exception {
        tmp = work;
        stack = LocalStack.start(tmp.resolve("stack"));
        StegoConfig base = StegoConfig.defaultsOnly()
                .with(Map.of(
                        StegoConfig.BOOTSTRAP_SERVERS,
                        stack.bootstrapServers(),
                        StegoConfig.SCHEMA_REGISTRY_URL,
                        stack.schemaRegistryUrl(),
                        StegoConfig.BATCH_LINGER_MS,
                        "200",
                        StegoConfig.COMMIT_INTERVAL_MS,
                        "200"));
        cluster = PipelineCluster.open(base, true, false, tmp.resolve("run"), "viewer");
        cluster.createTopics();
        cluster.publishCovers(SAMPLES.resolve("covers"));
        keys = PipelineKeys.under(tmp.resolve("keys"));
        Path models = Path.of("..", "models");
        Path modelDir = models.resolve(
                Files.readString(models.resolve(ModelArtifact.DEFAULT_POINTER)).trim());
        StegoModel model = ModelArtifact.load(modelDir).toModel();
        modelVersion = cluster.publishAndPromote(modelDir, "browser test", keys.hospital());
        pipeline = InProcessPipeline.start(
                cluster.config(), cluster.topics(), model, keys, InProcessPipeline.START_TIMEOUT);
        xrayKafka = XrayProducer.kafkaProducer(cluster.config(), cluster.topics().xrays);
        xrays = new XrayProducer(
                xrayKafka,
                cluster.topics().xrays.name(),
                cluster.config().maxImageSide(),
                Clock.systemUTC(),
                null,
                true);

        Path users = tmp.resolve("viewer-users");
        new Users(users).add(USER, PASSWORD.toCharArray(), false);
        viewer = ClinicViewer.start(cluster.config()
                .with(Map.of(
                        StegoConfig.KEYRING_DIR, keys.clinic().dir().toString(),
                        StegoConfig.VIEWER_PORT, "0",
                        // every study's pixels come from the recovered topic, as for one past the cache
                        StegoConfig.VIEWER_IMAGE_CACHE_MB, "0",
                        StegoConfig.VIEWER_USERS_FILE, users.toString(),
                        StegoConfig.STATE_DIR, tmp.resolve("viewer-state").toString())));
        browser = Browser.start(tmp.resolve("chromium-profile"), tmp.resolve("downloads"));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c :
                new AutoCloseable[] {browser == null ? null : browser::quit, viewer, pipeline, xrayKafka, cluster, stack
                }) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing: " + e);
                }
            }
        }
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
    }

    /** A small X-ray from the samples, named (and so given the study reference) {@code ref}. */
    private String sendXray(String ref, int sample) throws IOException {
        List<Path> samples = Images.listImages(SAMPLES.resolve("xray"));
        var gray = Images.squareAt(Images.read(samples.get(sample % samples.size())), 256)
                .withChannels(1);
        Path file = Files.createDirectories(tmp.resolve("xrays")).resolve(ref + ".png");
        Files.write(file, Png.encode(gray.quantize8().toBufferedImage()));
        var outcome = xrays.publishAll(List.of(file), null).get(0);
        assertTrue(outcome.ok(), outcome.toString());
        return outcome.key();
    }

    private List<AuditEvent> audit() {
        return ModelFeed.readAll(
                StreamsConfigs.readCommittedConsumer(cluster.config(), "audit-reader"),
                cluster.topics().audit,
                Duration.ofSeconds(30));
    }

    private void awaitAudit(String action, String messageId) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (audit().stream()
                .noneMatch(e ->
                        e.getAction().equals(action) && (messageId == null || messageId.equals(e.getMessageId())))) {
            assertTrue(System.nanoTime() < until, "no " + action + " audit event for " + messageId);
            Thread.sleep(200);
        }
    }

    @Test
    @Order(1)
    void wrongPasswordIsRefused() throws Exception {
        browser.get(viewer.url() + "/worklist");
        waiting().until(d -> d.getCurrentUrl().contains("/sign-in"));
        browser.findElement(By.id("user-name")).sendKeys(USER);
        browser.findElement(By.id("password")).sendKeys("not the password");
        browser.findElement(By.id("sign-in")).click();
        WebElement error = waiting().until(d -> d.findElement(By.id("error")));
        assertEquals("Wrong user name or password.", error.getText());
        assertTrue(browser.manage().getCookieNamed("stego_session") == null);
        Browser.screenshot(browser, "sign-in-refused");
        awaitAudit("SIGN_IN_REFUSED", null);
    }

    @Test
    @Order(2)
    void newXrayAppearsInTheOpenWorklistWithoutReload() throws Exception {
        browser.get(viewer.url() + "/worklist");
        waiting().until(d -> d.getCurrentUrl().contains("/sign-in"));
        browser.findElement(By.id("user-name")).sendKeys(USER);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("sign-in")).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/worklist"));
        // a mark on this page: a reload would drop it
        browser.executeScript("window.stillTheSamePage = true;");
        // the worklist holds the server-sent events connection open before the X-ray is sent
        waiting().until(d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-live")));
        String first = sendXray("ACC-2026-1001", 0);
        WebElement row = waiting().until(d -> d.findElement(By.cssSelector("tr[data-id='" + first + "']")));
        assertTrue(row.getText().contains("ACC-2026-1001"), row.getText());
        assertTrue(row.getText().contains("recovered"), row.getText());
        assertEquals(Boolean.TRUE, browser.executeScript("return window.stillTheSamePage === true;"));
        String second = sendXray("ACC-2026-1002", 1);
        waiting().until(d -> d.findElement(By.cssSelector("tr[data-id='" + second + "']")));
        List<WebElement> rows = browser.findElements(By.cssSelector("#rows tr"));
        assertEquals(second, rows.get(0).getAttribute("data-id"), "newest first");
        assertEquals(Boolean.TRUE, browser.executeScript("return window.stillTheSamePage === true;"));
        Browser.screenshot(browser, "worklist");
    }

    private static final String CANVAS_STATS = "var c = document.querySelector('canvas.xray');"
            + " var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            + " var sum = 0, sq = 0, n = 0, hash = 0;"
            + " for (var i = 0; i < d.length; i += 4) { var v = d[i]; sum += v; sq += v * v; n++;"
            + "   hash = (hash * 31 + v) | 0; }"
            + " var mean = sum / n; return [mean, Math.sqrt(sq / n - mean * mean), hash];";

    @Test
    @Order(3)
    void openingAStudyDrawsItAndWindowLevelChangesTheDrawnPixels() throws Exception {
        browser.get(viewer.url() + "/worklist");
        WebElement link = waiting().until(d -> d.findElement(By.linkText("ACC-2026-1001")));
        link.click();
        waiting()
                .until(d -> "1"
                                .compareTo(String.valueOf(d.findElement(By.cssSelector("canvas.xray"))
                                        .getAttribute("data-draws")))
                        <= 0);
        WebElement badge = browser.findElement(By.cssSelector(".badge"));
        assertTrue(
                badge.getText()
                        .contains("Reconstructed by model " + modelVersion + ", lossy, not for primary diagnosis"),
                badge.getText());
        assertTrue(badge.getText().contains("Signature verified: signed by hospital 'hospital'"), badge.getText());
        assertTrue(badge.getText().contains("held-out PSNR"), badge.getText());
        assertFalse(badge.getText().contains("unknown"), badge.getText());
        @SuppressWarnings("unchecked")
        List<Number> before = (List<Number>) browser.executeScript(CANVAS_STATS);
        assertTrue(before.get(1).doubleValue() > 5, "a drawn X-ray has contrast: " + before);
        Browser.screenshot(browser, "study");
        WebElement canvas = browser.findElement(By.cssSelector("canvas.xray"));
        new Actions(browser)
                .moveToElement(canvas)
                .clickAndHold()
                .moveByOffset(-120, 60)
                .release()
                .perform();
        @SuppressWarnings("unchecked")
        List<Number> after = (List<Number>) browser.executeScript(CANVAS_STATS);
        assertNotEquals(before.get(2), after.get(2), "window/level changed the drawn pixels");
        assertNotEquals(before.get(0).doubleValue(), after.get(0).doubleValue(), 0.01);
        Browser.screenshot(browser, "study-window-level");
        awaitAudit("VIEW", null);
        awaitReviewedReceipt("ACC-2026-1001");
    }

    /** The hospital reads a REVIEWED receipt for the study, signed by the clinic and naming the clinician. */
    private void awaitReviewedReceipt(String studyRef) throws InterruptedException {
        ReceiptLedger ledger = new ReceiptLedger(
                StreamsConfigs.readCommittedConsumer(cluster.config(), "receipts-reader"),
                cluster.topics(),
                keys.hospital(),
                java.time.Clock.systemUTC());
        long until = System.nanoTime() + WAIT.toNanos();
        while (true) {
            ReceiptLedger.Reading reading = ledger.read(Duration.ofMinutes(10), Duration.ofSeconds(30));
            var study = reading.status().studies().stream()
                    .filter(s -> studyRef.equals(s.studyRef()) && s.reviewed() != null)
                    .findFirst();
            if (study.isPresent()) {
                assertEquals(USER, study.get().reviewed().reviewer());
                assertEquals(ReceiptStatus.State.REVIEWED, study.get().state());
                assertEquals(List.of(), reading.refused());
                return;
            }
            assertTrue(System.nanoTime() < until, "no REVIEWED receipt for " + studyRef + " at the hospital");
            Thread.sleep(200);
        }
    }

    @Test
    @Order(4)
    void aTamperedEventShowsAsFailedWithItsReason() throws Exception {
        StegoImageEvent genuine = ModelFeed.readAll(
                        StreamsConfigs.readCommittedConsumer(cluster.config(), "stego-reader"),
                        cluster.topics().stego,
                        Duration.ofSeconds(30))
                .get(0);
        // the pixels are changed after the hospital signed them
        byte[] image = InputImages.bytes(genuine.getImage());
        image[image.length / 2] ^= 0x01;
        StegoImageEvent tampered = StegoImageEvent.newBuilder(genuine)
                .setImage(java.nio.ByteBuffer.wrap(image))
                .build();
        try (Producer<String, StegoImageEvent> producer = new KafkaProducer<>(
                StreamsConfigs.producer(cluster.config(), "tamper"),
                cluster.topics().stego.keySerde().serializer(),
                cluster.topics().stego.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(cluster.topics().stego.name(), "tampered-1", tampered))
                    .get();
        }
        browser.get(viewer.url() + "/worklist");
        WebElement row = waiting().until(d -> d.findElement(By.cssSelector("tr.failed")));
        assertTrue(row.getText().contains("failed: TAMPERED"), row.getText());
        String reason = row.findElement(By.cssSelector(".reason")).getText();
        assertFalse(reason.isBlank());
        row.findElement(By.cssSelector("td.ref a")).click();
        WebElement failure = waiting().until(d -> d.findElement(By.id("failure")));
        assertTrue(failure.getText().contains("TAMPERED"), failure.getText());
        assertTrue(browser.findElements(By.cssSelector("canvas")).isEmpty(), "a failed study is never drawn");
        browser.get(viewer.url() + "/worklist");
        waiting().until(d -> d.findElement(By.cssSelector("tr.failed")));
        Browser.screenshot(browser, "worklist-with-failure");
    }

    @Test
    @Order(5)
    void anExportWritesAnAuditEvent() throws Exception {
        browser.get(viewer.url() + "/worklist");
        waiting().until(d -> d.findElement(By.linkText("ACC-2026-1002"))).click();
        WebElement export = waiting().until(d -> d.findElement(By.cssSelector("a.export")));
        export.click();
        Path file = tmp.resolve("downloads").resolve("ACC-2026-1002.png");
        long until = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < until, "no download " + file);
            Thread.sleep(100);
        }
        awaitAudit("EXPORT", null);
        AuditEvent e = audit().stream()
                .filter(a -> a.getAction().equals("EXPORT"))
                .findFirst()
                .orElseThrow();
        assertEquals(USER, e.getUser());
        assertEquals("ACC-2026-1002", e.getStudyRef());
        assertEquals("127.0.0.1", e.getRemoteAddress());
        String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("not for primary diagnosis"), "the badge travels in the PNG");
        // stego audit lists it
        java.io.StringWriter listed = new java.io.StringWriter();
        picocli.CommandLine audit = new picocli.CommandLine(new org.stegoehealth.web.AuditCommand());
        audit.setOut(new java.io.PrintWriter(listed));
        int code = audit.execute(
                "--bootstrap-servers", cluster.config().bootstrapServers(),
                "--schema-registry-url", cluster.config().schemaRegistryUrl(),
                "--topic-prefix", cluster.config().topicPrefix(),
                "--action", "EXPORT");
        assertEquals(0, code, listed.toString());
        assertTrue(
                listed.toString().matches("(?s).*dr\\.smith\\s+EXPORT\\s+ACC-2026-1002.*127\\.0\\.0\\.1.*"),
                listed.toString());
    }

    @Test
    @Order(6)
    void twoStudiesSideBySide() throws Exception {
        browser.get(viewer.url() + "/worklist");
        waiting().until(d -> d.findElements(By.cssSelector("input.pick")).size() >= 2);
        List<WebElement> picks = browser.findElements(By.cssSelector("input.pick"));
        picks.get(0).click();
        picks.get(1).click();
        browser.findElement(By.id("compare")).click();
        waiting()
                .until(d -> d.findElements(By.cssSelector("canvas.xray")).size() == 2
                        && d.findElements(By.cssSelector("canvas.xray[data-draws]"))
                                        .size()
                                == 2);
        Browser.screenshot(browser, "compare");
    }
}
