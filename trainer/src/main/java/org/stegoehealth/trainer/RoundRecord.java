package org.stegoehealth.trainer;

import java.time.Instant;

/**
 * One finished round of the periodic trainer, with its figures and the gate's decision.
 *
 * @param candidateVersion the version the round published
 * @param base             held-out PSNRs of the promoted version the round started from
 * @param candidate        held-out PSNRs of the candidate, on the same pairs
 */
public record RoundRecord(
        String roundId,
        String baseVersion,
        String candidateVersion,
        int steps,
        int trainingXrays,
        int heldOutImages,
        HeldOut.Psnr base,
        HeldOut.Psnr candidate,
        boolean promoted,
        String reason,
        Instant startedAt,
        Instant finishedAt) {}
