package org.stegoehealth.ops.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.ops.topics.TopicAdmin;
import org.stegoehealth.ops.topics.TopicAdminException;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.HttpSchemaRegistryClient;
import org.stegoehealth.schemas.Topics;

/**
 * A Kafka broker and a schema registry, both real, both local: what the system needs to run end to end on one
 * machine without Docker.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(Path.of("target/local-stack"))) {
 *     Topics topics = new Topics("", stack.schemaRegistryClient(), 3);
 *     stack.createTopics(topics);
 *     // clients use stack.bootstrapServers() and stack.schemaRegistryUrl()
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final short REPLICAS = 1;

    private LocalKafka kafka;
    private LocalRegistry registry;
    private final HttpSchemaRegistryClient registryClient;

    private LocalStack(LocalKafka kafka, LocalRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
        this.registryClient = new HttpSchemaRegistryClient(registry.ccompatUrl());
    }

    /**
     * Starts the registry and the broker side by side, with the broker's data in {@code workDir/kafka} and the
     * registry's log in {@code workDir/registry}, and returns once both answer.
     */
    public static LocalStack start(Path workDir) {
        return start(workDir, LocalKafka.DEFAULT_START_TIMEOUT);
    }

    /** As {@link #start(Path)}, waiting at most {@code timeout} for each of the two. */
    public static LocalStack start(Path workDir, Duration timeout) {
        long started = System.nanoTime();
        LocalRegistry registry = LocalRegistry.launch(workDir.resolve("registry"));
        LocalKafka kafka = null;
        try {
            kafka = LocalKafka.start(workDir.resolve("kafka"), timeout);
            registry.awaitReady(timeout);
        } catch (RuntimeException e) {
            closeQuietly(registry, e);
            if (kafka != null) {
                closeQuietly(kafka, e);
            }
            throw e;
        }
        LOG.info(
                "Local stack ready in {} s: Kafka {}, schema registry {}",
                LocalSupport.seconds(System.nanoTime() - started),
                kafka.bootstrapServers(),
                registry.ccompatUrl());
        return new LocalStack(kafka, registry);
    }

    /** {@code bootstrap.servers} for Kafka clients. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The schema registry's Confluent-compatible API root, for {@link HttpSchemaRegistryClient} and other clients. */
    public String schemaRegistryUrl() {
        return registry.ccompatUrl();
    }

    /** A registry client for this stack's registry, shared (its caches are safe to share). */
    public HttpSchemaRegistryClient schemaRegistryClient() {
        return registryClient;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalRegistry registry() {
        return registry;
    }

    /** Stops the broker (controlled shutdown), as an outage; {@link #startKafka()} brings it back. */
    public void stopKafka() {
        kafka.close();
    }

    /** Starts the stopped broker again on the same address and data, and waits until it answers. */
    public void startKafka() {
        kafka = kafka.startAgain(LocalKafka.DEFAULT_START_TIMEOUT);
    }

    /** Stops the registry, as an outage; {@link #startRegistry()} brings it back. */
    public void stopRegistry() {
        registry.close();
    }

    /** Starts the stopped registry again on the same address, and waits until it answers. */
    public void startRegistry() {
        registry = registry.startAgain(LocalRegistry.DEFAULT_START_TIMEOUT);
    }

    /** Client settings every Kafka client of this stack needs; add serdes, group ids and the like. */
    public Map<String, Object> clientConfig() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /**
     * Creates every topic of the catalog with its partitions and configs and one replica (see {@link TopicAdmin});
     * topics that already exist are left as they are.
     */
    public void createTopics(Topics topics) {
        Properties admin = new Properties();
        admin.putAll(clientConfig());
        try {
            TopicAdmin.create(
                    admin,
                    topics,
                    Optional.of(REPLICAS),
                    StegoConfig.defaultsOnly().maxMessageBytes());
        } catch (TopicAdminException e) {
            throw new LocalStackException(e.getMessage() + "; see " + kafka.logFile(), e);
        }
    }

    /** Stops the broker and the registry and waits for both processes to end. */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            kafka.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            registry.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}
