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
    /**
     * Key of a promotion: the version and the signed time. Each promotion keeps a key of its own, so compaction never
     * drops the latest promotion for an older one sent again: readers keep the one signed last (promotions are rare,
     * so the topic stays small).
     */
    public static String promotionKey(ModelPromotionEvent event) {
        return "promoted@" + event.getVersion() + "@" + event.getPromotedAt().toEpochMilli();
    }

    /**
     * Key of a model event: the version, its weights' SHA-256, its status and its signed time. Compaction keeps the
     * latest event per key, so it can never replace a version's weights with another artifact's, nor drop a
     * retirement for an older event sent again: every signed event a reader needs to refuse a rollback stays.
     */
    public static String modelKey(ModelEvent event) {
        return modelKeyPrefix(event.getVersion(), event.getWeightsSha256()) + "@" + event.getStatus() + "@"
                + event.getPublishedAt().toEpochMilli();
    }

    /** The start of the key of every event of one artifact: its version and its weights' SHA-256. */
    public static String modelKeyPrefix(String version, String weightsSha256) {
        return version + "@" + weightsSha256.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Smallest {@code max.message.bytes} of the model topic: the bundled weights are 1.26 MB and a model twice as
     * wide holds four times the weights, so 16 MB leaves room for larger architectures.
     */
    public static final int MODEL_MESSAGE_BYTES = 16 * 1024 * 1024;

    public final TopicSpec<String, XrayImageEvent> xrays;
    public final TopicSpec<String, CoverImageEvent> covers;
    public final TopicSpec<String, StegoImageEvent> stego;
    public final TopicSpec<String, RecoveredImageEvent> recovered;
    public final TopicSpec<String, DeadLetterEvent> deadLetters;
    public final TopicSpec<String, ModelEvent> models;
    public final TopicSpec<String, ModelPromotionEvent> promotions;
    public final TopicSpec<String, TrainingRoundEvent> trainingRounds;
    public final TopicSpec<String, DeadLetterReplayEvent> deadLetterReplays;
    /** The clinic's audit trail: who viewed or exported which study, when, from where. Append-only, never deleted. */
    public final TopicSpec<String, AuditEvent> audit;
    /**
     * The clinic's signed receipts (a study recovered, a study first reviewed), keyed by message id: the one topic
     * MirrorMaker 2 copies back to the hospital. No pixels, no study reference in clear.
     */
    public final TopicSpec<String, ReceiptEvent> receipts;

    public Topics(String prefix, SchemaRegistryClient registry, int partitions) {
        Serde<String> keys = Serdes.String();
        xrays = new TopicSpec<>(
                prefix + "xray-images",
                keys,
                AvroSerde.forValue(registry, XrayImageEvent.getClassSchema()),
                partitions,
                "delete",
                WEEK_MS);
        covers = new TopicSpec<>(
                prefix + "cover-images",
                keys,
                AvroSerde.forValue(registry, CoverImageEvent.getClassSchema()),
                partitions,
                "compact",
                -1);
        stego = new TopicSpec<>(
                prefix + "stego-images",
                keys,
                AvroSerde.forValue(registry, StegoImageEvent.getClassSchema()),
                partitions,
                "delete",
                WEEK_MS);
        recovered = new TopicSpec<>(
                prefix + "recovered-images",
                keys,
                AvroSerde.forValue(registry, RecoveredImageEvent.getClassSchema()),
                partitions,
                "delete",
                WEEK_MS);
        deadLetters = new TopicSpec<>(
                prefix + "dead-letters",
                keys,
                AvroSerde.forValue(registry, DeadLetterEvent.getClassSchema()),
                partitions,
                "delete",
                4 * WEEK_MS);
        // model topics: one partition, so every consumer sees versions and promotions in the order they were made
        models = new TopicSpec<>(
                prefix + "models",
                keys,
                AvroSerde.forValue(registry, ModelEvent.getClassSchema()),
                1,
                "compact",
                -1,
                MODEL_MESSAGE_BYTES);
        promotions = new TopicSpec<>(
                prefix + "model-promotions",
                keys,
                AvroSerde.forValue(registry, ModelPromotionEvent.getClassSchema()),
                1,
                "compact",
                -1);
        trainingRounds = new TopicSpec<>(
                prefix + "training-rounds",
                keys,
                AvroSerde.forValue(registry, TrainingRoundEvent.getClassSchema()),
                1,
                "compact",
                -1);
        deadLetterReplays = new TopicSpec<>(
                prefix + "dead-letter-replays",
                keys,
                AvroSerde.forValue(registry, DeadLetterReplayEvent.getClassSchema()),
                1,
                "compact",
                -1);
        // one partition: the trail reads in the order it was written; delete policy with no retention limit keeps
        // every event (nothing is compacted away or expired)
        audit = new TopicSpec<>(
                prefix + "audit", keys, AvroSerde.forValue(registry, AuditEvent.getClassSchema()), 1, "delete", -1);
        // kept as long as the stego images they acknowledge, and a little longer
        receipts = new TopicSpec<>(
                prefix + "receipts",
                keys,
                AvroSerde.forValue(registry, ReceiptEvent.getClassSchema()),
                partitions,
                "delete",
                4 * WEEK_MS);
    }

    /** Every topic: what one cluster shared by the hospital and the clinic holds. */
    public List<TopicSpec<?, ?>> all() {
        return List.of(
                xrays,
                covers,
                stego,
                recovered,
                deadLetters,
                models,
                promotions,
                trainingRounds,
                deadLetterReplays,
                audit,
                receipts);
    }

    /**
     * The only topics that cross from the hospital's cluster to a clinic's (MirrorMaker 2): the stego images and the
     * model versions with their promotions, which the extractor needs to resolve the version each image names.
     */
    public List<TopicSpec<?, ?>> crossing() {
        return List.of(stego, models, promotions);
    }

    /**
     * The only topic that crosses back, from a clinic's cluster to the hospital's: the clinic's signed receipts, which
     * hold no pixels.
     */
    public List<TopicSpec<?, ?>> crossingBack() {
        return List.of(receipts);
    }

    /**
     * The hospital's cluster when the clinic has its own: everything but the clinic's recovered images, with the
     * hospital console's audit trail and the receipts copied back from the clinic.
     */
    public List<TopicSpec<?, ?>> hospitalSide() {
        return List.of(
                xrays,
                covers,
                stego,
                deadLetters,
                models,
                promotions,
                trainingRounds,
                deadLetterReplays,
                audit,
                receipts);
    }

    /**
     * A clinic's own cluster: the crossing topics, then the extractor's recovered images and dead letters, and the
     * viewer's audit trail, and the receipts the extractor and the viewer sign.
     */
    public List<TopicSpec<?, ?>> clinicSide() {
        return List.of(stego, models, promotions, recovered, deadLetters, deadLetterReplays, audit, receipts);
    }
}
