package org.stegoehealth.stack.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.stack.LocalApp;

/**
 * One embedder or extractor instance of a pipeline, run as its own {@code stego} JVM ({@link LocalApp}) with its own
 * folder, properties file ({@code --config}), metrics port and keyring: the hospital's for the embedder, the clinic's
 * for the extractor. Instances of one application share its application id, so they form one consumer group.
 */
public final class PipelineInstance {

    public static final String EMBEDDER = "embedder";
    public static final String EXTRACTOR = "extractor";

    private final String name;
    private final String role;
    private final Path config;
    private final Path dir;
    private final int metricsPort;
    // set by one thread, read by another that watches the instance
    private volatile LocalApp process;

    /**
     * An instance whose properties file is already written; {@link #write} writes one.
     *
     * @param role {@link #EMBEDDER} or {@link #EXTRACTOR}: the command it runs
     */
    public PipelineInstance(String name, String role, Path config, Path dir, int metricsPort) {
        this.name = name;
        this.role = role;
        this.config = config;
        this.dir = dir;
        this.metricsPort = metricsPort;
    }

    /**
     * Creates the instance's folder {@code dir} and writes its owner-only properties file {@code <dir>/<name>.properties}:
     * the stack's servers, registry, topics and application ids from {@code config}, a state directory under
     * {@code dir}, its keyring, the clinic it seals to (embedder), a free metrics port, then {@code extra}, then the
     * {@code kafka.*} settings of {@code config} (on a secure stack, the application's Kafka user and password).
     *
     * @param comment the file's first line
     */
    public static PipelineInstance write(
            String name,
            String role,
            Path dir,
            StegoConfig config,
            PipelineKeys keys,
            Map<String, String> extra,
            String comment)
            throws IOException {
        if (!role.equals(EMBEDDER) && !role.equals(EXTRACTOR)) {
            throw new IllegalArgumentException(
                    "an instance is an " + EMBEDDER + " or an " + EXTRACTOR + ", not " + role);
        }
        Files.createDirectories(dir);
        int port = LocalApp.freePort();
        Properties p = new Properties();
        p.setProperty(StegoConfig.BOOTSTRAP_SERVERS, config.bootstrapServers());
        p.setProperty(StegoConfig.SCHEMA_REGISTRY_URL, config.schemaRegistryUrl());
        p.setProperty(StegoConfig.TOPIC_PREFIX, config.topicPrefix());
        p.setProperty(StegoConfig.TOPIC_PARTITIONS, Integer.toString(config.topicPartitions()));
        p.setProperty(StegoConfig.EMBEDDER_APPLICATION_ID, config.embedderApplicationId());
        p.setProperty(StegoConfig.EXTRACTOR_APPLICATION_ID, config.extractorApplicationId());
        p.setProperty(StegoConfig.STATE_DIR, dir.resolve("state").toString());
        boolean embedder = role.equals(EMBEDDER);
        p.setProperty(
                StegoConfig.KEYRING_DIR,
                (embedder ? keys.hospital() : keys.clinic()).dir().toString());
        if (embedder) {
            p.setProperty(StegoConfig.CLINIC_ID, keys.clinic().name());
        }
        p.setProperty(StegoConfig.METRICS_PORT, Integer.toString(port));
        extra.forEach(p::setProperty);
        config.kafkaOverrides().forEach((k, v) -> p.setProperty(StegoConfig.KAFKA_PREFIX + k, v));
        Path file = dir.resolve(name + ".properties");
        LocalApp.writeConfig(file, p, comment);
        return new PipelineInstance(name, role, file, dir, port);
    }

    /**
     * Starts (or, after a stop or a kill, starts again) {@code stego <role> --config <file>}, its log in
     * {@code <dir>/<name>.log}; does not wait for it to be ready.
     *
     * @param computeThreads native compute threads of its model (0: the library's default)
     */
    public LocalApp start(Path home, int computeThreads) {
        process = LocalApp.start(role, config, dir, dir.resolve(name + ".log"), home, computeThreads);
        return process;
    }

    /** Whether its {@code /health/ready} endpoint answers 200 now (false while it does not listen yet). */
    public boolean ready() {
        return LocalApp.ready(metricsPort);
    }

    /** Its name, e.g. {@code embedder-2}. */
    public String name() {
        return name;
    }

    /** {@link #EMBEDDER} or {@link #EXTRACTOR}. */
    public String role() {
        return role;
    }

    /** Its properties file ({@code --config}). */
    public Path config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    public int metricsPort() {
        return metricsPort;
    }

    /** The process last started, or null before the first {@link #start}. */
    public LocalApp process() {
        return process;
    }
}
