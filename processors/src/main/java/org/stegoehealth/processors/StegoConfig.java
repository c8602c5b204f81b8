package org.stegoehealth.processors;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.Refinement;
import org.stegoehealth.model.Tiling;

/**
 * The one configuration of every Stego-eHealth application. Values come from, lowest precedence first: built-in
 * defaults, a properties file, environment variables ({@code STEGO_} + the key in upper case with dots as
 * underscores, e.g. {@code STEGO_BOOTSTRAP_SERVERS}), and explicit overrides (command-line options).
 *
 * <p>Every key that starts with {@value #KAFKA_PREFIX} is handed, without the prefix, to the Kafka clients and
 * Kafka Streams (TLS, SASL, client tuning): {@code kafka.security.protocol=SSL} becomes {@code security.protocol}.
 * Other keys must be known: a typo in a file or override is an error, not a silently ignored setting.
 */
public final class StegoConfig {

    public static final String KAFKA_PREFIX = "kafka.";
    public static final String ENV_PREFIX = "STEGO_";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.user.info";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String STATE_DIR = "state.dir";
    public static final String MODEL_PATH = "model.path";
    public static final String BATCH_SIZES = "batch.sizes";
    public static final String BATCH_LINGER_MS = "batch.linger.ms";
    public static final String MAX_IMAGE_SIDE = "max.image.side";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String RECOVERED_DIR = "recovered.dir";
    public static final String OUTPUT_FORMAT = "output.format";
    public static final String RECOVERED_IDS_RETENTION_DAYS = "recovered.ids.retention.days";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String STREAM_THREADS = "stream.threads";
    public static final String EMBEDDER_APPLICATION_ID = "embedder.application.id";
    public static final String EXTRACTOR_APPLICATION_ID = "extractor.application.id";
    public static final String KEYRING_DIR = "keyring.dir";
    public static final String MODEL_CACHE_DIR = "model.cache.dir";
    public static final String MODELS_LOADED_MAX = "models.loaded.max";
    public static final String MODEL_WAIT_MS = "model.wait.ms";
    public static final String MODELS_SEALED_TO = "models.sealed.to";
    public static final String HIDING_METHOD = "hiding.method";
    public static final String CLINIC_ID = "clinic.id";
    public static final String HOSPITAL_ID = "hospital.id";
    public static final String SEALED_BUDGET = "sealed.budget";
    /** Most payload bits per colour sample of a covert stego image. */
    public static final String COVERT_BUDGET = "covert.budget";
    /** Shorter side a cover is scaled down to for the covert method (0: used as it is). */
    public static final String COVERT_COVER_SIDE = "covert.cover.side";
    /** How the embedder sends neural stego images: {@code png} or {@code jpeg}. */
    public static final String STEGO_FORMAT = "stego.format";
    /** JPEG quality of stego images sent as JPEG. */
    public static final String STEGO_JPEG_QUALITY = "stego.jpeg.quality";

    public static final String ALLOW_UNSIGNED = "security.allow.unsigned";
    public static final String METRICS_PORT = "metrics.port";
    public static final String INSTANCE_ID = "instance.id";
    public static final String TRANSACTION_TIMEOUT_MS = "transaction.timeout.ms";
    public static final String DEAD_LETTERS_REDACT = "dead.letters.redact";
    public static final String EMBED_REFINE_STEPS = "embed.refine.steps";
    public static final String EMBED_MODEL_VERSION = "embed.model.version";
    public static final String TILE_SIZE = "inference.tile.size";
    public static final String MEMORY_BUDGET_MB = "inference.memory.budget.mb";
    public static final String VIEWER_HOST = "viewer.host";
    public static final String VIEWER_PORT = "viewer.port";
    public static final String VIEWER_USERS_FILE = "viewer.users.file";
    public static final String VIEWER_TLS_KEYSTORE = "viewer.tls.keystore";
    public static final String VIEWER_TLS_KEYSTORE_PASSWORD = "viewer.tls.keystore.password";
    public static final String VIEWER_TLS_HOSTS = "viewer.tls.hosts";
    public static final String VIEWER_SESSION_IDLE_MINUTES = "viewer.session.idle.minutes";
    public static final String VIEWER_SESSION_MAX_HOURS = "viewer.session.max.hours";
    public static final String VIEWER_IMAGE_CACHE_MB = "viewer.image.cache.mb";
    public static final String CONSOLE_APPLICATIONS = "console.applications";

