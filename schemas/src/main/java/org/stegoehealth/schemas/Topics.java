package org.stegoehealth.schemas;

import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalog: every topic of the system, in one place. Names carry an optional prefix so several
 * deployments (or tests) can share a cluster.
 */
public final class Topics {

    public static final long WEEK_MS = 7L * 24 * 3600 * 1000;

    public final TopicSpec<String, XrayImageEvent> xrays;
    public final TopicSpec<String, CoverImageEvent> covers;
    public final TopicSpec<String, StegoImageEvent> stego;
    public final TopicSpec<String, RecoveredImageEvent> recovered;
    public final TopicSpec<String, DeadLetterEvent> deadLetters;

    public Topics(String prefix, SchemaRegistryClient registry, int partitions) {
        Serde<String> keys = Serdes.String();
        xrays = new TopicSpec<>(prefix + "xray-images", keys,
                AvroSerde.forValue(registry, XrayImageEvent.getClassSchema()), partitions, "delete", WEEK_MS);
        covers = new TopicSpec<>(prefix + "cover-images", keys,
                AvroSerde.forValue(registry, CoverImageEvent.getClassSchema()), partitions, "compact", -1);
        stego = new TopicSpec<>(prefix + "stego-images", keys,
                AvroSerde.forValue(registry, StegoImageEvent.getClassSchema()), partitions, "delete", WEEK_MS);
        recovered = new TopicSpec<>(prefix + "recovered-images", keys,
                AvroSerde.forValue(registry, RecoveredImageEvent.getClassSchema()), partitions, "delete", WEEK_MS);
        deadLetters = new TopicSpec<>(prefix + "dead-letters", keys,
                AvroSerde.forValue(registry, DeadLetterEvent.getClassSchema()), partitions, "delete", 4 * WEEK_MS);
    }

    public List<TopicSpec<?, ?>> all() {
        return List.of(xrays, covers, stego, recovered, deadLetters);
    }
}
