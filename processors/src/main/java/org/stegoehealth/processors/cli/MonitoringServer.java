package org.stegoehealth.processors.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.stegoehealth.processors.DeadLetters;
import org.stegoehealth.processors.ErrorType;

/**
 * The HTTP endpoints of a running streaming application ({@code metrics.port}):
 * <ul>
 * <li>{@code /metrics}: every metric in the Prometheus text format: the application's own ({@code stego_*}: batch
 * size and latency, images processed, dead letters by reason, model version), the Kafka Streams client's
 * ({@code kafka_stream_*}, {@code kafka_consumer_*} with lag, {@code kafka_producer_*}) and the JVM's;</li>
 * <li>{@code /health/live}: 200 while the Streams client has neither failed nor stopped, else 503;</li>
 * <li>{@code /health/ready}: 200 while it is RUNNING (not starting, rebalancing or stopping), else 503.</li>
 * </ul>
 * Health answers are one line of JSON with the Streams state, e.g. {@code {"status":"UP","state":"RUNNING"}}, and
 * what the application waits for while it waits, e.g. {@code "waiting":"cannot reach the Kafka broker at ..."}.
 */
public final class MonitoringServer implements AutoCloseable {

    /** Always 1, tagged {@code application} and {@code version}: the model version the application runs. */
    static final String MODEL_METRIC = "stego.model.info";

    private final HttpServer server;
    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> closeables;
    private final String applicationId;

    private MonitoringServer(
            HttpServer server, PrometheusMeterRegistry registry, List<AutoCloseable> closeables, String applicationId) {
        this.server = server;
        this.registry = registry;
        this.closeables = closeables;
        this.applicationId = applicationId;
    }

    /** As {@link #start(int, String, Supplier, Supplier, Supplier, List)} with the model version known already. */
    static MonitoringServer start(
            int port,
            String applicationId,
            String modelVersion,
            Supplier<KafkaStreams.State> state,
            Supplier<Boolean> failed,
            List<? extends MeterBinder> binders) {
        MonitoringServer server = start(port, applicationId, state, failed, () -> null, List.of());
        server.bind(modelVersion, binders);
        return server;
    }

    /**
     * Serves the endpoints on {@code port} (0: any free port) on every interface. {@code state} and {@code failed}
     * describe the Streams client, {@code waitingFor} what it waits for (null: nothing); {@code binders} add metrics. Every meter of the global registry (where the
     * processors record theirs) is published.
     */
    public static MonitoringServer start(
            int port,
            String applicationId,
            Supplier<KafkaStreams.State> state,
            Supplier<Boolean> failed,
            Supplier<String> waitingFor,
            List<? extends MeterBinder> binders) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<AutoCloseable> closeables = new ArrayList<>();
        for (MeterBinder binder : List.of(
                new JvmMemoryMetrics(),
                new JvmGcMetrics(),
                new JvmThreadMetrics(),
                new ClassLoaderMetrics(),
                new ProcessorMetrics(),
                new UptimeMetrics())) {
            binder.bindTo(registry);
            if (binder instanceof AutoCloseable c) {
                closeables.add(c);
            }
        }
        for (MeterBinder binder : binders) {
            binder.bindTo(registry);
            if (binder instanceof AutoCloseable c) {
                closeables.add(c);
            }
        }
        Metrics.addRegistry(registry);
        // every reason from the start, so that dashboards and alerts see zeros rather than no series
        for (ErrorType type : ErrorType.values()) {
            DeadLetters.counter(applicationId, type);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            Metrics.removeRegistry(registry);
            throw new UncheckedIOException("cannot serve metrics on port " + port + ": " + e.getMessage(), e);
        }
        server.createContext(
                "/metrics",
                exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext(
                "/health/live",
                exchange -> health(exchange, state.get(), !failed.get() && isAlive(state.get()), waitingFor.get()));
        server.createContext(
                "/health/ready",
                exchange -> health(
                        exchange,
                        state.get(),
                        !failed.get() && state.get() == KafkaStreams.State.RUNNING,
                        waitingFor.get()));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new MonitoringServer(server, registry, closeables, applicationId);
    }

    /** Adds the running application's metrics, and the model version it runs, once the application has started. */
    public void bind(String modelVersion, List<? extends MeterBinder> binders) {
        for (MeterBinder binder : binders) {
            binder.bindTo(registry);
            if (binder instanceof AutoCloseable c) {
                closeables.add(c);
            }
        }
        Gauge.builder(MODEL_METRIC, () -> 1)
                .tag("application", applicationId)
                .tag("version", modelVersion)
                .register(Metrics.globalRegistry);
    }

    /** The port the endpoints are served on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static boolean isAlive(KafkaStreams.State state) {
        return state != KafkaStreams.State.ERROR
                && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING
                && state != KafkaStreams.State.PENDING_SHUTDOWN;
    }

    private static void health(HttpExchange exchange, KafkaStreams.State state, boolean up, String waiting)
            throws IOException {
        String wait = waiting == null ? "" : ",\"waiting\":\"" + jsonEscape(waiting) + "\"";
        respond(
                exchange,
                up ? 200 : 503,
                "application/json",
                "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"state\":\"" + state + "\"" + wait + "}\n");
    }

    private static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        Metrics.removeRegistry(registry);
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // closing metrics binders never matters more than shutting down
            }
        }
        registry.close();
    }
}
