package org.stegoehealth.web.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline page's numbers: each application's state, throughput and batch latency from its own monitoring
 * endpoints ({@code /health/ready} and the Micrometer {@code /metrics} at its {@code metrics.port}), and each
 * cluster's topics with record counts and consumer-group lag from Kafka's Admin client ({@link ClusterView}).
 * Throughput is the change of {@code stego_images_processed_total} between two reads, divided by the time between
 * them; the latency quantiles are the application's own ({@code stego_batch_latency_seconds}, p50 and p99).
 */
public final class PipelineDesk {

    /**
     * An application and the base address of its monitoring endpoints; {@code application}, when not null, is the
     * application id whose {@code stego_*} series the row shows, for an endpoint that serves several applications
     * (one process running both, as {@code stego bench pipeline} does).
     */
    public record App(String name, URI base, String application) {
        public App(String name, URI base) {
            this(name, base, null);
        }
    }

    /** One application's state as the page shows it. */
    public record AppRow(
            String name,
            String address,
            String state,
            boolean up,
            String applicationId,
            String model,
            String processed,
            String throughput,
            String p50,
            String p99,
            String deadLetters,
            String lag) {}

    /** One topic as the page shows it. */
    public record TopicRow(String cluster, String topic, long records, int partitions, boolean crosses) {}

    /** One consumer group's lag. */
    public record LagRow(String cluster, String group, long lag) {}

    /** Everything the page shows at one moment; {@code problems} names what could not be read. */
    public record Snapshot(
            String at, List<AppRow> apps, List<TopicRow> topics, List<LagRow> lag, List<String> problems) {}

    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern WAITING = Pattern.compile("\"waiting\"\\s*:\\s*\"([^\"]*)\"");

    private record Reading(Instant at, double processed) {}

    private final List<App> apps;
    private final List<ClusterView> clusters;
    private final Set<String> crossing;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Map<String, Reading> last = new ConcurrentHashMap<>();

    public PipelineDesk(List<App> apps, List<ClusterView> clusters, Set<String> crossing, Clock clock) {
        this.apps = List.copyOf(apps);
        this.clusters = List.copyOf(clusters);
        this.crossing = Set.copyOf(crossing);
        this.clock = clock;
    }

    /**
     * The applications of {@code console.applications}: {@code NAME=http://HOST:PORT}, separated by commas; an address
     * may end in {@code ?application=ID} to show only that application's figures.
     */
    public static List<App> parseApps(String value) {
        List<App> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("console.applications: '" + p
                        + "' is not NAME=http://HOST:PORT (e.g. embedder=http://127.0.0.1:9401)");
            }
            URI uri;
            try {
                uri = URI.create(p.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("console.applications: '" + p + "' has no valid address");
            }
            if (uri.getHost() == null || uri.getPort() <= 0 || !"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException("console.applications: '" + p
                        + "' must name http://HOST:PORT (the application's metrics.port)");
            }
            String application = null;
            if (uri.getQuery() != null) {
                if (!uri.getQuery().startsWith("application=") || uri.getQuery().length() == "application=".length()) {
                    throw new IllegalArgumentException("console.applications: '" + p
                            + "' may end only in ?application=ID (the application id whose figures it shows)");
                }
                application = uri.getQuery().substring("application=".length());
            }
            out.add(new App(
                    p.substring(0, eq).strip(), URI.create(uri.getScheme() + "://" + uri.getAuthority()), application));
        }
        return out;
    }

    static String fixed(double v, String unit) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%s", v, unit);
    }

    private String get(URI uri) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }

    private AppRow app(App app, Map<String, Long> lag, List<String> problems) {
        String state;
        boolean up;
        try {
            String health = get(app.base().resolve("/health/ready"));
            Matcher m = STATE.matcher(health);
            Matcher w = WAITING.matcher(health);
            state = (m.find() ? m.group(1) : "?") + (w.find() ? " (waiting: " + w.group(1) + ")" : "");
            up = health.startsWith("200");
        } catch (Exception e) {
            problems.add(app.name() + ": " + app.base() + " does not answer ("
                    + e.getClass().getSimpleName() + ")");
            return new AppRow(
                    app.name(), app.base().toString(), "unreachable", false, "", "", "-", "-", "-", "-", "-", "-");
        }
        List<PrometheusText.Sample> samples;
        try {
            String text = get(app.base().resolve("/metrics"));
            samples = PrometheusText.parse(text.substring(text.indexOf('\n') + 1));
        } catch (Exception e) {
            problems.add(app.name() + ": cannot read " + app.base().resolve("/metrics"));
            samples = List.of();
        }
        if (app.application() != null) {
            samples = samples.stream()
                    .filter(s -> !s.name().startsWith("stego_")
                            || app.application().equals(s.labels().get("application")))
                    .toList();
        }
        String id = PrometheusText.label(samples, "stego_model_info", "application");
        if (id == null) {
            id = PrometheusText.label(samples, "stego_images_processed_total", "application");
        }
        String model = PrometheusText.label(samples, "stego_model_info", "version");
        double processed = PrometheusText.sum(samples, "stego_images_processed_total");
        Instant now = clock.instant();
        Reading before = last.get(app.name());
        double rate = Double.NaN;
        if (before != null && !Double.isNaN(processed) && now.isAfter(before.at())) {
            rate = Math.max(0, processed - before.processed())
                    / (Duration.between(before.at(), now).toMillis() / 1000.0);
        }
        if (!Double.isNaN(processed)) {
            last.put(app.name(), new Reading(now, processed));
        }
        double p50 = PrometheusText.first(samples, "stego_batch_latency_seconds", "quantile", "0.5") * 1000;
        double p99 = PrometheusText.first(samples, "stego_batch_latency_seconds", "quantile", "0.99") * 1000;
        double dead = PrometheusText.sum(samples, "stego_dead_letters_total");
        Long groupLag = id == null ? null : lag.get(id);
        return new AppRow(
                app.name(),
                app.base().toString(),
                state,
                up,
                id == null ? "" : id,
                model == null ? "" : model,
                Double.isNaN(processed) ? "-" : String.format(Locale.ROOT, "%.0f", processed),
                fixed(rate, " /s"),
                fixed(p50, " ms"),
                fixed(p99, " ms"),
                Double.isNaN(dead) ? "-" : String.format(Locale.ROOT, "%.0f", dead),
                groupLag == null ? "-" : groupLag.toString());
    }

    /** Reads every application and cluster now. */
    public Snapshot snapshot() {
        List<String> problems = new ArrayList<>();
        List<TopicRow> topics = new ArrayList<>();
        List<LagRow> lagRows = new ArrayList<>();
        Map<String, Long> allLag = new java.util.HashMap<>();
        for (ClusterView c : clusters) {
            try {
                c.topics()
                        .forEach(t -> topics.add(new TopicRow(
                                c.name(), t.topic(), t.records(), t.partitions(), crossing.contains(t.topic()))));
                c.lag().forEach((g, l) -> {
                    lagRows.add(new LagRow(c.name(), g, l));
                    allLag.merge(g, l, Long::sum);
                });
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        List<AppRow> rows = new ArrayList<>();
        apps.forEach(a -> rows.add(app(a, allLag, problems)));
        return new Snapshot(ConsoleApp.time(clock.instant()), rows, topics, lagRows, problems);
    }
}
