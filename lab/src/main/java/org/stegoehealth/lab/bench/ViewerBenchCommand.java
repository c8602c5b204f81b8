package org.stegoehealth.lab.bench;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.security.Png;
import org.stegoehealth.stack.pipeline.LocalStackOptions;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOptions;
import org.stegoehealth.stack.pipeline.WorkDir;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;
import org.stegoehealth.web.viewer.ClinicViewer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stego bench viewer}: how fast the clinic viewer shows its worklist, and how soon a recovered X-ray reaches an
 * open worklist. On a local broker and registry (or {@code --bootstrap-servers}), it writes {@code --studies}
 * recovered X-rays to the recovered topic as the extractor would (256 px, 8-bit), starts the viewer, and then over
 * HTTPS: times the worklist page with that many studies behind it, and times each of {@code --arrivals} new recovered
 * X-rays from the moment the record is acknowledged by the broker to the moment its row arrives on an open
 * server-sent events stream (what the browser's worklist listens to). It also times exporting an X-ray whose PNG the
 * viewer keeps in memory against one it reads back from the recovered topic ({@code --image-cache-mb} decides how many
 * stay in memory).
 */
@Command(
        name = "viewer",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the clinic viewer: the worklist page's response time with --studies studies received,"
                    + " and the delay from a recovered X-ray on the topic to its row on an open worklist's live stream."
        })
public final class ViewerBenchCommand implements Callable<Integer> {

    private static final String USER = "bench";
    private static final String PASSWORD = "bench password 123";

    @Spec
    CommandSpec spec;

    @Mixin
    LocalStackOptions common;

    @Mixin
    PipelineOptions options;

    @Option(
            names = "--studies",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Studies in the worklist (default: ${DEFAULT-VALUE}).")
    int studies;

    @Option(
            names = "--pages",
            paramLabel = "N",
            defaultValue = "20",
            description = "Worklist requests timed (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(
            names = "--arrivals",
            paramLabel = "N",
            defaultValue = "20",
            description = "New X-rays timed to the live worklist (default: ${DEFAULT-VALUE}).")
    int arrivals;

    @Option(
            names = "--image-cache-mb",
            paramLabel = "MB",
            defaultValue = "4",
            description = "The viewer's viewer.image.cache.mb: the newest studies' PNGs that fit stay in memory, the"
                    + " oldest are read from the topic when exported (default: ${DEFAULT-VALUE}).")
    int imageCacheMb;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StegoConfig base = options.config(common);
        try (WorkDir held = options.claimWorkDir("bench-viewer");
                PipelineCluster cluster = PipelineCluster.open(spec, base, held.path(), "bench")) {
            cluster.createTopics();
            PipelineKeys keys = PipelineKeys.under(held.path().resolve("keys"));
            byte[] png = Png.encode(noise(256, 256));
            try (KafkaProducer<String, RecoveredImageEvent> producer = new KafkaProducer<>(
                    StreamsConfigs.producer(cluster.config(), "bench-viewer"),
                    cluster.topics().recovered.keySerde().serializer(),
                    cluster.topics().recovered.valueSerde().serializer())) {
                long t0 = System.nanoTime();
                for (int i = 0; i < studies; i++) {
                    send(producer, cluster, "bench-" + i, png, Instant.now().minusSeconds(studies - i));
                }
                producer.flush();
                out.printf(
                        Locale.ROOT, "wrote %d recovered X-rays in %.1f s%n", studies, (System.nanoTime() - t0) / 1e9);
                Path users = held.path().resolve("viewer-users");
                new Users(users).add(USER, PASSWORD.toCharArray(), true);
                long loadStart = System.nanoTime();
                try (ClinicViewer viewer = ClinicViewer.start(cluster.config()
                        .with(Map.of(
                                StegoConfig.KEYRING_DIR, keys.clinic().dir().toString(),
                                StegoConfig.VIEWER_PORT, "0",
                                StegoConfig.VIEWER_IMAGE_CACHE_MB, Integer.toString(imageCacheMb),
                                StegoConfig.VIEWER_USERS_FILE, users.toString(),
                                StegoConfig.STATE_DIR,
                                        held.path().resolve("viewer-state").toString())))) {
                    if (!viewer.awaitCaughtUp(Duration.ofMinutes(2))) {
                        throw new IllegalStateException("the viewer did not load the worklist within 2 min");
                    }
                    out.printf(
                            Locale.ROOT,
                            "viewer started and loaded %d studies from Kafka in %.2f s%n",
                            viewer.index().size(),
                            (System.nanoTime() - loadStart) / 1e9);
                    HttpClient http = client(viewer);
                    String cookie = signIn(http, viewer.url());
                    List<Double> page = new ArrayList<>();
                    for (int i = 0; i < pages + 3; i++) {
                        long t = System.nanoTime();
                        HttpResponse<String> r = http.send(
                                get(viewer.url() + "/worklist", cookie).build(), HttpResponse.BodyHandlers.ofString());
                        double ms = (System.nanoTime() - t) / 1e6;
                        if (r.statusCode() != 200 || !r.body().contains("id=\"total\">" + studies + "<")) {
                            throw new IllegalStateException("worklist answered " + r.statusCode());
                        }
                        if (i >= 3) { // the first requests warm the JIT and the TLS session
                            page.add(ms);
                        }
                    }
                    out.printf(Locale.ROOT, "worklist page (50 rows of %d studies, HTTPS): %s%n", studies, stats(page));
                    exports(out, http, viewer.url(), cookie, png.length);
                    out.printf(
                            Locale.ROOT,
                            "live arrivals (topic -> row on the open worklist's stream): %s%n",
                            stats(arrivals(http, viewer, cookie, producer, cluster, png)));
                }
            }
        }
        out.flush();
        return 0;
    }

