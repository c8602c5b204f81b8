package org.stegoehealth.web.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.Receipts;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.ReceiptKind;
import org.stegoehealth.security.KeyringPair;
import org.stegoehealth.web.MutableClock;
import org.stegoehealth.web.RecordingAuditTrail;
import org.stegoehealth.web.Sessions;
import org.stegoehealth.web.TlsKeys;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;

/** The viewer's routes over real HTTPS, with the worklist filled in memory and an in-memory audit trail. */
class ViewerAppTest {

    private static final String PASSWORD = "radiology rocks 42";
    private static final Pattern TICKET = Pattern.compile("pixels\\?ticket=([A-Za-z0-9_-]+)");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
    private final RecordingAuditTrail audit = new RecordingAuditTrail();
    private final StudyIndex index = new StudyIndex();
    private WebServer server;
    private HttpClient http;
    private Study neural;
    private Study sealed;
    private Study tampered;
    private KeyringPair keys;
    private Reviews reviews;
    private final List<ReceiptEvent> receipts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        neural = TestStudies.neural(clock.instant().minusSeconds(300));
        sealed = TestStudies.sealed(clock.instant().minusSeconds(200));
        tampered = TestStudies.tampered(clock.instant().minusSeconds(100));
        index.add(neural);
        index.add(sealed);
        index.add(tampered);
        ModelQuality quality = new ModelQuality(new ClinicTrust(
                true, Optional.of("hospital-a"), Optional.of("ab12cd34"), Optional.empty(), Optional.empty()));
        quality.put("stego-gray-test-v1", 33.89);
        Users users = new Users(dir.resolve("users"));
        users.add("dr.smith", PASSWORD.toCharArray(), false);
        TlsKeys tls = TlsKeys.selfSigned(dir.resolve("tls"), List.of("localhost", "127.0.0.1"));
        keys = KeyringPair.create(dir.resolve("keys"));
        reviews = new Reviews(new Receipts.Issuer(keys.clinic(), keys.hospital().name()), receipts::add, clock);
        ViewerApp app = new ViewerApp(index, quality, reviews, clock);
        server = new WebServer(
                new WebServer.Settings("127.0.0.1", 0, tls, "stego-viewer", "Clinic viewer", ViewerApp.WORKLIST),
                users,
                new Sessions(clock, Duration.ofMinutes(15), Duration.ofHours(10)),
                audit,
                clock,
                app::routes);
        app.bind(server);
        server.start();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("viewer", tls.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ssl).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String base() {
        return "https://127.0.0.1:" + server.port();
    }

    private HttpResponse<byte[]> send(String method, String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
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
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String signIn(String user, String password) throws Exception {
        HttpResponse<byte[]> r = send(
                "POST",
                "/sign-in",
                null,
                "user=" + user + "&password=" + password.replace(" ", "+") + "&next=/worklist");
        assertEquals(302, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(
                setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Strict"),
                setCookie);
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyRouteWithoutASessionGivesNoPixelNoStudyReferenceNoMetadata() throws Exception {
        List<ParsedEndpoint> endpoints = server.javalin().unsafe.internalRouter.allHttpHandlers();
        List<String> walked = new ArrayList<>();
        for (ParsedEndpoint e : endpoints) {
            HandlerType type = e.endpoint.method;
            if (!type.isHttpMethod()) {
                continue; // before/after filters
            }
            for (String id : List.of(neural.id(), sealed.id(), tampered.id())) {
                String path = e.endpoint.path.replace("{id}", id);
                if (path.equals("/compare")) {
                    path = "/compare?a=" + neural.id() + "&b=" + sealed.id();
                }
                if (path.contains("/pixels")) {
                    path = path + "?ticket=x";
                }
                for (String cookie : new String[] {null, "forged-token"}) {
                    HttpResponse<byte[]> r =
                            send(type.name(), path, cookie, type.name().equals("POST") ? "" : null);
                    String body = text(r);
                    walked.add(type + " " + path + " -> " + r.statusCode());
                    for (Study s : List.of(neural, sealed, tampered)) {
                        assertFalse(body.contains(s.messageId()), path + " leaks a message id");
                        if (s.studyRef() != null) {
                            assertFalse(body.contains(s.studyRef()), path + " leaks a study reference");
                        }
                    }
                    for (String meta : List.of("stego-gray-test-v1", "TAMPERED", "hospital-a", "neural", "sealed")) {
                        assertFalse(body.contains(meta), path + " leaks '" + meta + "'");
                    }
                    assertFalse(body.contains("PNG"), path + " serves an image");
                    boolean signInPage = path.equals("/sign-in") && type == HandlerType.GET;
                    if (!signInPage) {
                        assertTrue(
                                r.statusCode() == 401
                                        || r.statusCode() == 302
                                        || r.statusCode() == 403
                                        || r.statusCode() == 429,
                                path + " answered " + r.statusCode());
                        assertTrue(
                                r.body().length < 200 || body.contains("Sign in"),
                                path + " sent " + r.body().length + " bytes");
                    }
                }
            }
        }
        assertTrue(walked.size() >= 9 * 6, walked.toString());
        assertTrue(walked.stream().anyMatch(w -> w.contains("/worklist/events")), walked.toString());
        assertTrue(audit.events.stream().noneMatch(ev -> ev.getAction().equals("VIEW")));
    }

    @Test
    void wrongPasswordIsRefusedAndRecorded() throws Exception {
        HttpResponse<byte[]> r = send("POST", "/sign-in", null, "user=dr.smith&password=wrong+password+1");
        assertEquals(401, r.statusCode());
        assertTrue(text(r).contains("Wrong user name or password"));
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(1, audit.count("SIGN_IN_REFUSED"));
        assertEquals(0, audit.count("SIGN_IN"));
    }

    @Test
    void fiveWrongPasswordsHoldBackThatNameFromThatAddressForAWhile() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    401,
                    send("POST", "/sign-in", null, "user=dr.smith&password=guess+" + i)
                            .statusCode());
        }
        HttpResponse<byte[]> held =
                send("POST", "/sign-in", null, "user=dr.smith&password=" + PASSWORD.replace(" ", "+"));
        assertEquals(429, held.statusCode(), "the right password is not even checked now");
        assertTrue(text(held).contains("Too many wrong passwords"));
        assertEquals(6, audit.count("SIGN_IN_REFUSED"));
        clock.advance(Duration.ofMinutes(16));
        signIn("dr.smith", PASSWORD);
    }

