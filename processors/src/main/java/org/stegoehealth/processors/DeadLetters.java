package org.stegoehealth.processors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.schemas.DeadLetterEvent;

/** Builds dead letters, logs each in one line (never the bytes) and counts them ({@value #METRIC} by category). */
public final class DeadLetters {

    /** Counter of dead letters, tagged {@code application} and {@code reason} (the {@link ErrorType}). */
    public static final String METRIC = "stego.dead.letters";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {}

    /** The dead letter for {@code record}, keyed by its coordinates ({@code topic-partition@offset}). */
    public static DeadLetterEvent of(
            InputRecord record, ErrorType type, String reason, String application, long nowMs) {
        LOG.warn(
                "dead-lettered {} ({}, {} bytes) in {}: {}",
                record.coordinates(),
                type,
                record.value() == null ? 0 : record.value().length,
                application,
                reason);
        counter(application, type).increment();
        return DeadLetterEvent.newBuilder()
                .setReason(reason)
                .setErrorType(type.name())
                .setApplication(application)
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setFailedAt(Instant.ofEpochMilli(nowMs))
                .build();
    }

    /** The dead-letter counter of {@code application} for {@code type}, in the global meter registry. */
    public static Counter counter(String application, ErrorType type) {
        return Metrics.counter(METRIC, "application", application, "reason", type.name());
    }
}
