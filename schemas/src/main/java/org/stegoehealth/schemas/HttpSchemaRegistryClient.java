package org.stegoehealth.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, as served by Confluent's registry and
 * by Apicurio Registry's compatibility API. The base URL is the API root, for example
 * {@code http://127.0.0.1:8081/apis/ccompat/v7} (Apicurio) or {@code http://registry:8081} (Confluent); credentials
 * for HTTP basic auth may be given separately or as the URL's user info ({@code http://user:secret@host:8081}).
 *
 * <p>Every subject gets {@code BACKWARD} compatibility before this client first registers a schema under it, so
 * consumers on the new schema can read everything already on the topic. Ids are cached per (subject, schema) and
 * schemas per id: an id never changes meaning. Connection failures and 5xx answers are retried with exponential
 * backoff, a bounded number of times; 4xx answers are final.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    public static final String COMPATIBILITY = "BACKWARD";

    static final int DEFAULT_MAX_ATTEMPTS = 5;
    static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private record SubjectSchema(String subject, Schema schema) {}

    private final String baseUrl;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Sleeper sleeper;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Set<String> configuredSubjects = ConcurrentHashMap.newKeySet();

    /** A client for the registry at {@code baseUrl}; basic-auth credentials, if any, in the URL's user info. */
    public HttpSchemaRegistryClient(String baseUrl) {
        this(baseUrl, null);
    }

    /**
     * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null for none (or credentials in the
     *                          URL's user info)
     */
    public HttpSchemaRegistryClient(String baseUrl, String basicAuthUserInfo) {
        this(
                baseUrl,
                basicAuthUserInfo,
                Duration.ofSeconds(10),
                DEFAULT_MAX_ATTEMPTS,
                DEFAULT_INITIAL_BACKOFF,
                duration -> Thread.sleep(duration.toMillis()));
    }

    HttpSchemaRegistryClient(
            String baseUrl,
            String basicAuthUserInfo,
            Duration requestTimeout,
            int maxAttempts,
            Duration initialBackoff,
            Sleeper sleeper) {
        URI uri;
        try {
            uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl").strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schema registry URL is not a URL: " + baseUrl, e);
        }
        if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "schema registry URL must be http(s)://host[:port][/path], got " + baseUrl);
        }
        String userInfo = basicAuthUserInfo != null
                ? basicAuthUserInfo
                : uri.getRawUserInfo() == null ? null : URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
        if (userInfo != null && !userInfo.contains(":")) {
            throw new IllegalArgumentException("schema registry credentials must be user:password");
        }
        String withoutUserInfo = uri.getScheme() + "://" + uri.getHost()
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath());
        this.baseUrl = withoutUserInfo.replaceAll("/+$", "");
        this.authorization = userInfo == null
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.requestTimeout = requestTimeout;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.sleeper = sleeper;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The API root requests go to, without credentials. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        boolean configuredBefore = configuredSubjects.contains(subject) || setCompatibility(subject);
        Response response = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        if (response.status == 409 && response.errorMessage().contains("already exists")) {
            // another instance created the subject between our lookup and our post: post again, now as a version
            response = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        }
        if (response.status == 409) {
            throw new SchemaRegistryException(
                    "schema registry refused " + schema.getFullName() + " for subject '" + subject
                            + "' as incompatible (" + COMPATIBILITY + "): " + response.errorMessage(),
                    409);
        }
        int id = response.requireOk("register " + schema.getFullName() + " under subject '" + subject + "'")
                .path("id")
                .asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException(
                    "schema registry answered registration under subject '" + subject + "' without an id: "
                            + response.oneLineBody(),
                    response.status);
        }
        if (!configuredBefore) {
            // the registry knows no subject before its first version, so its compatibility is set right after
            setCompatibility(subject);
        }
        idsBySubjectSchema.putIfAbsent(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Response response = send("GET", "/schemas/ids/" + id, null);
        if (response.status == 404) {
            throw new SchemaRegistryException(
                    "schema registry has no schema with id " + id + ": " + response.errorMessage(), 404);
        }
        JsonNode body = response.requireOk("fetch schema " + id);
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException("schema " + id + " is " + type + ", not AVRO", response.status);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(body.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    "schema " + id + " from the registry is not valid Avro: " + e.getMessage(), e);
        }
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public Schema refreshSchemaById(int id) {
        schemasById.remove(id);
        return schemaById(id);
    }

    /**
     * Whether {@code schema} could be registered under {@code subject} under the subject's compatibility rule, checked
     * against the latest version. A subject with no versions accepts any schema.
     */
    public boolean isCompatible(String subject, Schema schema) {
        Response response =
                send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
        if (response.status == 404) {
            return true;
        }
        if (response.status == 409) {
            return false;
        }
        JsonNode compatible = response.requireOk("check " + schema.getFullName() + " against subject '" + subject + "'")
                .path("is_compatible");
        if (!compatible.isBoolean()) {
            throw new SchemaRegistryException(
                    "schema registry answered a compatibility check for subject '" + subject
                            + "' without is_compatible: " + response.oneLineBody(),
                    response.status);
        }
        return compatible.asBoolean();
    }

    /** Sets the subject's compatibility; false when the registry does not know the subject yet. */
    private boolean setCompatibility(String subject) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", COMPATIBILITY);
        Response response = send("PUT", "/config/" + encode(subject), body.toString());
        if (response.status == 404) {
            return false;
        }
        response.requireOk("set " + COMPATIBILITY + " compatibility on subject '" + subject + "'");
        configuredSubjects.add(subject);
        return true;
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode()
                .put("schema", schema.toString())
                .put("schemaType", "AVRO")
                .toString();
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends one request, retrying connection failures and 5xx answers; returns the first other answer. */
    private Response send(String method, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.build();
        String what = method + " " + baseUrl + path;
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            String failure;
            Response response = null;
            IOException ioFailure = null;
            try {
                HttpResponse<String> answer =
                        http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                response = new Response(what, answer.statusCode(), answer.body());
                if (response.status < 500) {
                    return response;
                }
                failure = "HTTP " + response.status + " " + response.errorMessage();
            } catch (IOException e) {
                ioFailure = e;
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted during " + what, e);
            }
            if (attempt >= maxAttempts) {
                String message = "schema registry failed " + maxAttempts + " tries of " + what + "; last: " + failure;
                throw ioFailure != null
                        ? new SchemaRegistryException(message, ioFailure)
                        : new SchemaRegistryException(message, response.status);
            }
            LOG.warn(
                    "{} failed ({}); retry {} of {} in {} ms",
                    what,
                    failure,
                    attempt,
                    maxAttempts - 1,
                    backoff.toMillis());
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while retrying " + what, e);
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** One HTTP answer. */
    private record Response(String what, int status, String body) {

        JsonNode requireOk(String action) {
            if (status / 100 != 2) {
                throw new SchemaRegistryException(
                        "schema registry refused to " + action + ": HTTP " + status + " " + errorMessage(), status);
            }
            try {
                return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            } catch (IOException e) {
                throw new SchemaRegistryException(
                        "schema registry answered " + what + " with invalid JSON: " + oneLineBody(), status);
            }
        }

        /** The registry's own error text ({@code message} in its JSON error), or the body itself. */
        String errorMessage() {
            try {
                JsonNode error = JSON.readTree(body);
                if (error != null && error.hasNonNull("message")) {
                    return oneLine(error.get("message").asText());
                }
            } catch (IOException | RuntimeException e) {
                // not JSON: fall back to the raw text
            }
            return oneLineBody();
        }

        String oneLineBody() {
            return body == null || body.isBlank() ? "(empty body)" : oneLine(body);
        }

        private static String oneLine(String text) {
            String line = text.replaceAll("\\s+", " ").strip();
            return line.length() > 300 ? line.substring(0, 300) + "..." : line;
        }
    }
}
