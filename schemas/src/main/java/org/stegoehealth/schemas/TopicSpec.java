package org.stegoehealth.schemas;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name, serdes and the settings it is created with.
 *
 * @param retentionMs      -1 keeps records forever
 * @param minMessageBytes  the smallest {@code max.message.bytes} the topic's records need (0: no special need)
 */
public record TopicSpec<K, V>(
        String name,
        Serde<K> keySerde,
        Serde<V> valueSerde,
        int partitions,
        String cleanupPolicy,
        long retentionMs,
        int minMessageBytes) {

    public TopicSpec(
            String name,
            Serde<K> keySerde,
            Serde<V> valueSerde,
            int partitions,
            String cleanupPolicy,
            long retentionMs) {
        this(name, keySerde, valueSerde, partitions, cleanupPolicy, retentionMs, 0);
    }

    /** Topic-level configs for {@code Admin.createTopics}. */
    public Map<String, String> configs() {
        return Map.of("cleanup.policy", cleanupPolicy, "retention.ms", Long.toString(retentionMs));
    }

    /** The {@code max.message.bytes} to create the topic with: the deployment's setting, or more if it needs more. */
    public int maxMessageBytes(int configured) {
        return Math.max(configured, minMessageBytes);
    }
}
