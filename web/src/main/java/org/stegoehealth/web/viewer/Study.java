package org.stegoehealth.web.viewer;

import java.time.Instant;
import org.stegoehealth.processors.HidingMethod;

/**
 * One received study as the worklist shows it: a recovered X-ray (with its PNG) or a stego image the extractor
 * refused (with the error type and reason of its dead letter, and never any pixels).
 *
 * @param id the worklist's id: the message id of a recovered X-ray, {@code failed-PARTITION-OFFSET} for a refusal
 * @param messageId the stego message id (for a refusal, the dead letter's key: unchecked, it may be forged)
 * @param studyRef the hospital's study reference, opened with the clinic's key; null when unknown (refusals)
 * @param method {@code neural} or {@code sealed}; null for a refusal
 * @param png where the recovered X-ray's PNG, as the extractor wrote it, is read from; null for a refusal
 */
public record Study(
        String id,
        String messageId,
        String studyRef,
        Instant receivedAt,
        String method,
        String modelVersion,
        int width,
        int height,
        int channels,
        int bitDepth,
        String errorType,
        String reason,
        PngSource png) {

    /** Reads a recovered X-ray's PNG when a page needs it (the worklist keeps no pixels). */
    @FunctionalInterface
    public interface PngSource {
        byte[] bytes();
    }

    public static Study recovered(
            String messageId,
            String studyRef,
            Instant recoveredAt,
            String method,
            String modelVersion,
            int width,
            int height,
            int channels,
            int bitDepth,
            PngSource png) {
        return new Study(
                messageId,
                messageId,
                studyRef,
                recoveredAt,
                method,
                modelVersion,
                width,
                height,
                channels,
                bitDepth,
                null,
                null,
                png);
    }

    public static Study failed(
            int partition, long offset, String messageId, Instant failedAt, String errorType, String reason) {
        return new Study(
                "failed-" + partition + "-" + offset,
                messageId,
                null,
                failedAt,
                null,
                null,
                0,
                0,
                0,
                0,
                errorType,
                reason,
                null);
    }

    public boolean isFailed() {
        return errorType != null;
    }

    /** Whether the X-ray came back bit for bit: a keyed method (sealed or covert), not the lossy network. */
    public boolean isSealed() {
        return method != null && HidingMethod.parse(method).keyed();
    }

    /** What the worklist's status column says: {@code recovered}, or {@code failed: TYPE}. */
    public String status() {
        return isFailed() ? "failed: " + errorType : "recovered";
    }
}