    @Test
    void oneViewIsOneAuditEventAndItsPixelsAreServedOnceAgainstItsTicket() throws Exception {
        String cookie = signIn("dr.smith", PASSWORD);
        HttpResponse<byte[]> page = send("GET", "/studies/" + neural.id(), cookie, null);
        assertEquals(200, page.statusCode());
        String html = text(page);
        assertTrue(html.contains("Reconstructed by model stego-gray-test-v1, lossy, not for primary diagnosis"), html);
        assertTrue(html.contains("33.9 dB"), html);
        assertTrue(html.contains("hospital-a") && html.contains("ab12cd34"), html);
        Matcher m = TICKET.matcher(html);
        assertTrue(m.find(), html);
        assertEquals(1, audit.count("VIEW"));
        var view = audit.events.stream()
                .filter(e -> e.getAction().equals("VIEW"))
                .findFirst()
                .orElseThrow();
        assertEquals("dr.smith", view.getUser());
        assertEquals(neural.messageId(), view.getMessageId());
        assertEquals(TestStudies.NEURAL_REF, view.getStudyRef());
        assertEquals("127.0.0.1", view.getRemoteAddress());
        assertEquals(clock.instant(), view.getAt());

        String pixels = "/studies/" + neural.id() + "/pixels?ticket=" + m.group(1);
        HttpResponse<byte[]> samples = send("GET", pixels, cookie, null);
        assertEquals(200, samples.statusCode());
        assertEquals(64 * 48 * 2, samples.body().length);
        assertEquals(403, send("GET", pixels, cookie, null).statusCode(), "a ticket serves once");
        assertEquals(1, audit.count("VIEW"), "the pixels of a view add no second event");
        // another user's session cannot use a ticket
        HttpResponse<byte[]> again = send("GET", "/studies/" + neural.id(), cookie, null);
        Matcher m2 = TICKET.matcher(text(again));
        assertTrue(m2.find());
        String other = signIn("dr.smith", PASSWORD);
        assertEquals(
                403,
                send("GET", "/studies/" + neural.id() + "/pixels?ticket=" + m2.group(1), other, null)
                        .statusCode());
        assertEquals(2, audit.count("VIEW"));
    }

    @Test
    void theFirstOpeningOfAStudy_sendsOneSignedReviewedReceipt_andAFailedStudyNone() throws Exception {
        String cookie = signIn("dr.smith", PASSWORD);
        assertEquals(200, send("GET", "/studies/" + neural.id(), cookie, null).statusCode());
        assertEquals(200, send("GET", "/studies/" + neural.id(), cookie, null).statusCode());
        assertEquals(
                200,
                send("GET", "/compare?a=" + neural.id() + "&b=" + tampered.id(), cookie, null)
                        .statusCode());
        assertEquals(200, send("GET", "/studies/" + tampered.id(), cookie, null).statusCode());
        assertEquals(1, receipts.size(), receipts.toString());
        ReceiptEvent r = receipts.get(0);
        assertEquals(ReceiptKind.REVIEWED, r.getKind());
        assertEquals(neural.messageId(), r.getMessageId());
        assertEquals("dr.smith", r.getReviewer());
        assertEquals(clock.instant(), r.getAt());
        assertEquals(keys.clinic().name(), Receipts.verify(r, Receipts.clinicSigners(keys.hospital())));
        // a study reviewed before a restart (read back from the receipts topic) is not acknowledged again
        reviews.reviewedBefore(sealed.messageId());
        assertEquals(200, send("GET", "/studies/" + sealed.id(), cookie, null).statusCode());
        assertEquals(1, receipts.size());
    }

