package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.schemas.DeadLetterEvent;

/** Builds dead letters and logs each in one line (never the bytes). */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /** The dead letter for {@code record}, keyed by its coordinates ({@code topic-partition@offset}). */
    public static DeadLetterEvent of(InputRecord record, ErrorType type, String reason, String application, long nowMs) {
        LOG.warn("dead-lettered {} ({}, {} bytes) in {}: {}", record.coordinates(), type,
                record.value() == null ? 0 : record.value().length, application, reason);
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
}
