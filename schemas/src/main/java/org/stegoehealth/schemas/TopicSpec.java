package org.stegoehealth.schemas;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name, serdes and the settings it is created with.
 *
 * @param retentionMs -1 keeps records forever
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
                              String cleanupPolicy, long retentionMs) {

    /** Topic-level configs for {@code Admin.createTopics}. */
    public Map<String, String> configs() {
        return Map.of("cleanup.policy", cleanupPolicy, "retention.ms", Long.toString(retentionMs));
    }
}
