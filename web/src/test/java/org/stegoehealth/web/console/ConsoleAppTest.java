package org.stegoehealth.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelCache;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.StegoNetwork;
import org.stegoehealth.processors.deadletters.Redrive;
import org.stegoehealth.processors.models.ModelEvents;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.processors.receipts.ReceiptStatus;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.DeadLetterReplayEvent;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.ModelStatus;
import org.stegoehealth.schemas.ReceiptKind;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.TrainingRoundEvent;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.web.MutableClock;
import org.stegoehealth.web.RecordingAuditTrail;
import org.stegoehealth.web.Sessions;
import org.stegoehealth.web.TlsKeys;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;

/**
 * The console's routes over real HTTPS, with a real registry fed signed model and promotion events (as the feed would
 * hand them over) and promotions signed with the hospital's keyring; the audit trail is in memory.
 */
class ConsoleAppTest {

    private static final String PASSWORD = "hospital ops 2026";
    private static final NetworkConfig SMALL = new NetworkConfig(1, 2, 8, 8, 2, 0.1);
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
    private final RecordingAuditTrail audit = new RecordingAuditTrail();
    private final List<ModelPromotionEvent> sent = new ArrayList<>();
    private final List<DeadLetterEvent> letters = new ArrayList<>();
    private final List<String> republished = new ArrayList<>();
    private final List<DeadLetterReplayEvent> marks = new ArrayList<>();

    private static DeadLetterEvent letter(long offset, String type, boolean redacted) {
        return DeadLetterEvent.newBuilder()
                .setReason("model stego-v9 is not known here (" + offset + ")")
                .setErrorType(type)
                .setApplication("stego-embedder")
                .setSourceTopic("xrays")
                .setSourcePartition(0)
                .setSourceOffset(offset)
                .setKey(ByteBuffer.wrap(("k" + offset).getBytes(StandardCharsets.UTF_8)))
                .setValue(redacted ? null : ByteBuffer.wrap(("PIXELS-" + offset).getBytes(StandardCharsets.UTF_8)))
                .setRedacted(redacted)
                .setValueSha256(redacted ? "5eed" : null)
                .setValueSize(redacted ? 4096L : null)
                .setFailedAt(Instant.parse("2026-12-07T08:00:00Z").plusSeconds(60 * offset))
                .build();
    }

    private Keyring hospital;
    private ModelRegistry registry;
    private Users users;
    private WebServer server;
    private HttpClient http;

    private ModelEvent event(String version, String parent, long seed, double cover) throws IOException {
        Path src = dir.resolve("src-" + seed);
        Files.createDirectories(src);
        ModelMetadata metadata = new ModelMetadata(
                version,
                "2026-11-30T10:00:00Z",
                SMALL,
                Map.of(),
                seed == 2
                        ? Map.of(
                                "command",
                                "stego train --epochs 3",
                                "curve",
                                List.of(
                                        List.of(50, 0.04, 0, 0),
                                        List.of(100, 0.02, 32.5, 28.25),
                                        List.of(150, 0.015, 0, 0),
                                        List.of(200, 0.01, 33.5, 29.5)))
                        : Map.of("command", "stego train --epochs 3"),
                Map.of("xrays", "samples/xrays"),
                Map.of("coverPsnr", cover, "secretPsnr", 29.5, "step", 200),
                ModelArtifact.WEIGHTS_FILE,
                null);
        Path artifact = ModelArtifact.write(src, metadata, StegoNetwork.initialWeights(SMALL, seed));
        return ModelEvents.fromArtifact(artifact, parent, "trainer", T0.plusSeconds(seed), hospital.signer());
    }

