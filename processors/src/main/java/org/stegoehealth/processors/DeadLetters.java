package org.stegoehealth.processors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.schemas.DeadLetterEvent;

/**
 * Builds dead letters, logs each in one line (never the bytes) and counts them ({@value #METRIC} by category). A
 * redacted dead letter ({@code dead.letters.redact=true}) keeps the SHA-256 and the size of the original value instead
 * of its bytes: ops still see what failed, where (source topic, partition, offset) and why, but no image.
 */
public final class DeadLetters {

    /** Counter of dead letters, tagged {@code application} and {@code reason} (the {@link ErrorType}). */
    public static final String METRIC = "stego.dead.letters";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {}

    /**
     * The key of a dead letter: the application that set it aside and its source record
     * ({@code application/topic-partition@offset}), so two applications' dead letters for one record stay apart.
     */
    public static String key(String application, String topic, int partition, long offset) {
        return application + "/" + topic + "-" + partition + "@" + offset;
    }

    /** The key of {@code d} ({@link #key(String, String, int, long)}). */
    public static String key(DeadLetterEvent d) {
        return key(d.getApplication(), d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset());
    }

    /** The dead letter for {@code record} with its original bytes. */
    public static DeadLetterEvent of(
            InputRecord record, ErrorType type, String reason, String application, long nowMs) {
        return of(record, type, reason, application, nowMs, false);
    }

    /**
     * The dead letter for {@code record}, to be keyed by {@link #key(DeadLetterEvent)}.
     *
     * @param redact leave the value bytes out, keeping their SHA-256 and size (the key, a message id, stays)
     */
    public static DeadLetterEvent of(
            InputRecord record, ErrorType type, String reason, String application, long nowMs, boolean redact) {
        LOG.warn(
                "dead-lettered {} ({}, {} bytes) in {}: {}",
                record.coordinates(),
                type,
                record.value() == null ? 0 : record.value().length,
                application,
                reason);
        counter(application, type).increment();
        byte[] value = record.value();
        return DeadLetterEvent.newBuilder()
                .setReason(reason)
                .setErrorType(type.name())
                .setApplication(application)
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(value == null || redact ? null : ByteBuffer.wrap(value))
                .setFailedAt(Instant.ofEpochMilli(nowMs))
                .setRedacted(redact)
                .setValueSha256(redact && value != null ? sha256(value) : null)
                .setValueSize(redact && value != null ? (long) value.length : null)
                .build();
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The dead-letter counter of {@code application} for {@code type}, in the global meter registry. */
    public static Counter counter(String application, ErrorType type) {
        return Metrics.counter(METRIC, "application", application, "reason", type.name());
    }
}