    private static final long MAX_TRANSACTION_TIMEOUT_MS = 900_000;
    private static final Map<String, String> DEFAULTS = defaults();

    /** A value and where it came from, so that a bad value can be traced in the error message. */
    private record Entry(String value, String source) {}

    private final Map<String, Entry> entries;

    private StegoConfig(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(BOOTSTRAP_SERVERS, "localhost:9092");
        d.put(SCHEMA_REGISTRY_URL, "http://localhost:8081");
        d.put(SCHEMA_REGISTRY_USER_INFO, "");
        d.put(TOPIC_PREFIX, "");
        // Batches form per partition (each stream task buffers its own), so a single-threaded application fills
        // its batches only over few partitions; raise this together with instances x stream.threads to scale out.
        d.put(TOPIC_PARTITIONS, "1");
        // under the working directory, not /tmp: the state and the Streams process id survive a reboot, so a
        // restarted instance resumes its tasks without rebuilding them and fences its own unfinished transactions
        d.put(STATE_DIR, Path.of(".stego", "state").toString());
        d.put(MODEL_PATH, "");
        d.put(BATCH_SIZES, BatchSettings.DEFAULT_SIZES);
        d.put(BATCH_LINGER_MS, "500");
        d.put(MAX_IMAGE_SIDE, "4096");
        d.put(MAX_MESSAGE_BYTES, Integer.toString(32 * 1024 * 1024));
        d.put(RECOVERED_DIR, "");
        // extractor: what each recovered X-ray is written as in recovered.dir: png, dicom (Secondary Capture) or both
        d.put(OUTPUT_FORMAT, "png");
        // extractor: how long a recovered message id is remembered, so the same X-ray sent again within it is
        // recovered once (a store of ids, changelogged; older ids are forgotten)
        d.put(RECOVERED_IDS_RETENTION_DAYS, "30");
        d.put(COMMIT_INTERVAL_MS, "250");
        d.put(STREAM_THREADS, "1");
        d.put(EMBEDDER_APPLICATION_ID, "stego-embedder");
        d.put(EXTRACTOR_APPLICATION_ID, "stego-extractor");
        d.put(KEYRING_DIR, Path.of(".stego", "keyring").toString());
        // verified artifacts received from the model topic; empty: <state.dir>/model-cache
        d.put(MODEL_CACHE_DIR, "");
        d.put(MODELS_LOADED_MAX, "3");
        // how long a stego image naming a model version not received yet waits for it
        d.put(MODEL_WAIT_MS, Long.toString(Duration.ofMinutes(10).toMillis()));
        // private models: the clinics their weights are sealed to (comma-separated keyring names); empty: in clear
        d.put(MODELS_SEALED_TO, "");
        d.put(HIDING_METHOD, "neural");
        d.put(CLINIC_ID, "");
        // the hospital's keyring name: the only party trusted to sign stego, model and promotion events; empty: this
        // keyring at the hospital, the one party a clinic's keyring trusts at a clinic (TransferSecurity.Site)
        d.put(HOSPITAL_ID, "");
        d.put(SEALED_BUDGET, "0.5");
        d.put(COVERT_BUDGET, "0.01");
        // covert covers are scaled down to this shorter side, below the 8x8 block grid a JPEG photo keeps
        d.put(COVERT_COVER_SIDE, "512");
        // embedder: neural stego images as lossless PNG or as baseline 4:2:0 JPEG at this quality (StegoFormat); the
        // sealed and covert methods always send PNG
        d.put(STEGO_FORMAT, "png");
        d.put(STEGO_JPEG_QUALITY, Integer.toString(StegoFormat.DEFAULT_JPEG_QUALITY));
        d.put(ALLOW_UNSIGNED, "false");
        // dead letters stay on the cluster that already holds their source records (X-rays at the hospital, stego
        // images at the clinic) and can be replayed once the cause is fixed; true keeps only a SHA-256 and the size
        d.put(DEAD_LETTERS_REDACT, "false");
        // embedder: Adam steps on each stego image's pixels after the network's pass (Refinement); each costs about
        // one extraction forward and back, so 0 (off) keeps embedding at the network's speed
        d.put(EMBED_REFINE_STEPS, "0");
        // embedder: the model version to embed with when an X-ray names none; empty: the promoted version
        d.put(EMBED_MODEL_VERSION, "");
        // embedder and extractor: images with a longer side above the tile size run in overlapping tiles, as many
        // per pass as the memory budget holds (Tiling), in the large-image lane that never holds back smaller ones
        d.put(TILE_SIZE, Integer.toString(Tiling.DEFAULT_TILE_SIZE));
        d.put(MEMORY_BUDGET_MB, Integer.toString(Tiling.DEFAULT_MEMORY_BUDGET_MB));
        // embedder and extractor: HTTP port of /metrics, /health/live, /health/ready; 0 serves none
        d.put(METRICS_PORT, "0");
        // embedder and extractor: a stable name per instance (static group membership), so a restarted instance
        // takes its tasks back at once instead of waiting for a rebalance; empty: dynamic membership
        d.put(INSTANCE_ID, "");
        // exactly-once: how long one transaction may stay open; it must cover the longest punctuation (several
        // batches of the largest images back to back) and stay within the broker's transaction.max.timeout.ms
        d.put(TRANSACTION_TIMEOUT_MS, "300000");
        // the clinic's web viewer (stego viewer): HTTPS only, on this address and port
        d.put(VIEWER_HOST, "127.0.0.1");
        d.put(VIEWER_PORT, "8443");
        // who may sign in: one user per line with an Argon2id hash (stego viewer users add)
        d.put(VIEWER_USERS_FILE, Path.of(".stego", "viewer-users").toString());
        // a PKCS12 key store with the server's certificate and key; empty: a self-signed one made at first start
        // under <state.dir>/viewer-tls for the names in viewer.tls.hosts
        d.put(VIEWER_TLS_KEYSTORE, "");
        d.put(VIEWER_TLS_KEYSTORE_PASSWORD, "");
        d.put(VIEWER_TLS_HOSTS, "localhost,127.0.0.1");
        // a session ends after this long without a request, and in any case this long after sign-in
        d.put(VIEWER_SESSION_IDLE_MINUTES, "15");
        d.put(VIEWER_SESSION_MAX_HOURS, "10");
        // the viewer keeps the most recently arrived or opened X-rays' PNGs in memory up to this many MiB and reads
        // any other from the clinic's recovered topic when it is opened; 0 reads every one from the topic
        d.put(VIEWER_IMAGE_CACHE_MB, "256");
        // the hospital console's pipeline page: each application's monitoring address (its metrics.port), as
        // NAME=http://HOST:PORT separated by commas, e.g. embedder=http://127.0.0.1:9401; empty: none shown
        d.put(CONSOLE_APPLICATIONS, "");
        return Collections.unmodifiableMap(d);
    }

