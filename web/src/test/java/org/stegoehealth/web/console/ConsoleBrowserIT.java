package org.stegoehealth.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.StegoNetwork;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.cli.MonitoringServer;
import org.stegoehealth.processors.deadletters.Redrive;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.processors.models.ModelFeed;
import org.stegoehealth.processors.models.ModelPublisher;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.schemas.AuditEvent;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.TrainingRoundEvent;
import org.stegoehealth.security.Png;
import org.stegoehealth.stack.LocalStack;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.viewer.Browser;

/**
 * The hospital console in a real browser (Debian's headless chromium) against the real local stack (Kafka and
 * Apicurio Registry as child JVMs): two signed model versions on the model topic, the first promoted; an operator
 * promotes the second with a reason and sees it live, and the signed promotion event and the audit event are on their
 * topics; a viewer finds no promote button and is refused the action; an X-ray naming a cover not yet published is
 * set aside, and once the cover is there an operator redrives it after a dry run that publishes nothing: it goes back
 * to its source topic once and the extractor recovers it once.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final String PASSWORD = "hospital console 2026";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SAMPLES = Path.of("..", "samples");
    private static final NetworkConfig SMALL = new NetworkConfig(1, 2, 8, 8, 2, 0.1);

    private Path tmp;
    private LocalStack stack;
    private PipelineCluster cluster;
    private HospitalConsole console;
    private FollowedModels embedderModels;
    private InProcessPipeline pipeline;
    private MonitoringServer monitoring;
    private PipelineOutputs outputs;
    private String coverId;
    private ChromeDriver browser;
    private String first;
    private String second;

    private static Path artifact(Path parent, String version, String parentVersion, long seed, double cover)
            throws Exception {
        Files.createDirectories(parent);
        return ModelArtifact.write(
                parent,
                new ModelMetadata(
                        version,
                        "2026-12-07T08:00:00Z",
                        SMALL,
                        Map.of(),
                        parentVersion == null
                                ? Map.of()
                                : Map.of(
                                        "parent",
                                        parentVersion,
                                        // what the trainer records: [step, loss, coverPsnr, secretPsnr]
                                        "curve",
                                        List.of(
                                                List.of(50, 0.04, 0, 0),
                                                List.of(100, 0.02, 32.0, 27.5),
                                                List.of(150, 0.015, 0, 0),
                                                List.of(200, 0.01, 33.0, 28.0))),
                        Map.of(),
                        Map.of("coverPsnr", cover, "secretPsnr", 28.0, "step", 200),
                        ModelArtifact.WEIGHTS_FILE,
                        null),
                StegoNetwork.initialWeights(SMALL, seed));
    }

    @BeforeAll
    void start(@TempDir Path work) throws Exception {
        tmp = work;
        stack = LocalStack.start(tmp.resolve("stack"));
        StegoConfig base = StegoConfig.defaultsOnly()
                .with(Map.of(
                        StegoConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                        StegoConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl()));
        cluster = PipelineCluster.open(base, true, false, tmp.resolve("run"), "console");
        cluster.createTopics();
        PipelineKeys keys = PipelineKeys.under(tmp.resolve("keys"));
        first = cluster.publishAndPromote(
                artifact(tmp.resolve("models"), "console-v1", null, 1, 31.0), "first model", keys.hospital());
        try (ModelPublisher publisher = new ModelPublisher(
                StreamsConfigs.producer(cluster.config(), "stego-model-publisher"),
                cluster.topics(),
                keys.hospital().signer(),
                "trainer",
                Clock.systemUTC())) {
            second = publisher
                    .publish(artifact(tmp.resolve("models"), "console-v2", first, 2, 33.0), first)
                    .getVersion();
        }
        // the periodic trainer's round that made the second version
        String rounds = cluster.topics().trainingRounds.name();
        TrainingRoundEvent round = TrainingRoundEvent.newBuilder()
                .setRoundId("round-20261207-0800")
                .setBaseVersion(first)
                .setCandidateVersion(second)
                .setSteps(200)
                .setTrainingXrays(64)
                .setHeldOutImages(16)
                .setBaseCoverPsnr(31.0)
                .setBaseSecretPsnr(28.0)
                .setCandidateCoverPsnr(33.0)
                .setCandidateSecretPsnr(28.0)
                .setPromoted(false)
                .setReason("held back: the gate promotes by hand in this deployment")
                .setStartedAt(Instant.parse("2026-12-07T08:00:00Z"))
                .setFinishedAt(Instant.parse("2026-12-07T08:20:00Z"))
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                StreamsConfigs.producer(cluster.config(), "console-it-rounds"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            rounds,
                            round.getRoundId().getBytes(StandardCharsets.UTF_8),
                            cluster.topics()
                                    .trainingRounds
                                    .valueSerde()
                                    .serializer()
                                    .serialize(rounds, round)))
                    .get(30, TimeUnit.SECONDS);
        }
        // a running embedder (and extractor) following the promotions, its /metrics served as `stego embedder` serves
        // them, and the console's pipeline page reading them
        cluster.publishCovers(SAMPLES.resolve("covers"));
        coverId = CoverProducer.coverIdOf(
                Images.listImages(SAMPLES.resolve("covers")).get(0));
        embedderModels = FollowedModels.start(
                cluster.config()
                        .with(Map.of(
                                StegoConfig.MODEL_CACHE_DIR,
                                tmp.resolve("embedder-models").toString())),
                cluster.topics(),
                keys.hospital(),
                keys.hospital().name(),
                "console-it-embedder-models");
        pipeline = InProcessPipeline.start(
                cluster.config(),
                cluster.topics(),
                embedderModels.registry(),
                embedderModels.registry(),
                keys,
                InProcessPipeline.START_TIMEOUT);
        monitoring = MonitoringServer.start(
                0,
                cluster.config().embedderApplicationId(),
                () -> pipeline.embedder().state(),
                () -> pipeline.embedder().failed(),
                () -> null,
                List.of());
        monitoring.bind(
                "following " + cluster.topics().models.name(),
                List.of(pipeline.embedder().metricsBinder()));
        outputs = new PipelineOutputs(cluster, "console-it-outputs");
        Path users = tmp.resolve("users");
        new Users(users).add("ops.anna", PASSWORD.toCharArray(), false, Users.Role.OPERATOR);
        new Users(users).add("dr.lee", PASSWORD.toCharArray(), false, Users.Role.VIEWER);
        console = HospitalConsole.start(cluster.config()
                .with(Map.of(
                        StegoConfig.KEYRING_DIR, keys.hospital().dir().toString(),
                        StegoConfig.VIEWER_PORT, "0",
                        StegoConfig.VIEWER_USERS_FILE, users.toString(),
                        StegoConfig.MODEL_CACHE_DIR,
                                tmp.resolve("console-models").toString(),
                        StegoConfig.STATE_DIR, tmp.resolve("console-state").toString(),
                        StegoConfig.CONSOLE_APPLICATIONS, "embedder=http://127.0.0.1:" + monitoring.port())));
        browser = Browser.start(tmp.resolve("chromium-profile"), tmp.resolve("downloads"));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {
            browser == null ? null : browser::quit,
            console,
            outputs,
            monitoring,
            pipeline,
            embedderModels,
            cluster,
            stack
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

    /** A wait that reads again an element htmx replaced between finding and reading it (the panel refreshes). */
    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private void signIn(String user) {
        browser.manage().deleteAllCookies();
        browser.get(console.url() + "/models");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("signin")));
        browser.findElement(By.id("user-name")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("sign-in")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("versions")));
    }

    @Test
    @Order(1)
    void anOperatorPromotesAVersionWithAReasonAndSeesItLive() throws Exception {
        signIn("ops.anna");
        assertEquals(
                List.of("Pipeline", "Models", "Dead letters", "Replays", "Receipts"),
                browser.findElements(By.cssSelector("nav.pages a")).stream()
                        .map(a -> a.getText())
                        .toList());
        assertEquals(first, browser.findElement(By.id("live")).getText());
        Browser.screenshot(browser, "console-models-before");
        browser.findElement(By.id("promote-" + second)).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("reason")));
        browser.findElement(By.id("reason")).sendKeys("higher cover PSNR on the held-out set");
        Browser.screenshot(browser, "console-promote-confirm");
        long clicked = System.nanoTime();
        browser.findElement(By.id("confirm-action")).click();
        // the running embedder follows the promotion: it embeds its next batch with the new version
        while (!second.equals(embedderModels.registry().promotedVersion().orElse(null))) {
            assertTrue(System.nanoTime() - clicked < WAIT.toNanos(), "the embedder never saw the promotion");
            Thread.sleep(5);
        }
        double reachedMs = (System.nanoTime() - clicked) / 1e6;
        String id = cluster.publishXray(smallXray(0, "promotion-check"), coverId);
        long sent = System.nanoTime();
        while (!outputs.stego().containsKey(id)) {
            assertTrue(System.nanoTime() - sent < WAIT.toNanos(), "no stego image for " + id);
            pipeline.checkHealthy();
            outputs.poll(Duration.ofMillis(50));
        }
        double firstImageMs = (System.nanoTime() - clicked) / 1e6;
        assertEquals(second, outputs.stego().get(id).getModelVersion());
        System.out.printf(
                Locale.ROOT,
                "console promotion: the embedder follows %s %.0f ms after the operator's click; the first X-ray sent"
                        + " after that came out embedded with it %.0f ms after the click%n",
                second,
                reachedMs,
                firstImageMs);
        assertTrue(reachedMs <= 5000, "the promotion reached the embedder after " + reachedMs + " ms");
        waiting().until(ExpectedConditions.textToBe(By.id("live"), second));
        assertTrue(browser.getPageSource().contains("higher cover PSNR on the held-out set"));
        Browser.screenshot(browser, "console-models-promoted");

        // on the topics: the signed promotion with who and why, and the audit event
        ModelPromotionEvent latest = ModelFeed.readAll(
                        StreamsConfigs.readCommittedConsumer(cluster.config(), "console-it"),
                        cluster.topics().promotions,
                        Duration.ofSeconds(30))
                .stream()
                .reduce((a, b) -> b)
                .orElseThrow();
        assertEquals(second, latest.getVersion());
        assertEquals("ops.anna", latest.getPromotedBy());
        assertEquals("higher cover PSNR on the held-out set", latest.getReason());
        AuditEvent promoted = ModelFeed.readAll(
                        StreamsConfigs.readCommittedConsumer(cluster.config(), "console-it-audit"),
                        cluster.topics().audit,
                        Duration.ofSeconds(30))
                .stream()
                .filter(a -> a.getAction().equals("PROMOTE"))
                .findFirst()
                .orElseThrow();
        assertEquals("ops.anna", promoted.getUser());
        assertTrue(promoted.getDetail().contains(second), promoted.getDetail());

        browser.findElement(By.id("nav-pipeline")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("topics")));
        String models = cluster.topics().models.name();
        waiting()
                .until(d -> d.findElement(By.id("topic-hospital-" + models))
                        .getText()
                        .contains("yes"));
        Browser.screenshot(browser, "console-pipeline");

        // the pipeline page's figures are the embedder's /metrics of the same moment
        HttpClient http = HttpClient.newHttpClient();
        String metricsUrl = "http://127.0.0.1:" + monitoring.port() + "/metrics";
        String agreed = null;
        for (int attempt = 0; attempt < 20 && agreed == null; attempt++) {
            List<PrometheusText.Sample> before = PrometheusText.parse(http.send(
                            HttpRequest.newBuilder(URI.create(metricsUrl)).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            String readAt = waiting().until(d -> d.findElement(By.id("read-at")).getText());
            waiting().until(d -> !d.findElement(By.id("read-at")).getText().equals(readAt));
            WebElementRow row = waiting().until(d -> WebElementRow.of(browser));
            List<PrometheusText.Sample> after = PrometheusText.parse(http.send(
                            HttpRequest.newBuilder(URI.create(metricsUrl)).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            String expected = PipelineFigures.of(before);
            if (expected.equals(PipelineFigures.of(after)) && expected.equals(row.figures())) {
                agreed = expected;
            }
        }
        assertTrue(agreed != null, "the pipeline page never agreed with /metrics");
        assertTrue(agreed.startsWith("images "
                + (int) PrometheusText.sum(
                        PrometheusText.parse(http.send(
                                        HttpRequest.newBuilder(URI.create(metricsUrl))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body()),
                        "stego_images_processed_total")));
        System.out.println("pipeline page and /metrics agree: " + agreed);
    }

    /** The figures of the embedder's row on the pipeline page, as {@link PipelineFigures} writes them. */
    private record WebElementRow(String processed, String p50, String p99, String deadLetters) {
        static WebElementRow of(ChromeDriver browser) {
            var row = browser.findElement(By.id("app-embedder"));
            return new WebElementRow(
                    row.findElement(By.className("processed")).getText(),
                    row.findElement(By.className("p50")).getText(),
                    row.findElement(By.className("p99")).getText(),
                    row.findElement(By.className("dead-letters")).getText());
        }

        String figures() {
            return "images " + processed + ", p50 " + p50 + ", p99 " + p99 + ", dead letters " + deadLetters;
        }
    }

    /** The same figures from a /metrics text: images processed, batch p50 and p99, dead letters (every reason). */
    private static final class PipelineFigures {
        static String of(List<PrometheusText.Sample> samples) {
            return "images "
                    + String.format(Locale.ROOT, "%.0f", PrometheusText.sum(samples, "stego_images_processed_total"))
                    + ", p50 " + ms(PrometheusText.first(samples, "stego_batch_latency_seconds", "quantile", "0.5"))
                    + ", p99 " + ms(PrometheusText.first(samples, "stego_batch_latency_seconds", "quantile", "0.99"))
                    + ", dead letters "
                    + String.format(Locale.ROOT, "%.0f", PrometheusText.sum(samples, "stego_dead_letters_total"));
        }

        private static String ms(double seconds) {
            return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f ms", seconds * 1000);
        }
    }

    /** A 256 x 256 gray X-ray from the samples (the {@code sample}th), so the embedder's batch stays quick. */
    private Path smallXray(int sample, String name) throws Exception {
        List<Path> samples = Images.listImages(SAMPLES.resolve("xray"));
        var gray = Images.squareAt(Images.read(samples.get(sample)), 256).withChannels(1);
        Path file = Files.createDirectories(tmp.resolve("xrays")).resolve(name + ".png");
        Files.write(file, Png.encode(gray.quantize8().toBufferedImage()));
        return file;
    }

    @Test
    @Order(2)
    void aViewerFindsNoPromoteButtonAndIsRefusedTheAction() throws Exception {
        signIn("dr.lee");
        assertEquals("viewer", browser.findElement(By.id("role")).getText());
        assertTrue(browser.findElements(By.cssSelector("a.promote")).isEmpty());
        assertTrue(browser.findElements(By.id("rollback")).isEmpty());
        Browser.screenshot(browser, "console-models-viewer");
        browser.get(console.url() + "/models/" + first + "/promote");
        assertTrue(browser.getPageSource().contains("only an operator may do this"), browser.getPageSource());
        String cookie = browser.manage().getCookieNamed("stego_session").getValue();
        HttpClient http = HttpClient.newBuilder().sslContext(trustConsole()).build();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(console.url() + "/models/" + first + "/promote"))
                        .header("Cookie", "stego_session=" + cookie)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("reason=mine"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode());
        browser.get(console.url() + "/models");
        assertEquals(second, browser.findElement(By.id("live")).getText(), "nothing changed");
    }

    @Test
    @Order(3)
    void anOperatorRedrivesADeadLetterAfterFixingItsCauseAndItIsRecoveredOnce() throws Exception {
        // an X-ray naming a cover the library does not hold yet: the embedder sets it aside
        String lateCover = "late-cover";
        String id = cluster.publishXray(smallXray(1, "redrive-check"), lateCover);
        long sent = System.nanoTime();
        while (outputs.deadLetters().stream().noneMatch(d -> id.equals(PipelineOutputs.originalKey(d)))) {
            assertTrue(System.nanoTime() - sent < WAIT.toNanos(), "no dead letter for " + id);
            pipeline.checkHealthy();
            outputs.poll(Duration.ofMillis(50));
        }
        DeadLetterEvent letter = outputs.deadLetters().stream()
                .filter(d -> id.equals(PipelineOutputs.originalKey(d)))
                .findFirst()
                .orElseThrow();
        assertEquals("UNKNOWN_COVER", letter.getErrorType());
        assertTrue(!outputs.recovered().containsKey(id));

        // the cause fixed: the cover is published
        Path covers = Files.createDirectories(tmp.resolve("late-covers"));
        Files.copy(Images.listImages(SAMPLES.resolve("covers")).get(1), covers.resolve(lateCover + ".jpg"));
        cluster.publishCovers(covers);

        String xrays = cluster.topics().xrays.name();
        signIn("ops.anna");
        browser.findElement(By.id("nav-dead-letters")).click();
        waiting()
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("a.category[href$='reason=UNKNOWN_COVER']")));
        browser.findElement(By.cssSelector("a.category[href$='reason=UNKNOWN_COVER']"))
                .click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("dry-run")));
        assertTrue(
                browser.findElement(By.id("letters"))
                        .getText()
                        .contains("cover '" + lateCover + "' is not in the cover library"),
                browser.findElement(By.id("letters")).getText());
        assertTrue(browser.findElements(By.tagName("img")).isEmpty(), "never the X-ray's pixels");
        Browser.screenshot(browser, "console-dead-letters");
        browser.findElement(By.id("dry-run")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("confirm-redrive")));
        assertTrue(browser.findElement(By.id("summary")).getText().contains("1 would be re-published"));
        try (ClusterView view = ClusterView.kafka("hospital", StreamsConfigs.admin(cluster.config()), WAIT)) {
            long before = records(view, xrays);
            assertEquals(before, records(view, xrays), "a dry run publishes nothing");
            assertTrue(!outputs.recovered().containsKey(id));
            Browser.screenshot(browser, "console-redrive-dry-run");
            browser.findElement(By.id("confirm-redrive")).click();
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "1 re-published"));
            assertEquals(before + 1, records(view, xrays));

            // the X-ray goes through again, now with its cover, and the extractor recovers it once
            long redriven = System.nanoTime();
            while (!outputs.recovered().containsKey(id)) {
                assertTrue(System.nanoTime() - redriven < WAIT.toNanos(), id + " was not recovered after the redrive");
                pipeline.checkHealthy();
                outputs.poll(Duration.ofMillis(50));
            }
            assertEquals(second, outputs.stego().get(id).getModelVersion(), "embedded with the live version");
            System.out.printf(
                    Locale.ROOT,
                    "console redrive: %s recovered %.0f ms after the operator's redrive%n",
                    id,
                    (System.nanoTime() - redriven) / 1e6);

            // again: recorded as redriven, so nothing more goes back
            browser.get(console.url() + "/dead-letters?reason=UNKNOWN_COVER");
            waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("dry-run")));
            assertTrue(browser.getPageSource().contains("redriven"));
            browser.findElement(By.id("dry-run")).click();
            waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("summary")));
            assertTrue(browser.findElement(By.id("summary")).getText().contains("0 would be re-published, 1 already"));
            assertTrue(browser.findElements(By.id("confirm-redrive")).isEmpty());
            assertEquals(before + 1, records(view, xrays), "re-published once");
        }
        assertEquals(Set.of(Redrive.key(letter)), Redrive.replayed(cluster.config(), cluster.topics()));
        // recovered once: nothing more arrives for it
        long settled = System.nanoTime();
        while (System.nanoTime() - settled < Duration.ofSeconds(3).toNanos()) {
            outputs.poll(Duration.ofMillis(100));
        }
        assertEquals(1, outputs.recoveredCounts().get(id), "recovered once");
        assertEquals(
                1,
                outputs.deadLetters().stream()
                        .filter(d -> id.equals(PipelineOutputs.originalKey(d)))
                        .count(),
                "set aside once, before its cover was there");
    }

    @Test
    @Order(4)
    void theModelsPageShowsTheTrainersRoundAndEachVersionItsPage() throws Exception {
        signIn("dr.lee");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("round-round-20261207-0800")));
        String row = browser.findElement(By.id("round-round-20261207-0800")).getText();
        assertTrue(row.contains("31.00 → 33.00 dB") && row.contains("held back"), row);
        Browser.screenshot(browser, "console-models-rounds");
        browser.findElement(By.cssSelector("#version-" + second + " a.detail")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("version"), second));
        assertTrue(browser.findElement(By.id("rounds-table")).getText().contains("round-20261207-0800"));
        assertTrue(browser.getPageSource().contains("href=\"/versions/" + first + "\""), "its parent");
        // its training curve, drawn from its signed metadata
        waiting()
                .until(d -> ((Number) browser.executeScript("return document.getElementById('curve').naturalWidth"))
                                .intValue()
                        == 900);
        Browser.screenshot(browser, "console-version");
        browser.findElement(By.linkText(first)).click();
        waiting().until(ExpectedConditions.textToBe(By.id("version"), first));
        assertTrue(!browser.findElements(By.id("no-curve")).isEmpty(), "the first version records no curve");

        // the receipts and replays pages, from the navigation
        browser.findElement(By.id("nav-receipts")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("clinics")));
        Browser.screenshot(browser, "console-receipts");
        browser.findElement(By.id("nav-replays")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
        Browser.screenshot(browser, "console-replays");
    }

    private static long records(ClusterView view, String topic) {
        return view.topics().stream()
                .filter(t -> t.topic().equals(topic))
                .mapToLong(ClusterView.TopicCount::records)
                .sum();
    }

    /** A TLS context that trusts the console's own certificate only. */
    private javax.net.ssl.SSLContext trustConsole() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("console", console.server().settings().tls().certificate());
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
