package org.stegoehealth.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema XRAY = XrayImageEvent.getClassSchema();

    /** One request the fake registry received. */
    record Received(String method, String path, String contentType, String authorization, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** An answer the fake registry gives. */
    record Answer(int status, String body) {}

    private HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final Deque<Answer> scripted = new ArrayDeque<>();
    private Function<Received, Answer> otherwise = r -> new Answer(500, "{\"message\":\"no answer scripted\"}");
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeEach
    void startFakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Received request = new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Answer answer;
            synchronized (this) {
                received.add(request);
                answer = scripted.isEmpty() ? otherwise.apply(request) : scripted.poll();
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopFakeRegistry() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
    }

    private HttpSchemaRegistryClient client(String url, String userInfo) {
        return new HttpSchemaRegistryClient(
                url, userInfo, Duration.ofSeconds(5), 5, Duration.ofMillis(100), sleeps::add);
    }

    private HttpSchemaRegistryClient client() {
        return client(url(), null);
    }

    private synchronized List<Received> received() {
        return List.copyOf(received);
    }

    private void answer(int status, String body) {
        scripted.add(new Answer(status, body));
    }

    @Test
    void register_setsBackwardThenPostsAvroSchema_andReturnsTheRegistryId() throws IOException {
        answer(200, "{\"compatibility\":\"BACKWARD\"}");
        answer(200, "{\"id\":7}");

        assertEquals(7, client().register("xray-images-value", XRAY));

        List<Received> requests = received();
        assertEquals(2, requests.size());
        Received config = requests.get(0);
        assertEquals("PUT", config.method());
        assertEquals("/apis/ccompat/v7/config/xray-images-value", config.path());
        assertEquals("BACKWARD", config.json().path("compatibility").asText());
        Received post = requests.get(1);
        assertEquals("POST", post.method());
        assertEquals("/apis/ccompat/v7/subjects/xray-images-value/versions", post.path());
        assertEquals(HttpSchemaRegistryClient.CONTENT_TYPE, post.contentType());
        assertEquals("AVRO", post.json().path("schemaType").asText());
        assertEquals(XRAY, new Schema.Parser().parse(post.json().path("schema").asText()));
    }

    @Test
    void register_sameSubjectAndSchemaTwice_asksTheRegistryOnce_andServesSchemaByIdFromCache() {
        answer(200, "{}");
        answer(200, "{\"id\":3}");
        HttpSchemaRegistryClient client = client();

        assertEquals(3, client.register("xray-images-value", XRAY));
        assertEquals(3, client.register("xray-images-value", XRAY));
        assertEquals(XRAY, client.schemaById(3));

        assertEquals(2, received().size());
    }

    @Test
    void register_secondSchemaOnConfiguredSubject_doesNotSetCompatibilityAgain() {
        answer(200, "{}");
        answer(200, "{\"id\":1}");
        answer(200, "{\"id\":2}");
        HttpSchemaRegistryClient client = client();

        client.register("covers-value", CoverImageEvent.getClassSchema());
        assertEquals(2, client.register("covers-value", XRAY));

        assertEquals(
                List.of("PUT", "POST", "POST"),
                received().stream().map(Received::method).toList());
    }

    @Test
    void register_registryWithoutSubjectConfigBeforeFirstVersion_setsCompatibilityRightAfterIt() {
        answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        answer(200, "{\"id\":11}");
        answer(200, "{\"compatibility\":\"BACKWARD\"}");

        assertEquals(11, client().register("stego-images-value", XRAY));

        List<Received> requests = received();
        assertEquals(
                List.of("PUT", "POST", "PUT"),
                requests.stream().map(Received::method).toList());
        assertEquals(
                "/apis/ccompat/v7/config/stego-images-value", requests.get(2).path());
    }

    @Test
    void register_subjectCreatedByAnotherInstanceAtTheSameMoment_postsAgain_andGetsTheId() {
        answer(200, "{}");
        answer(
                409,
                "{\"error_code\":409,\"message\":\"An artifact with ID 'stego-images-value' in group 'null' already"
                        + " exists.\"}");
        answer(200, "{\"id\":5}");

        assertEquals(5, client().register("stego-images-value", XRAY));

        assertEquals(
                List.of("PUT", "POST", "POST"),
                received().stream().map(Received::method).toList());
    }

    @Test
    void register_incompatibleSchema_throwsOneLineErrorNamingSubjectAndRegistryText_withoutRetrying() {
        answer(200, "{}");
        answer(
                409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\\nwith an earlier schema\"}");

        SchemaRegistryException e =
                assertThrows(SchemaRegistryException.class, () -> client().register("xray-images-value", XRAY));

        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("'xray-images-value'"), e.getMessage());
        assertTrue(
                e.getMessage().contains("Schema being registered is incompatible with an earlier schema"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(2, received().size());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void schemaById_fetchesOnce_thenAnswersFromCache() {
        answer(200, JSON.createObjectNode().put("schema", XRAY.toString()).toString());
        HttpSchemaRegistryClient client = client();

        assertEquals(XRAY, client.schemaById(42));
        assertEquals(XRAY, client.schemaById(42));

        assertEquals(1, received().size());
        assertEquals("GET", received().get(0).method());
        assertEquals("/apis/ccompat/v7/schemas/ids/42", received().get(0).path());
    }

    @Test
    void schemaById_unknownId_throws404WithoutRetrying() {
        answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");

        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client().schemaById(99));

        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("Schema not found"), e.getMessage());
        assertEquals(1, received().size());
    }

    @Test
    void send_serverErrorsThenSuccess_retriesWithExponentialBackoff() {
        answer(503, "unavailable");
        answer(500, "{\"message\":\"storage not ready\"}");
        answer(200, JSON.createObjectNode().put("schema", XRAY.toString()).toString());

        assertEquals(XRAY, client().schemaById(5));

        assertEquals(3, received().size());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps);
    }

    @Test
    void send_persistentServerError_givesUpAfterFiveTries_withTheLastStatus() {
        otherwise = r -> new Answer(502, "{\"message\":\"bad gateway\"}");

        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client().schemaById(5));

        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("5 tries") && e.getMessage().contains("bad gateway"), e.getMessage());
        assertEquals(5, received().size());
        assertEquals(
                List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800)),
                sleeps);
    }

    @Test
    void send_clientError_isNotRetried() {
        answer(200, "{}");
        answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

        SchemaRegistryException e =
                assertThrows(SchemaRegistryException.class, () -> client().register("xray-images-value", XRAY));

        assertEquals(422, e.status());
        assertTrue(e.getMessage().contains("Invalid schema"), e.getMessage());
        assertEquals(2, received().size());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void send_registryUnreachable_retriesThenThrowsWithStatusMinusOne() {
        String deadUrl = url();
        server.stop(0);

        SchemaRegistryException e = assertThrows(
                SchemaRegistryException.class, () -> client(deadUrl, null).schemaById(1));

        assertEquals(-1, e.status());
        assertTrue(e.getMessage().contains("5 tries"), e.getMessage());
        assertEquals(4, sleeps.size());
    }

    @Test
    void isCompatible_readsTheRegistryVerdict() {
        answer(200, "{\"is_compatible\":true}");
        answer(200, "{\"is_compatible\":false}");
        HttpSchemaRegistryClient client = client();

        assertTrue(client.isCompatible("xray-images-value", XRAY));
        assertFalse(client.isCompatible("xray-images-value", XRAY));

        Received check = received().get(0);
        assertEquals("POST", check.method());
        assertEquals("/apis/ccompat/v7/compatibility/subjects/xray-images-value/versions/latest", check.path());
    }

    @Test
    void isCompatible_unknownSubject_acceptsAnySchema() {
        answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");

        assertTrue(client().isCompatible("new-topic-value", XRAY));
    }

    @Test
    void isCompatible_registryAnswering409_meansIncompatible() {
        answer(409, "{\"error_code\":409,\"message\":\"incompatible\"}");

        assertFalse(client().isCompatible("xray-images-value", XRAY));
    }

    @Test
    void requests_withCredentials_carryBasicAuth_givenSeparatelyOrInTheUrl() {
        otherwise = r -> new Answer(200, "{\"is_compatible\":true}");
        String expected = "Basic " + Base64.getEncoder().encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8));
        String urlWithUserInfo = url().replace("http://", "http://svc:s3cret@");

        client(url(), "svc:s3cret").isCompatible("a-value", XRAY);
        HttpSchemaRegistryClient fromUrl = client(urlWithUserInfo, null);
        fromUrl.isCompatible("a-value", XRAY);

        assertEquals(
                List.of(expected, expected),
                received().stream().map(Received::authorization).toList());
        assertFalse(fromUrl.baseUrl().contains("s3cret"));
    }

    @Test
    void register_subjectWithReservedCharacters_isPathEncoded() {
        answer(200, "{}");
        answer(200, "{\"id\":1}");

        client().register("a b/c-value", XRAY);

        assertEquals(
                "/apis/ccompat/v7/config/a%20b%2Fc-value", received().get(0).path());
    }

    @Test
    void constructor_rejectsNonHttpUrls() {
        assertThrows(IllegalArgumentException.class, () -> new HttpSchemaRegistryClient("localhost:8081"));
        assertThrows(IllegalArgumentException.class, () -> new HttpSchemaRegistryClient("ftp://host/x"));
    }
}