    /** Keys this class knows, besides the {@value #KAFKA_PREFIX} pass-through. */
    public static Set<String> knownKeys() {
        return DEFAULTS.keySet();
    }

    /** Defaults only: for tests and tools that set everything explicitly. */
    public static StegoConfig defaultsOnly() {
        return load(null, Map.of(), Map.of());
    }

    /** Defaults, then the file (if not null), then the process environment, then {@code overrides}. */
    public static StegoConfig load(Path file, Map<String, String> overrides) {
        return load(file, System.getenv(), overrides);
    }

    /**
     * As {@link #load(Path, Map)} with an explicit environment.
     *
     * @throws IllegalArgumentException naming the file, variable or key when something cannot be used
     */
    public static StegoConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        DEFAULTS.forEach((k, v) -> entries.put(k, new Entry(v, "default")));
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + " (" + e.getMessage() + ")", e);
            }
            for (String key : properties.stringPropertyNames()) {
                put(entries, key.trim(), properties.getProperty(key).trim(), "config file " + file);
            }
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                String key = name.substring(ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                // the environment also holds unrelated STEGO_ variables (launcher options): take only known keys
                if (DEFAULTS.containsKey(key) || key.startsWith(KAFKA_PREFIX)) {
                    entries.put(key, new Entry(value.trim(), "environment variable " + name));
                }
            }
        });
        overrides.forEach((k, v) -> {
            if (v != null) {
                put(entries, k, v, "option");
            }
        });
        return new StegoConfig(entries);
    }

    private static void put(Map<String, Entry> entries, String key, String value, String source) {
        if (!DEFAULTS.containsKey(key) && !key.startsWith(KAFKA_PREFIX)) {
            throw new IllegalArgumentException("unknown config key '" + key + "' in " + source + " (known: "
                    + String.join(", ", DEFAULTS.keySet()) + ", or kafka.* for Kafka client settings)");
        }
        entries.put(key, new Entry(value, source));
    }

    /** A copy with more overrides on top. */
    public StegoConfig with(Map<String, String> overrides) {
        Map<String, Entry> copy = new LinkedHashMap<>(entries);
        overrides.forEach((k, v) -> put(copy, k, v, "override"));
        return new StegoConfig(copy);
    }

    public String get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.value();
    }

    /** Where the value of {@code key} came from ("default", "config file X", "environment variable Y", "option"). */
    public String sourceOf(String key) {
        Entry e = entries.get(key);
        return e == null ? "unset" : e.source();
    }

    public String bootstrapServers() {
        return required(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        String url = required(SCHEMA_REGISTRY_URL);
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw invalid(SCHEMA_REGISTRY_URL, "is not an http(s) URL");
        }
        return url;
    }

    /** {@code user:password} for a registry behind HTTP basic auth, if configured. */
    public Optional<String> schemaRegistryUserInfo() {
        String v = get(SCHEMA_REGISTRY_USER_INFO);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public String topicPrefix() {
        return get(TOPIC_PREFIX);
    }

    public int topicPartitions() {
        return positiveInt(TOPIC_PARTITIONS);
    }

    public Path stateDir() {
        return Path.of(required(STATE_DIR));
    }

    /** The model artifact directory; required by the embedder and the extractor. */
    public Path modelPath() {
        return Path.of(required(MODEL_PATH));
    }

    /** The configured model artifact directory, or else the bundled default model ({@link ModelArtifact#locate}). */
    public Path modelPathOrDefault() {
        String v = get(MODEL_PATH);
        return ModelArtifact.locate(v == null || v.isBlank() ? null : Path.of(v));
    }

    public Duration batchLinger() {
        return Duration.ofMillis(positiveLong(BATCH_LINGER_MS));
    }

    public int maxImageSide() {
        return positiveInt(MAX_IMAGE_SIDE);
    }

    /** Largest record the applications produce or fetch; topics need a {@code max.message.bytes} at least this. */
    public int maxMessageBytes() {
        return positiveInt(MAX_MESSAGE_BYTES);
    }

    public long commitIntervalMs() {
        return positiveLong(COMMIT_INTERVAL_MS);
    }

    /** The static group member name of this instance, if set. */
    public Optional<String> instanceId() {
        String v = get(INSTANCE_ID);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /** Exactly-once transaction timeout; at most the broker default {@code transaction.max.timeout.ms} of 15 min. */
    public long transactionTimeoutMs() {
        long v = positiveLong(TRANSACTION_TIMEOUT_MS);
        if (v > MAX_TRANSACTION_TIMEOUT_MS) {
            throw invalid(
                    TRANSACTION_TIMEOUT_MS,
                    "must be at most " + MAX_TRANSACTION_TIMEOUT_MS
                            + " (the broker's default transaction.max.timeout.ms)");
        }
        return v;
    }

    public int streamThreads() {
        return positiveInt(STREAM_THREADS);
    }

    public String embedderApplicationId() {
        return required(EMBEDDER_APPLICATION_ID);
    }

    public String extractorApplicationId() {
        return required(EXTRACTOR_APPLICATION_ID);
    }

    /** The HTTP port of the streaming applications' metrics and health endpoints, or 0 for none. */
    public int metricsPort() {
        String v = required(METRICS_PORT);
        int port;
        try {
            port = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw invalid(METRICS_PORT, "is not a port number");
        }
        if (port < 0 || port > 65535) {
            throw invalid(METRICS_PORT, "is not a port number (0 to 65535, 0 for none)");
        }
        return port;
    }

    /** The directory of this party's keyring ({@code stego keys init}); relative paths are under the working dir. */
    public Path keyringDir() {
        return Path.of(required(KEYRING_DIR));
    }

    /** Whether a fixed model directory is configured ({@code model.path}) instead of following the model topic. */
    public boolean hasFixedModel() {
        String v = get(MODEL_PATH);
        return v != null && !v.isBlank();
    }

    /** Where verified model versions received from the model topic are kept. */
    public Path modelCacheDir() {
        String v = get(MODEL_CACHE_DIR);
        return v == null || v.isBlank() ? stateDir().resolve("model-cache") : Path.of(v);
    }

    /** How many model versions an application keeps loaded at most (least recently used out). */
    public int modelsLoadedMax() {
        return positiveInt(MODELS_LOADED_MAX);
    }

    /**
     * The parties (keyring names, e.g. the clinics) that the weights of published models are sealed to, making them
     * private models; empty for models published in clear.
     */
    public List<String> modelsSealedTo() {
        String v = get(MODELS_SEALED_TO);
        return v == null || v.isBlank()
                ? List.of()
                : Arrays.stream(v.split(","))
                        .map(String::strip)
                        .filter(p -> !p.isEmpty())
                        .distinct()
                        .toList();
    }

    /** How long the extractor remembers a recovered message id (a repeat within it is dropped). */
    public Duration recoveredIdsRetention() {
        return Duration.ofDays(positiveLong(RECOVERED_IDS_RETENTION_DAYS));
    }

    /** How long a stego image naming a model version not received yet waits before it is dead-lettered. */
    public Duration modelWait() {
        return Duration.ofMillis(positiveLong(MODEL_WAIT_MS));
    }

    /** The embedder's default hiding method ({@code neural} or {@code sealed}); an X-ray event may name its own. */
    public HidingMethod hidingMethod() {
        try {
            return HidingMethod.parse(required(HIDING_METHOD));
        } catch (IllegalArgumentException e) {
            throw invalid(HIDING_METHOD, "is not neural, sealed or covert");
        }
    }

    /** The clinic the embedder sends to (its keyring name): sealed payloads and study references are for it. */
    public Optional<String> clinicId() {
        String v = get(CLINIC_ID);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /**
     * The hospital's keyring name, if configured: the party trusted to sign stego events and model and promotion
     * events ({@link TransferSecurity#hospitalOf} applies the default).
     */
    public Optional<String> hospitalId() {
        String v = get(HOSPITAL_ID);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** Most payload bits per colour channel of a sealed stego image. */
    public double sealedBudget() {
        return budget(SEALED_BUDGET);
    }

    /**
     * Most payload bits per colour channel of a covert stego image: the lower, the harder to detect and the larger
     * the cover an X-ray needs (docs/security.md has the detector's figures).
     */
    public double covertBudget() {
        return budget(COVERT_BUDGET);
    }

    /**
     * Shorter side, in pixels, a cover is scaled down to for the covert method (a photo not larger than that is
     * unfit for it); 0 uses covers as they are. Scaling a JPEG photo down removes the 8x8 block grid its compression
     * left, which would otherwise give spatial embedding away (docs/security.md).
     */
    public int covertCoverSide() {
        String v = required(COVERT_COVER_SIDE).trim();
        int side;
        try {
            side = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid(COVERT_COVER_SIDE, "is not a whole number");
        }
        if (side != 0 && side < 64) {
            throw invalid(COVERT_COVER_SIDE, "must be 0 (covers as they are) or at least 64");
        }
        return side;
    }

    private double budget(String key) {
        String v = required(key);
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, "is not a number");
        }
        if (!(d > 0 && d <= 1)) {
            throw invalid(key, "must be in (0, 1]");
        }
        return d;
    }

    /** How the embedder encodes neural stego images ({@value #STEGO_FORMAT}, {@value #STEGO_JPEG_QUALITY}). */
    public StegoFormat stegoFormat() {
        int quality = positiveInt(STEGO_JPEG_QUALITY);
        if (quality > 100) {
            throw invalid(STEGO_JPEG_QUALITY, "must be 1..100");
        }
        try {
            return StegoFormat.parse(required(STEGO_FORMAT), quality);
        } catch (IllegalArgumentException e) {
            throw invalid(STEGO_FORMAT, "is not png or jpeg");
        }
    }

    /**
     * The model version the embedder embeds with when an X-ray names none ({@code embed.model.version}); empty when it
     * follows the promoted version.
     */
    public Optional<String> embedModelVersion() {
        String v = get(EMBED_MODEL_VERSION);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /** How the embedder refines the network's stego images ({@link Refinement#OFF} unless steps are set). */
    public Refinement refinement() {
        String v = required(EMBED_REFINE_STEPS).trim();
        int steps;
        try {
            steps = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid(EMBED_REFINE_STEPS, "is not a whole number");
        }
        if (steps < 0 || steps > Refinement.MAX_STEPS) {
            throw invalid(EMBED_REFINE_STEPS, "must be 0.." + Refinement.MAX_STEPS);
        }
        return Refinement.OFF.withSteps(steps);
    }

    /** How the models run images larger than a tile: tile size and memory budget per pass, checked. */
    public Tiling tiling() {
        int tile = positiveInt(TILE_SIZE);
        if (tile < Tiling.MIN_TILE_SIZE) {
            throw invalid(TILE_SIZE, "must be at least " + Tiling.MIN_TILE_SIZE + " px");
        }
        return new Tiling(tile, positiveInt(MEMORY_BUDGET_MB));
    }

    /** Whether the extractor accepts stego events without a signature (never by default). */
    public boolean allowUnsigned() {
        return bool(ALLOW_UNSIGNED);
    }

    /** Whether dead letters carry a SHA-256 and the size of the original value instead of its bytes. */
    public boolean deadLettersRedact() {
        return bool(DEAD_LETTERS_REDACT);
    }

    private boolean bool(String key) {
        String v = required(key).trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw invalid(key, "is not true or false");
        }
        return Boolean.parseBoolean(v);
    }

    /** The directory the extractor also writes {@code <messageId>.png} files into, if configured. */
    public Optional<Path> recoveredDir() {
        String v = get(RECOVERED_DIR);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(Path.of(v));
    }

    /** What the extractor writes into {@link #recoveredDir()}: PNG, DICOM or both ({@value #OUTPUT_FORMAT}). */
    public OutputFormat outputFormat() {
        try {
            return OutputFormat.parse(required(OUTPUT_FORMAT));
        } catch (IllegalArgumentException e) {
            throw invalid(OUTPUT_FORMAT, "is not png, dicom or both");
        }
    }

    /** Batch sizes, linger, the image size limit and the large-image lane (images larger than a tile), checked. */
    public BatchSettings batchSettings() {
        try {
            return new BatchSettings(
                    BatchSettings.parseSizes(required(BATCH_SIZES)),
                    batchLinger(),
                    maxImageSide(),
                    deadLettersRedact(),
                    tiling().tileSize(),
                    maxMessageBytes());
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("config ")) {
                throw e;
            }
            throw invalid(BATCH_SIZES, e.getMessage());
        }
    }

    /** The {@value #KAFKA_PREFIX} keys without their prefix, for Kafka clients and Kafka Streams. */
    public Map<String, String> kafkaOverrides() {
        Map<String, String> out = new TreeMap<>();
        entries.forEach((k, e) -> {
            if (k.startsWith(KAFKA_PREFIX) && k.length() > KAFKA_PREFIX.length()) {
                out.put(k.substring(KAFKA_PREFIX.length()), e.value());
            }
        });
        return out;
    }

    private String required(String key) {
        String v = get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("config " + key + " is not set (set it in the config file, as "
                    + ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_') + ", or with the matching option)");
        }
        return v;
    }

    private int positiveInt(String key) {
        long v = positiveLong(key);
        if (v > Integer.MAX_VALUE) {
            throw invalid(key, "is too large");
        }
        return (int) v;
    }

    private long positiveLong(String key) {
        String v = required(key);
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, "is not a whole number");
        }
        if (n <= 0) {
            throw invalid(key, "must be positive");
        }
        return n;
    }

    private IllegalArgumentException invalid(String key, String problem) {
        return new IllegalArgumentException(
                "config " + key + "='" + get(key) + "' (from " + sourceOf(key) + ") " + problem);
    }

    @Override
    public String toString() {
        // values of kafka.* keys may be secrets (SASL passwords): show their names only
        StringBuilder sb = new StringBuilder("StegoConfig{");
        entries.forEach((k, e) -> sb.append(k)
                .append('=')
                .append(k.startsWith(KAFKA_PREFIX) || k.equals(SCHEMA_REGISTRY_USER_INFO) ? "***" : e.value())
                .append(", "));
        return sb.append('}').toString();
    }
}