    private List<Double> arrivals(
            HttpClient http,
            ClinicViewer viewer,
            String cookie,
            KafkaProducer<String, RecoveredImageEvent> producer,
            PipelineCluster cluster,
            byte[] png)
            throws Exception {
        BlockingQueue<String> events = new ArrayBlockingQueue<>(1000);
        HttpResponse<InputStream> stream = http.send(
                get(viewer.url() + "/worklist/events", cookie)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("data:")) {
                        events.offer(line);
                    }
                }
            } catch (java.io.IOException e) {
                // stream closed at the end
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500);
        List<Double> delays = new ArrayList<>();
        for (int i = 0; i < arrivals; i++) {
            String id = "bench-live-" + i;
            send(producer, cluster, id, png, Instant.now());
            producer.flush();
            long acked = System.nanoTime();
            long deadline = acked + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                String e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new IllegalStateException(id + " did not reach the live worklist within 30 s");
                }
                if (e.contains("data-id=\"" + id + "\"")) {
                    delays.add((System.nanoTime() - acked) / 1e6);
                    break;
                }
            }
            Thread.sleep(200);
        }
        stream.body().close();
        return delays;
    }

    /**
     * Times exports of the newest studies (their PNGs still in memory) and of the oldest (read back from the topic),
     * and prints both with their ratio.
     */
    private void exports(PrintWriter out, HttpClient http, String url, String cookie, int pngBytes) throws Exception {
        int n = Math.min(pages, studies / 2);
        if (n < 1) {
            return;
        }
        long kept = Math.max(0, (long) imageCacheMb * (1 << 20) / pngBytes);
        if (kept < n + 3) {
            out.printf(
                    Locale.ROOT,
                    "X-ray export: --image-cache-mb %d keeps only %d of these %d-byte PNGs, fewer than the %d timed;"
                            + " left out%n",
                    imageCacheMb,
                    kept,
                    pngBytes,
                    n + 3);
            return;
        }
        List<Double> memory = new ArrayList<>();
        for (int i = 0; i < n + 3; i++) {
            double ms = export(http, url, cookie, "bench-" + (studies - 1 - i));
            if (i >= 3) { // the first exports warm the JIT
                memory.add(ms);
            }
        }
        List<Double> topic = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            topic.add(export(http, url, cookie, "bench-" + i));
        }
        out.printf(
                Locale.ROOT,
                "X-ray export (%d-byte PNG), kept in memory: %s%nX-ray export, read back from the topic: %s"
                        + " (median %.1f x the in-memory export)%n",
                pngBytes,
                stats(memory),
                stats(topic),
                median(topic) / median(memory));
    }

    private static double export(HttpClient http, String url, String cookie, String id) throws Exception {
        long t = System.nanoTime();
        HttpResponse<byte[]> r = http.send(
                get(url + "/studies/" + id + "/export", cookie).build(), HttpResponse.BodyHandlers.ofByteArray());
        double ms = (System.nanoTime() - t) / 1e6;
        if (r.statusCode() != 200 || r.body().length < 8) {
            throw new IllegalStateException("export of " + id + " answered " + r.statusCode());
        }
        return ms;
    }

    /** A 256-level noise image: it compresses as little as a real X-ray's detail does. */
    private static BufferedImage noise(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        java.util.Random random = new java.util.Random(42);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        return image;
    }

    private static double median(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static void send(
            KafkaProducer<String, RecoveredImageEvent> producer,
            PipelineCluster cluster,
            String id,
            byte[] png,
            Instant at)
            throws Exception {
        RecoveredImageEvent event = RecoveredImageEvent.newBuilder()
                .setMessageId(id)
                .setModelVersion("bench")
                .setWidth(256)
                .setHeight(256)
                .setChannels(1)
                .setImage(ByteBuffer.wrap(png))
                .setRecoveredAt(at)
                .setHidingMethod("neural")
                .setBitDepth(8)
                .setStudyRef("BENCH-" + id)
                .build();
        producer.send(new ProducerRecord<>(cluster.topics().recovered.name(), id, event))
                .get();
    }

    private static HttpRequest.Builder get(String url, String cookie) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Cookie", WebServer.SESSION_COOKIE + "=" + cookie)
                .timeout(Duration.ofSeconds(30));
    }

    private static HttpClient client(ClinicViewer viewer) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("viewer", viewer.server().settings().tls().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static String signIn(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url + "/sign-in"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "user=" + USER + "&password=" + PASSWORD.replace(' ', '+')))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie =
                r.headers().firstValue("Set-Cookie").orElseThrow(() -> new IllegalStateException("sign-in refused"));
        return cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    }

    private static String stats(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format(
                Locale.ROOT,
                "median %.0f ms, p95 %.0f ms, max %.0f ms over %d",
                s.get(s.size() / 2),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.95) - 1)),
                s.get(s.size() - 1),
                s.size());
    }
}