    @BeforeEach
    void start() throws Exception {
        hospital = Keyring.init(dir.resolve("keys/hospital"), "hospital");
        registry = new ModelRegistry(new ModelCache(dir.resolve("cache")), hospital.verifier(), 1);
        for (ModelEvent e : List.of(
                event("stego-v1", null, 1, 31.25),
                event("stego-v2", "stego-v1", 2, 33.5),
                ModelEvents.withStatus(
                        event("stego-v3", "stego-v2", 3, 30.0),
                        ModelStatus.RETIRED,
                        "worse",
                        "ops",
                        T0.plusSeconds(10),
                        hospital.signer()))) {
            assertTrue(registry.accept(Topics.modelKey(e), e), e.getVersion());
        }
        assertTrue(registry.accept(
                ModelEvents.promotion("stego-v1", "first model", "ops.bob", T0.plusSeconds(60), hospital.signer())));
        users = new Users(dir.resolve("users"));
        users.add("ops.anna", PASSWORD.toCharArray(), false, Users.Role.OPERATOR);
        users.add("dr.lee", PASSWORD.toCharArray(), false, Users.Role.VIEWER);
        ModelDesk desk = new ModelDesk(registry, (version, reason, by) -> {
            ModelPromotionEvent e = ModelEvents.promotion(version, reason, by, clock.instant(), hospital.signer());
            sent.add(e);
            return e;
        });
        TlsKeys tls = TlsKeys.selfSigned(dir.resolve("tls"), List.of("localhost", "127.0.0.1"));
        letters.add(letter(1, "UNKNOWN_MODEL", false));
        letters.add(letter(2, "UNKNOWN_MODEL", false));
        letters.add(letter(3, "UNKNOWN_MODEL", true));
        letters.add(letter(4, "DECODE", false));
        DeadLetterDesk deadLetters = new DeadLetterDesk(
                new DeadLetterDesk.Source() {
                    @Override
                    public List<DeadLetterEvent> letters() {
                        return List.copyOf(letters);
                    }

                    @Override
                    public Set<String> replayed() {
                        Set<String> keys = new HashSet<>();
                        marks.forEach(m -> keys.add(m.getDeadLetterKey()));
                        return keys;
                    }
                },
                new Redrive.Publisher() {
                    @Override
                    public long publish(String topic, byte[] key, byte[] value) {
                        republished.add(topic + ":" + new String(value, StandardCharsets.UTF_8));
                        return republished.size();
                    }

                    @Override
                    public void recordReplay(DeadLetterReplayEvent mark) {
                        marks.add(mark);
                    }
                },
                () -> {
                    throw new AssertionError("no dead letter here failed authentication");
                },
                clock);
        metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metrics.createContext("/health/ready", ex -> reply(ex, 200, "{\"status\":\"UP\",\"state\":\"RUNNING\"}"));
        metrics.createContext("/metrics", ex -> reply(ex, 200, prometheus()));
        metrics.start();
        ClusterView hospitalCluster = new ClusterView() {
            @Override
            public String name() {
                return "hospital";
            }

            @Override
            public List<TopicCount> topics() {
                return List.of(new TopicCount("stego-images", 42, 3), new TopicCount("xrays", 40, 3));
            }

            @Override
            public Map<String, Long> lag() {
                return Map.of("stego-embedder", 7L);
            }
        };
        PipelineDesk pipeline = new PipelineDesk(
                PipelineDesk.parseApps("embedder=http://127.0.0.1:"
                        + metrics.getAddress().getPort() + ", extractor=http://127.0.0.1:1"),
                List.of(hospitalCluster),
                Set.of("stego-images"),
                clock);
        ReceiptDesk receipts = overdue -> new ReceiptLedger.Reading(
                ReceiptStatus.of(
                        List.of(
                                new ReceiptStatus.Sent("m-1", "clinic-a", T0, "sealed", "sealed-1"),
                                new ReceiptStatus.Sent("m-2", "clinic-a", T0.plusSeconds(60), "neural", "stego-v1"),
                                new ReceiptStatus.Sent("m-3", "clinic-b", T0.plusSeconds(120), "neural", "stego-v1")),
                        List.of(
                                new ReceiptStatus.Receipt(
                                        "m-1", "clinic-a", ReceiptKind.RECOVERED, T0.plusSeconds(5), null, "ACC-1"),
                                new ReceiptStatus.Receipt(
                                        "m-1", "clinic-a", ReceiptKind.REVIEWED, T0.plusSeconds(90), "dr.kim", null),
                                new ReceiptStatus.Receipt(
                                        "m-2", "clinic-a", ReceiptKind.RECOVERED, T0.plusSeconds(65), null, null)),
                        clock.instant(),
                        overdue),
                List.of("TAMPERED: receipt RECOVERED of m-9: signed with key 0a0b0c0d, which is not a trusted key"));
        ConsoleApp app = new ConsoleApp(desk, deadLetters, pipeline, receipts, users);
        replays = new ReplayDesk(this::replay, dir.resolve("replays"), clock);
        ReplayPages replayPages = new ReplayPages(replays, registry, users);
        RoundsDesk rounds = new RoundsDesk(() -> List.copyOf(trainingRounds), registry, users);
        server = new WebServer(
                new WebServer.Settings("127.0.0.1", 0, tls, "stego-console", "Hospital console", ConsoleApp.MODELS),
                users,
                new Sessions(clock, Duration.ofMinutes(15), Duration.ofHours(10)),
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
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("console", tls.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ssl).build();
    }

    @AfterEach
    void stop() {
        server.close();
        replays.close();
        metrics.stop(0);
    }

    private volatile long processed = 100;
    private HttpServer metrics;
    private ReplayDesk replays;
    private final List<TrainingRoundEvent> trainingRounds = new ArrayList<>();

    private static TrainingRoundEvent round(String id, String base, String candidate, boolean promoted, int hour) {
        return TrainingRoundEvent.newBuilder()
                .setRoundId(id)
                .setBaseVersion(base)
                .setCandidateVersion(candidate)
                .setSteps(200)
                .setTrainingXrays(64)
                .setHeldOutImages(16)
                .setBaseCoverPsnr(31.25)
                .setBaseSecretPsnr(29.5)
                .setCandidateCoverPsnr(promoted ? 33.5 : 30.0)
                .setCandidateSecretPsnr(29.5)
                .setPromoted(promoted)
                .setReason(promoted ? "cover PSNR +2.25 dB >= +0.10 dB" : "cover PSNR -1.25 dB < +0.10 dB: held back")
                .setStartedAt(Instant.parse("2026-12-06T00:00:00Z").plusSeconds(3600L * hour))
                .setFinishedAt(Instant.parse("2026-12-06T00:30:00Z").plusSeconds(3600L * hour))
                .build();
    }

    private final List<ReplayDesk.Request> replayed = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** What {@code stego replay} leaves in its folder: the report, its figures and a grid, and the replayed pairs. */
    private String replay(ReplayDesk.Request request, Path out, java.util.function.Consumer<String> progress)
            throws IOException {
        replayed.add(request);
        progress.accept("reading X-rays [####] 2/2 100%");
        Files.writeString(out.resolve("report.html"), "<html><img src=\"stego-v2-worst-0.png\"></html>");
        Files.writeString(out.resolve("replay.json"), "{\"versions\":[]}");
        Files.write(out.resolve("stego-v2-worst-0.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.createDirectories(out.resolve("pairs/xrays"));
        Files.writeString(out.resolve("pairs/xrays/00000-m1.png"), "XRAY-PIXELS");
        return "VERSION   COVER dB\nstego-v2  33.50\n";
    }

    private String prometheus() {
        return "# HELP stego_images_processed_total\n# TYPE stego_images_processed_total counter\n"
                + "stego_images_processed_total{application=\"stego-embedder\",} " + processed + ".0\n"
                + "stego_batch_latency_seconds{application=\"stego-embedder\",quantile=\"0.5\",} 0.125\n"
                + "stego_batch_latency_seconds{application=\"stego-embedder\",quantile=\"0.99\",} 0.75\n"
                + "stego_dead_letters_total{application=\"stego-embedder\",reason=\"DECODE\",} 2.0\n"
                + "stego_model_info{application=\"stego-embedder\",version=\"stego-v1\",} 1.0\n";
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private HttpResponse<String> send(String method, String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "text/html,*/*");
        if (cookie != null) {
            b.header("Cookie", WebServer.SESSION_COOKIE + "=" + cookie);
        }
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        b.method(
                method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String signIn(String user) throws Exception {
        HttpResponse<String> r = send(
                "POST", "/sign-in", null, "user=" + user + "&password=" + PASSWORD.replace(" ", "+") + "&next=/models");
        assertEquals(302, r.statusCode(), r.body());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    /** Every route's path with its parameters filled in: a version that could be promoted. */
    private List<String[]> routes() {
        List<String[]> all = new ArrayList<>();
        for (ParsedEndpoint e : server.javalin().unsafe.internalRouter.allHttpHandlers()) {
            HandlerType type = e.endpoint.method;
            if (type.isHttpMethod()) {
                all.add(new String[] {
                    type.name(),
                    e.endpoint
                            .path
                            .replace("{version}", "stego-v2")
                            .replace("{id}", "replay-20261207-090000-1")
                            .replace("{file}", "report.html")
                });
            }
        }
        return all;
    }

    @Test
    void aViewerGets403OnEveryActionRouteAndNothingIsPromoted() throws Exception {
        String viewer = signIn("dr.lee");
        List<String> walked = new ArrayList<>();
        for (String[] route : routes()) {
            String path = route[1];
            boolean action =
                    route[0].equals("POST") && !path.equals(WebServer.SIGN_IN) && !path.equals(WebServer.SIGN_OUT);
            if (!action) {
                continue;
            }
            HttpResponse<String> r = send("POST", path, viewer, "reason=because");
            walked.add(path + " -> " + r.statusCode());
            assertEquals(403, r.statusCode(), path);
        }
        assertTrue(walked.size() >= 2, walked.toString());
        assertTrue(walked.stream().anyMatch(w -> w.startsWith("/models/stego-v2/promote")), walked.toString());
        assertTrue(walked.stream().anyMatch(w -> w.startsWith(ConsoleApp.ROLL_BACK)), walked.toString());
        // the confirmation pages of actions are refused too, and the models page offers no action
        assertEquals(403, send("GET", "/models/stego-v2/promote", viewer, null).statusCode());
        assertEquals(403, send("GET", ConsoleApp.ROLL_BACK, viewer, null).statusCode());
        String page = send("GET", ConsoleApp.MODELS, viewer, null).body();
        assertTrue(page.contains("stego-v2") && page.contains("first model"), page);
        assertFalse(page.contains("Promote") || page.contains("Roll back"), page);
        assertTrue(walked.stream().anyMatch(w -> w.startsWith(ConsoleApp.REDRIVE)), walked.toString());
        assertTrue(sent.isEmpty());
        assertTrue(republished.isEmpty() && marks.isEmpty());
        assertEquals("stego-v1", registry.promotion().orElseThrow().getVersion());
        assertEquals(0, audit.count("PROMOTE"));
        String letters = send("GET", ConsoleApp.DEAD_LETTERS + "?reason=UNKNOWN_MODEL", viewer, null)
                .body();
        assertTrue(letters.contains("stego-embedder/xrays-0@1"), letters);
        assertFalse(letters.contains("Redrive"), letters);
    }

    @Test
    void everyRouteWithoutASessionGivesNoData() throws Exception {
        List<String> walked = new ArrayList<>();
        for (String[] route : routes()) {
            for (String cookie : new String[] {null, "forged-token"}) {
                String form = route[0].equals("POST") ? "reason=x&user=&password=" : null;
                HttpResponse<String> r = send(route[0], route[1], cookie, form);
                walked.add(route[0] + " " + route[1] + " -> " + r.statusCode());
                for (String secret : List.of(
                        "stego-v1", "stego-v2", "stego-v3", "first model", "ops.bob", "33.50", "PIXELS", "xrays")) {
                    assertFalse(r.body().contains(secret), route[1] + " leaks '" + secret + "'");
                }
                if (!route[1].equals(WebServer.SIGN_IN)) {
                    assertTrue(
                            List.of(302, 401, 403).contains(r.statusCode()), route[1] + " answered " + r.statusCode());
                }
            }
        }
        assertTrue(walked.size() >= 2 * 10, walked.toString());
        assertTrue(sent.isEmpty());
        assertTrue(republished.isEmpty());
    }

    @Test
    void theModelsPageShowsEveryVersionWithFiguresLineageLiveAndHistory() throws Exception {
        String html = send("GET", ConsoleApp.MODELS, signIn("ops.anna"), null).body();
        assertTrue(html.contains("<b id=\"live\">stego-v1</b>"), html);
        assertTrue(html.contains("31.25 dB") && html.contains("33.50 dB") && html.contains("29.50 dB"), html);
        assertTrue(html.contains("command=stego train --epochs 3") && html.contains("xrays=samples/xrays"), html);
        assertTrue(html.indexOf("id=\"version-stego-v3\"") < html.indexOf("id=\"version-stego-v1\""), "newest first");
        assertTrue(html.contains("RETIRED") && html.contains("worse"), html);
        assertTrue(html.contains("id=\"promote-stego-v2\""), "an available version can be promoted");
        assertFalse(html.contains("id=\"promote-stego-v3\""), "a retired one cannot");
        assertFalse(html.contains("id=\"promote-stego-v1\""), "the live one is live already");
        assertTrue(html.contains("ops.bob") && html.contains("first model"), html);
        assertFalse(html.contains("id=\"rollback\""), "nothing earlier to roll back to");
    }

    @Test
    void anOperatorPromotesWithAConfirmationAndAReasonThenRollsBack() throws Exception {
        String ops = signIn("ops.anna");
        String confirm = send("GET", "/models/stego-v2/promote", ops, null).body();
        assertTrue(confirm.contains("Promote stego-v2?") && confirm.contains("from stego-v1 to stego-v2"), confirm);
        assertTrue(confirm.contains("name=\"reason\""), confirm);

        assertEquals(
                400, send("POST", "/models/stego-v2/promote", ops, "reason=+").statusCode(), "a reason is due");
        assertEquals(
                400, send("POST", "/models/stego-v3/promote", ops, "reason=x").statusCode(), "retired");
        assertEquals(
                400, send("POST", "/models/stego-v9/promote", ops, "reason=x").statusCode(), "unknown");
        assertTrue(sent.isEmpty());

        clock.advance(Duration.ofMinutes(1));
        HttpResponse<String> r =
                send("POST", "/models/stego-v2/promote", ops, "reason=better+secret+PSNR+on+held-out+set");
        assertEquals(302, r.statusCode(), r.body());
        assertEquals(1, sent.size());
        ModelPromotionEvent e = sent.get(0);
        assertEquals("stego-v2", e.getVersion());
        assertEquals("ops.anna", e.getPromotedBy());
        assertEquals("better secret PSNR on held-out set", e.getReason());
        assertEquals(clock.instant(), e.getPromotedAt());
        assertEquals("stego-v2", registry.promotedVersion().orElseThrow());
        assertEquals(1, audit.count("PROMOTE"));
        var promoted = audit.events.stream()
                .filter(a -> a.getAction().equals("PROMOTE"))
                .findFirst()
                .orElseThrow();
        assertEquals("ops.anna", promoted.getUser());
        assertEquals("stego-console", promoted.getApplication());
        assertEquals("version stego-v2; reason: better secret PSNR on held-out set", promoted.getDetail());

        String html = send("GET", ConsoleApp.MODELS, ops, null).body();
        assertTrue(html.contains("<b id=\"live\">stego-v2</b>"), html);
        assertTrue(html.indexOf("better secret PSNR") < html.indexOf("first model"), "history newest first");
        assertTrue(html.contains("Roll back to stego-v1"), html);

        String back = send("GET", ConsoleApp.ROLL_BACK, ops, null).body();
        assertTrue(back.contains("Roll back stego-v1?") && back.contains("from stego-v2 back to stego-v1"), back);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(
                302,
                send("POST", ConsoleApp.ROLL_BACK, ops, "reason=clinics+report+noise")
                        .statusCode());
        assertEquals(2, sent.size());
        assertEquals("stego-v1", sent.get(1).getVersion());
        assertEquals("roll back: clinics report noise", sent.get(1).getReason());
        assertEquals("stego-v1", registry.promotedVersion().orElseThrow());
        assertEquals(3, registry.promotionHistory().size());
        assertEquals(1, audit.count("ROLL_BACK"));
        assertTrue(audit.events.stream()
                .filter(a -> a.getAction().equals("ROLL_BACK"))
                .allMatch(a -> a.getDetail().contains("(was stego-v2)")));
    }

    @Test
    void deadLettersShowTheirMetadataNeverTheirBytesAndRedactedOnesAreNotReplayable() throws Exception {
        String ops = signIn("ops.anna");
        String all = send("GET", ConsoleApp.DEAD_LETTERS, ops, null).body();
        assertTrue(all.contains("UNKNOWN_MODEL (3)") && all.contains("DECODE (1)"), all);
        assertEquals(4, all.split("class=\"letter\"").length - 1, all);
        assertFalse(all.contains("PIXELS"), "never the record's bytes");
        assertTrue(all.contains("redacted: not replayable"), all);
        assertTrue(all.indexOf("xrays-0@4") < all.indexOf("xrays-0@1"), "newest first");
        String decode = send("GET", ConsoleApp.DEAD_LETTERS + "?reason=decode", ops, null)
                .body();
        assertEquals(1, decode.split("class=\"letter\"").length - 1, decode);
        String since = send("GET", ConsoleApp.DEAD_LETTERS + "?since=2026-12-07T08:02:00Z", ops, null)
                .body();
        assertEquals(3, since.split("class=\"letter\"").length - 1, since);
        assertEquals(
                400,
                send("GET", ConsoleApp.DEAD_LETTERS + "?since=yesterday", ops, null)
                        .statusCode());
        String one = send("GET", "/dead-letters/inspect?key=stego-embedder/xrays-0@3", ops, null)
                .body();
        assertTrue(one.contains("4096 bytes") && one.contains("5eed") && one.contains("redacted: not replayable"), one);
        assertFalse(one.contains("PIXELS"));
        assertEquals(
                404, send("GET", "/dead-letters/inspect?key=nope", ops, null).statusCode());
    }

    @Test
    void aDryRunPublishesNothingAndARedriveRepublishesEachRecordOnce() throws Exception {
        String ops = signIn("ops.anna");
        assertEquals(400, send("POST", ConsoleApp.REDRIVE, ops, "mode=dry-run").statusCode(), "a category is due");
        HttpResponse<String> dry = send("POST", ConsoleApp.REDRIVE, ops, "reason=UNKNOWN_MODEL&mode=dry-run");
        assertEquals(200, dry.statusCode(), dry.body());
        assertTrue(dry.body().contains("2 would be re-published") && dry.body().contains("1 redacted"), dry.body());
        assertTrue(dry.body().contains("Re-publish 2 record(s)"), dry.body());
        assertTrue(republished.isEmpty() && marks.isEmpty(), "a dry run publishes nothing");
        assertEquals(1, audit.count("REDRIVE_DRY_RUN"));

        HttpResponse<String> real = send("POST", ConsoleApp.REDRIVE, ops, "reason=UNKNOWN_MODEL&mode=redrive");
        assertEquals(200, real.statusCode(), real.body());
        assertTrue(real.body().contains("2 re-published"), real.body());
        assertEquals(List.of("xrays:PIXELS-1", "xrays:PIXELS-2"), republished);
        assertEquals("ops.anna", marks.get(0).getReplayedBy());
        assertEquals(1, audit.count("REDRIVE"));
        assertTrue(audit.events.stream()
                .filter(e -> e.getAction().equals("REDRIVE"))
                .allMatch(e -> e.getDetail().startsWith("category UNKNOWN_MODEL: 2 re-published")));

        HttpResponse<String> again = send("POST", ConsoleApp.REDRIVE, ops, "reason=UNKNOWN_MODEL&mode=redrive");
        assertTrue(again.body().contains("0 re-published, 2 already redriven"), again.body());
        assertEquals(2, republished.size(), "each record once");
        String page = send("GET", ConsoleApp.DEAD_LETTERS + "?reason=UNKNOWN_MODEL", ops, null)
                .body();
        assertTrue(page.contains("redriven"), page);

        HttpResponse<String> single =
                send("POST", ConsoleApp.REDRIVE, ops, "reason=DECODE&key=stego-embedder%2Fxrays-0%404&mode=dry-run");
        assertTrue(single.body().contains("1 would be re-published"), single.body());
        send("POST", ConsoleApp.REDRIVE, ops, "reason=DECODE&key=stego-embedder%2Fxrays-0%404&mode=redrive");
        assertEquals(List.of("xrays:PIXELS-1", "xrays:PIXELS-2", "xrays:PIXELS-4"), republished);
    }

    @Test
    void theReceiptsPageShowsEachClinicsCounts_eachStudysState_andTheRefusedReceipts() throws Exception {
        String lee = signIn("dr.lee");
        String page =
                send("GET", ConsoleApp.RECEIPTS + "?overdue=1m", lee, null).body();
        assertTrue(page.contains("<td class=\"sent\">2</td>"), page);
        assertTrue(page.contains("<td class=\"acknowledged\">2</td><td class=\"reviewed\">1</td>"), page);
        assertTrue(page.contains("data-clinic=\"clinic-b\""), page);
        assertTrue(page.contains("<b class=\"error\">OVERDUE</b>"), "m-3 has no receipt after 1 minute");
        assertTrue(page.contains("ACC-1") && page.contains("dr.kim") && page.contains("REVIEWED"), page);
        assertTrue(page.contains("1 receipt(s) refused"), page);
        String onlyA = send("GET", ConsoleApp.RECEIPTS + "?clinic=clinic-a&overdue=1d", lee, null)
                .body();
        assertFalse(onlyA.contains("m-3") || onlyA.contains("OVERDUE"), onlyA);
        assertTrue(onlyA.contains("<span id=\"total\">2</span>"), onlyA);
        var bad = send("GET", ConsoleApp.RECEIPTS + "?overdue=soon", lee, null);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("'soon' is not a duration"), bad.body());
    }

    @Test
    void thePipelinePageShowsEachApplicationFromItsMetricsAndEachTopicFromTheCluster() throws Exception {
        String lee = signIn("dr.lee");
        String page = send("GET", ConsoleApp.PIPELINE, lee, null).body();
        assertTrue(page.contains("hx-get=\"/pipeline/panel\" hx-trigger=\"every 2s\""), page);
        assertTrue(page.contains("RUNNING") && page.contains("stego-v1"), page);
        assertTrue(page.contains("125.0 ms") && page.contains("750.0 ms"), "p50 and p99 from /metrics");
        assertTrue(page.contains("<td class=\"lag\">7</td>"), "lag of the embedder's consumer group");
        assertTrue(page.contains("unreachable"), "an application that does not answer says so");
        assertTrue(page.contains("id=\"topic-hospital-stego-images\"") && page.contains(">42<"), page);
        assertTrue(
                page.contains(
                        "<td class=\"mono\">stego-images</td><td class=\"records\">42</td><td>3</td><td>yes</td>"),
                page);
        assertTrue(
                page.contains("<td class=\"mono\">xrays</td><td class=\"records\">40</td><td>3</td><td></td>"), page);
        processed = 130;
        clock.advance(Duration.ofSeconds(2));
        String panel = send("GET", ConsoleApp.PIPELINE + "/panel", lee, null).body();
        assertTrue(panel.contains("<td class=\"throughput\">15.0 /s</td>"), panel);
        assertFalse(panel.contains("<html"), "the panel is a fragment");
    }

    @Test
    void consoleApplicationsMustNameHttpAddresses() {
        assertEquals(2, PipelineDesk.parseApps("a=http://h:1, b=http://h:2").size());
        assertTrue(PipelineDesk.parseApps(" ").isEmpty());
        assertEquals(
                new PipelineDesk.App("e", java.net.URI.create("http://h:1"), "stego-embedder"),
                PipelineDesk.parseApps("e=http://h:1?application=stego-embedder")
                        .get(0));
        for (String bad : List.of(
                "embedder",
                "e=https://h:1",
                "e=http://h",
                "=http://h:1",
                "e=http://h:1?app=x",
                "e=http://h:1?application=")) {
            assertTrue(
                    org.junit.jupiter.api.Assertions.assertThrows(
                                    IllegalArgumentException.class, () -> PipelineDesk.parseApps(bad))
                            .getMessage()
                            .startsWith("console.applications"),
                    bad);
        }
    }

    @Test
    void aRowNamingAnApplicationShowsOnlyItsFiguresFromAnEndpointServingSeveral() throws Exception {
        long[] counts = {10, 4};
        HttpServer both = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        both.createContext("/health/ready", ex -> reply(ex, 200, "{\"status\":\"UP\",\"state\":\"RUNNING\"}"));
        both.createContext(
                "/metrics",
                ex -> reply(
                        ex,
                        200,
                        "stego_images_processed_total{application=\"stego-embedder\",} " + counts[0] + ".0\n"
                                + "stego_images_processed_total{application=\"stego-extractor\",} " + counts[1]
                                + ".0\n"
                                + "stego_batch_latency_seconds{application=\"stego-embedder\",quantile=\"0.5\",} 0.2\n"
                                + "stego_batch_latency_seconds{application=\"stego-extractor\",quantile=\"0.5\",} 0.1\n"
                                + "stego_dead_letters_total{application=\"stego-embedder\",reason=\"DECODE\",} 1.0\n"
                                + "stego_dead_letters_total{application=\"stego-extractor\",reason=\"TAMPERED\",} 3.0\n"
                                + "jvm_threads_live_threads 40.0\n"));
        both.start();
        try {
            String at = "http://127.0.0.1:" + both.getAddress().getPort();
            MutableClock ticks = new MutableClock(T0);
            PipelineDesk pipeline = new PipelineDesk(
                    PipelineDesk.parseApps("embedder=" + at + "?application=stego-embedder, extractor=" + at
                            + "?application=stego-extractor, process=" + at),
                    List.of(),
                    Set.of(),
                    ticks);
            pipeline.snapshot();
            counts[0] += 8;
            counts[1] += 2;
            ticks.advance(Duration.ofSeconds(2));
            List<PipelineDesk.AppRow> rows = pipeline.snapshot().apps();
            assertEquals(
                    List.of("18", "4.0 /s", "200.0 ms", "1", "stego-embedder"),
                    List.of(
                            rows.get(0).processed(),
                            rows.get(0).throughput(),
                            rows.get(0).p50(),
                            rows.get(0).deadLetters(),
                            rows.get(0).applicationId()));
            assertEquals(
                    List.of("6", "1.0 /s", "100.0 ms", "3", "stego-extractor"),
                    List.of(
                            rows.get(1).processed(),
                            rows.get(1).throughput(),
                            rows.get(1).p50(),
                            rows.get(1).deadLetters(),
                            rows.get(1).applicationId()));
            assertEquals("24", rows.get(2).processed(), "a row without an application sums every one");
            assertEquals(at, rows.get(0).address());
        } finally {
            both.stop(0);
        }
    }

    @Test
    void theModelsPageListsTheTrainersRoundsAndEachVersionShowsItsRoundsAndTrainingCurve() throws Exception {
        trainingRounds.add(round("round-0001", "stego-v1", "stego-v2", true, 1));
        trainingRounds.add(round("round-0002", "stego-v2", "stego-v3", false, 2));
        trainingRounds.add(round("round-0002", "stego-v2", "stego-v3", false, 2)); // compaction not done yet
        String lee = signIn("dr.lee");
        String models = send("GET", ConsoleApp.MODELS, lee, null).body();
        assertTrue(models.contains("hx-get=\"/rounds\" hx-trigger=\"load\""), models);
        assertTrue(models.contains("href=\"/versions/stego-v2\""), models);
        assertFalse(models.contains("curve="), "the curve's points stay off the table: " + models);
        String rounds = send("GET", RoundsDesk.ROUNDS, lee, null).body();
        assertEquals(2, rounds.split("<tr class=\"round").length - 1, rounds);
        assertTrue(rounds.indexOf("round-0002") < rounds.indexOf("round-0001"), "newest first");
        assertTrue(rounds.contains("31.25 → 33.50 dB") && rounds.contains("promoted"), rounds);
        assertTrue(rounds.contains("held back") && rounds.contains("cover PSNR -1.25 dB &lt; +0.10 dB"), rounds);

        String v2 = send("GET", RoundsDesk.VERSIONS + "/stego-v2", lee, null).body();
        assertTrue(v2.contains("href=\"/versions/stego-v1\"") && v2.contains("href=\"/versions/stego-v3\""), v2);
        assertTrue(v2.contains("round-0001") && v2.contains("round-0002"), "the round that made it and its own");
        assertTrue(v2.contains("src=\"/versions/stego-v2/curve.png\""), v2);
        assertFalse(v2.contains("[50, 0.04"), "the points are drawn, not listed");
        HttpResponse<byte[]> png = http.send(
                HttpRequest.newBuilder(URI.create(
                                "https://127.0.0.1:" + server.port() + RoundsDesk.VERSIONS + "/stego-v2/curve.png"))
                        .header("Cookie", WebServer.SESSION_COOKIE + "=" + lee)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        java.awt.image.BufferedImage curve = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png.body()));
        assertEquals(900, curve.getWidth());
        assertEquals(720, curve.getHeight());

        String v1 = send("GET", RoundsDesk.VERSIONS + "/stego-v1", lee, null).body();
        assertTrue(v1.contains("id=\"no-curve\""), v1);
        assertEquals(
                404,
                send("GET", RoundsDesk.VERSIONS + "/stego-v1/curve.png", lee, null)
                        .statusCode());
        assertEquals(
                404, send("GET", RoundsDesk.VERSIONS + "/stego-v9", lee, null).statusCode());
    }

    private ReplayDesk.Run awaitReplay(String id) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            ReplayDesk.Run run = replays.run(id).orElseThrow();
            if (run.finishedOrFailed()) {
                return run;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("replay " + id + " did not finish");
    }

    @Test
    void aViewerCannotStartAReplayNorOpenItsReport() throws Exception {
        String ops = signIn("ops.anna");
        HttpResponse<String> started = send("POST", ReplayPages.REPLAYS, ops, "version=stego-v2&fromOffset=0&limit=2");
        assertEquals(302, started.statusCode(), started.body());
        String id = started.headers().firstValue("Location").orElseThrow().replace("/replays/", "");
        awaitReplay(id);

        String lee = signIn("dr.lee");
        assertEquals(
                403,
                send("POST", ReplayPages.REPLAYS, lee, "version=stego-v2&limit=2")
                        .statusCode());
        assertEquals(1, replayed.size(), "the viewer's replay never ran");
        for (String file : List.of("report.html", "replay.json", "stego-v2-worst-0.png")) {
            assertEquals(
                    403,
                    send("GET", ReplayPages.REPLAYS + "/" + id + "/report/" + file, lee, null)
                            .statusCode(),
                    file);
        }
        String list = send("GET", ReplayPages.REPLAYS, lee, null).body();
        assertTrue(list.contains(id) && list.contains("done"), list);
        assertFalse(list.contains("Start replay"), "no form for a viewer");
        String page = send("GET", ReplayPages.REPLAYS + "/" + id, lee, null).body();
        assertTrue(page.contains("stego-v2  33.50"), "a viewer sees the table: " + page);
        assertFalse(page.contains("/report/report.html"), page);
        assertEquals(1, audit.count("REPLAY"));
    }

    @Test
    void aReplayIsCheckedBeforeItRunsAndNothingRunsOnBadInput() throws Exception {
        String ops = signIn("ops.anna");
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("limit=10", "choose at least one model version");
        bad.put("version=stego-v9&limit=10", "stego-v9 is not a verified version");
        bad.put("version=stego-v2&limit=0", "limit must be from 1 to 1000");
        bad.put("version=stego-v2&limit=ten", "limit must be a whole number");
        bad.put("version=stego-v2&fromOffset=-1", "from offset must not be negative");
        bad.put("version=stego-v2&fromOffset=10&toOffset=5", "must be after the from offset");
        bad.put("version=stego-v2&since=yesterday", "since must be a time like");
        bad.put(
                "version=stego-v2&since=2026-12-07T09%3A00%3A00Z&until=2026-12-07T08%3A00%3A00Z",
                "until (2026-12-07T08:00:00Z) must be after since");
        bad.put("version=stego-v1&version=stego-v2&version=stego-v3&version=a&version=b", "at most 4 versions");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            HttpResponse<String> r = send("POST", ReplayPages.REPLAYS, ops, b.getKey());
            assertEquals(400, r.statusCode(), b.getKey());
            assertTrue(r.body().contains(b.getValue()), b.getKey() + ": " + r.body());
        }
        assertTrue(replayed.isEmpty(), "nothing ran");
        assertTrue(replays.runs().isEmpty());
        assertEquals(0, audit.count("REPLAY"));
    }

    @Test
    void anOperatorStartsAReplayFollowsItAndOpensItsReportButNotTheReplayedPairs() throws Exception {
        String ops = signIn("ops.anna");
        String form = send("GET", ReplayPages.REPLAYS, ops, null).body();
        assertTrue(form.contains("id=\"version-stego-v1\"") && form.contains("Start replay"), form);
        HttpResponse<String> started = send(
                "POST",
                ReplayPages.REPLAYS,
                ops,
                "version=stego-v1&version=stego-v2&since=2026-12-07T08%3A00%3A00Z&limit=2");
        assertEquals(302, started.statusCode(), started.body());
        String id = started.headers().firstValue("Location").orElseThrow().replace("/replays/", "");
        ReplayDesk.Run run = awaitReplay(id);
        assertEquals(ReplayDesk.State.DONE, run.state(), run.error());
        assertEquals(
                List.of(
                        "--version",
                        "stego-v1",
                        "--version",
                        "stego-v2",
                        "--since",
                        "2026-12-07T08:00:00Z",
                        "--limit",
                        "2"),
                replayed.get(0).arguments());
        assertTrue(
                run.progress().contains("reading X-rays [####] 2/2 100%"),
                run.progress().toString());

        HttpResponse<String> panel = send("GET", ReplayPages.REPLAYS + "/" + id + "/panel", ops, null);
        assertEquals(286, panel.statusCode(), "a finished replay stops the page's polling");
        assertTrue(panel.body().contains("stego-v2  33.50") && panel.body().contains("/report/report.html"));
        HttpResponse<String> report = send("GET", ReplayPages.REPLAYS + "/" + id + "/report/report.html", ops, null);
        assertEquals(200, report.statusCode());
        assertTrue(report.body().contains("stego-v2-worst-0.png"));
        assertEquals(
                200,
                send("GET", ReplayPages.REPLAYS + "/" + id + "/report/stego-v2-worst-0.png", ops, null)
                        .statusCode());
        for (String other : List.of("pairs%2Fxrays%2F00000-m1.png", "..%2Freplays", "00000-m1.png")) {
            HttpResponse<String> r = send("GET", ReplayPages.REPLAYS + "/" + id + "/report/" + other, ops, null);
            assertEquals(404, r.statusCode(), other);
            assertFalse(r.body().contains("XRAY-PIXELS"), other);
        }
        assertEquals(
                404,
                send("GET", ReplayPages.REPLAYS + "/replay-none", ops, null).statusCode());
        assertEquals(1, audit.count("REPLAY"));
        assertTrue(audit.events.stream()
                .anyMatch(e -> e.getAction().equals("REPLAY")
                        && e.getUser().equals("ops.anna")
                        && e.getDetail().contains(id)
                        && e.getDetail().contains("--version stego-v1 --version stego-v2")));
    }

    @Test
    void aRoleChangeInTheUsersFileCountsAtTheNextRequest() throws Exception {
        String lee = signIn("dr.lee");
        assertEquals(
                403, send("POST", "/models/stego-v2/promote", lee, "reason=x").statusCode());
        users.add("dr.lee", PASSWORD.toCharArray(), true, Users.Role.OPERATOR);
        assertEquals(
                302, send("POST", "/models/stego-v2/promote", lee, "reason=x").statusCode());
        String file = Files.readString(users.file());
        assertTrue(file.contains("dr.lee:$argon2id$") && file.contains(":operator\n"), file);
        Files.writeString(users.file(), file.replace(":operator\n", "\n"));
        assertEquals(Users.Role.VIEWER, users.role("dr.lee").orElseThrow(), "a line without a role is a viewer");
        assertEquals(403, send("POST", ConsoleApp.ROLL_BACK, lee, "reason=x").statusCode());
    }
}
