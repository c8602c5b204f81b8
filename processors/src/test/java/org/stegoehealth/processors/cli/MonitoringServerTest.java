package org.stegoehealth.processors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.DeadLetters;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.InputRecord;

/** The metrics and health endpoints over real HTTP, with the Streams state driven by the test. */
class MonitoringServerTest {

    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final AtomicBoolean failed = new AtomicBoolean(false);
    private final HttpClient http = HttpClient.newHttpClient();
    private MonitoringServer server;

    @BeforeEach
    void start() {
        server = MonitoringServer.start(0, "test-app", "model-v1", state::get, failed::get, List.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessFollowsTheStreamsStateAndLivenessFailsOnlyWhenTheClientStopped() throws Exception {
        assertEquals(503, get("/health/ready").statusCode(), "not ready before RUNNING");
        assertEquals(200, get("/health/live").statusCode());

        state.set(KafkaStreams.State.RUNNING);
        HttpResponse<String> ready = get("/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"UP\",\"state\":\"RUNNING\"}", ready.body().strip());

        state.set(KafkaStreams.State.REBALANCING);
        assertEquals(503, get("/health/ready").statusCode());
        assertEquals(200, get("/health/live").statusCode());

        state.set(KafkaStreams.State.ERROR);
        assertEquals(503, get("/health/ready").statusCode());
        HttpResponse<String> live = get("/health/live");
        assertEquals(503, live.statusCode());
        assertTrue(live.body().contains("\"state\":\"ERROR\""), live.body());

        state.set(KafkaStreams.State.RUNNING);
        failed.set(true);
        assertEquals(503, get("/health/live").statusCode(), "an uncaught error counts even before the state moves");
    }

    @Test
    void metricsShowTheModelVersionAndDeadLettersByReasonZerosIncluded() throws Exception {
        DeadLetters.of(
                new InputRecord("xray-images", 0, 7, 0L, null, new byte[3], 0L, null),
                ErrorType.DECODE,
                "truncated JPEG",
                "test-app",
                0L);
        HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        String body = metrics.body();
        assertTrue(body.contains("stego_model_info{application=\"test-app\",version=\"model-v1\"} 1"), body);
        assertTrue(body.contains("stego_dead_letters_total{application=\"test-app\",reason=\"DECODE\"} 1.0"), body);
        assertTrue(body.contains("stego_dead_letters_total{application=\"test-app\",reason=\"TAMPERED\"} 0.0"), body);
        assertTrue(body.contains("jvm_memory_used_bytes"), "JVM metrics too");
    }

    @Test
    void closingStopsServingAndLeavesTheGlobalRegistry() throws Exception {
        int before = Metrics.globalRegistry.getRegistries().size();
        server.close();
        assertEquals(before - 1, Metrics.globalRegistry.getRegistries().size());
        assertThrowsIo(() -> get("/metrics"));
        server = MonitoringServer.start(0, "test-app", "model-v1", state::get, failed::get, List.of());
    }

    @Test
    void whileTheApplicationWaitsForItsBroker_readinessSaysWhatItWaitsFor() throws Exception {
        AtomicReference<String> waiting = new AtomicReference<>("cannot reach the Kafka broker at \"h\":1");
        try (MonitoringServer waitingServer =
                MonitoringServer.start(0, "waiting-app", state::get, failed::get, waiting::get, List.of())) {
            HttpResponse<String> ready = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + waitingServer.port() + "/health/ready"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(503, ready.statusCode());
            assertEquals(
                    "{\"status\":\"DOWN\",\"state\":\"CREATED\","
                            + "\"waiting\":\"cannot reach the Kafka broker at \\\"h\\\":1\"}",
                    ready.body().strip());
        }
    }

    private static void assertThrowsIo(Call call) {
        try {
            call.run();
        } catch (IOException expected) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertFalse(true, "the server still answers after close");
    }

    @FunctionalInterface
    private interface Call {
        void run() throws IOException, InterruptedException;
    }
}
