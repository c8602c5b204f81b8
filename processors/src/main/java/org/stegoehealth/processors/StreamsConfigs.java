package org.stegoehealth.processors;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/** The one Kafka Streams configuration factory of the project. */
public final class StreamsConfigs {

    private StreamsConfigs() {}

    /**
     * Streams settings for application {@code applicationId}: exactly-once (v2) processing, the configured state
     * directory, commit interval and thread count, byte-array default serdes (the topologies name their serdes),
     * record size limits raised for images, a transaction timeout sized for long punctuations, a 10 s session
     * timeout and, with {@code instance.id}, static membership (a killed instance is replaced or rejoins within
     * seconds), and finally every {@code kafka.*} pass-through setting, which wins.
     */
    public static Properties base(StegoConfig config, String applicationId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(config.commitIntervalMs()));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.streamThreads()));
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        String maxBytes = Integer.toString(config.maxMessageBytes());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxBytes);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), producerBuffer(config));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), maxBytes);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), maxBytes);
        // the batch buffer's changelog holds whole X-ray records
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), maxBytes);
        // a batch of large images can take a while on a CPU; keep the member in the group meanwhile
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), "900000");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "50");
        // one punctuation can run several large batches in one transaction: far beyond the 10 s default
        p.put(
                StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                Long.toString(config.transactionTimeoutMs()));
        // a killed member is noticed in 10 s instead of 45 s (unprefixed, so kafka.session.timeout.ms still wins)
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        config.instanceId().ifPresent(id -> p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /**
     * The producer's send buffer: the client's default 32 MiB, or twice the largest record where that is more. A
     * record larger than the buffer is refused however large {@code max.request.size} is (a 4,096 px stego image
     * of a photograph is about 42 MB as PNG).
     */
    private static String producerBuffer(StegoConfig config) {
        return Long.toString(Math.max(32L * 1024 * 1024, 2L * config.maxMessageBytes()));
    }

    /** Settings for a plain idempotent producer (acks=all) with the same limits and pass-through settings. */
    public static Properties producer(StegoConfig config, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(config.maxMessageBytes()));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, producerBuffer(config));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /**
     * Settings for a {@code read_committed} consumer that sees only what exactly-once applications committed, with
     * the same fetch limits and pass-through settings. Offsets are not committed: each reader starts from the earliest.
     */
    public static Properties readCommittedConsumer(StegoConfig config, String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        String maxBytes = Integer.toString(config.maxMessageBytes());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxBytes);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, maxBytes);
        p.putAll(config.kafkaOverrides());
        return p;
    }

    /** Settings for an admin client (topic management) with the pass-through settings (TLS, SASL). */
    public static Properties admin(StegoConfig config) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.putAll(config.kafkaOverrides());
        return p;
    }
}