    @Test
    void sealedExportKeepsSixteenBitsCarriesTheBadgeAndIsOneAuditEvent() throws Exception {
        String cookie = signIn("dr.smith", PASSWORD);
        HttpResponse<byte[]> r = send("GET", "/studies/" + sealed.id() + "/export", cookie, null);
        assertEquals(200, r.statusCode());
        assertEquals("image/png", r.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(
                r.headers().firstValue("Content-Disposition").orElseThrow().contains(TestStudies.SEALED_REF + ".png"));
        String chunks = text(r);
        assertTrue(
                chunks.contains("tEXtDescription\0Bit-identical to the hospital's original, verified"),
                "badge in tEXt");
        assertTrue(chunks.contains("Signature verified: signed by hospital 'hospital-a', key fingerprint ab12cd34"));
        var exported = ImageIO.read(new ByteArrayInputStream(r.body()));
        var original = ImageIO.read(new ByteArrayInputStream(sealed.png().bytes()));
        assertEquals(16, exported.getColorModel().getComponentSize(0));
        assertArrayEquals(
                original.getRaster().getPixels(0, 0, 40, 32, (int[]) null),
                exported.getRaster().getPixels(0, 0, 40, 32, (int[]) null));
        assertEquals(1, audit.count("EXPORT"));
        assertEquals(0, audit.count("VIEW"));
        var e = audit.events.stream()
                .filter(ev -> ev.getAction().equals("EXPORT"))
                .findFirst()
                .orElseThrow();
        assertEquals(TestStudies.SEALED_REF, e.getStudyRef());
    }

    @Test
    void aStudyWhoseRecordLeftTheTopic_isGoneWithAClearLine_andNoExportIsRecorded() throws Exception {
        Study old =
                TestStudies.neural("msg-old-1", "ACC-2026-0003", clock.instant().minusSeconds(900));
        Study gone = new Study(
                old.id(),
                old.messageId(),
                old.studyRef(),
                old.receivedAt(),
                old.method(),
                old.modelVersion(),
                old.width(),
                old.height(),
                old.channels(),
                old.bitDepth(),
                null,
                null,
                () -> {
                    throw new RecoveredImages.ImageGoneException("recovered-0@3 has left the topic");
                });
        index.add(gone);
        String cookie = signIn("dr.smith", PASSWORD);
        HttpResponse<byte[]> r = send("GET", "/studies/" + gone.id() + "/export", cookie, null);
        assertEquals(410, r.statusCode());
        assertEquals("this X-ray is no longer kept at the clinic: recovered-0@3 has left the topic", text(r));
        assertEquals(0, audit.count("EXPORT"));
    }

    @Test
    void failedStudyShowsItsReasonAndNeverAnImage() throws Exception {
        String cookie = signIn("dr.smith", PASSWORD);
        String html = text(send("GET", "/studies/" + tampered.id(), cookie, null));
        assertTrue(html.contains("TAMPERED") && html.contains("does not verify with the hospital"), html);
        assertFalse(html.contains("<canvas"));
        assertEquals(
                404,
                send("GET", "/studies/" + tampered.id() + "/export", cookie, null)
                        .statusCode());
        String worklist = text(send("GET", "/worklist", cookie, null));
        assertTrue(worklist.indexOf(tampered.id()) < worklist.indexOf(sealed.id()), "newest first");
        assertTrue(worklist.indexOf(sealed.id()) < worklist.indexOf(neural.id()), "newest first");
        assertTrue(worklist.contains("failed: TAMPERED"));
        String filtered = text(send("GET", "/worklist?ref=0002", cookie, null));
        assertTrue(filtered.contains(TestStudies.SEALED_REF) && !filtered.contains(TestStudies.NEURAL_REF));
    }

    @Test
    void sessionLeftIdleEndsAndThePageAsksForSignInAgain() throws Exception {
        String cookie = signIn("dr.smith", PASSWORD);
        assertEquals(200, send("GET", "/worklist", cookie, null).statusCode());
        clock.advance(Duration.ofMinutes(16));
        HttpResponse<byte[]> r = send("GET", "/worklist", cookie, null);
        assertEquals(302, r.statusCode());
        assertTrue(r.headers().firstValue("Location").orElseThrow().startsWith("/sign-in"));
    }

    @Test
    void signInFromAnotherSiteIsRefused() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + "/sign-in"))
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=dr.smith&password=" + PASSWORD.replace(" ", "+")))
                .build();
        assertEquals(403, http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
