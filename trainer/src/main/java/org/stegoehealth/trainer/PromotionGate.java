package org.stegoehealth.trainer;

import java.util.Locale;

/**
 * Decides whether a retrained candidate replaces the promoted version, from both versions' PSNRs on the same held-out
 * pairs: neither side may be worse than the promoted version's by more than {@code maxWorseDb}, and at least one side
 * must be better by {@code minBetterDb} or more.
 */
public record PromotionGate(double maxWorseDb, double minBetterDb) {

    /** The default gate: neither side worse by more than 0.2 dB, one side better by at least 0.1 dB. */
    public static final PromotionGate DEFAULT = new PromotionGate(0.2, 0.1);

    /** The gate's answer and why, in words that name the figures and thresholds. */
    public record Decision(boolean promote, String reason) {}

    public PromotionGate {
        if (!(maxWorseDb >= 0) || !(minBetterDb >= 0)) {
            throw new IllegalArgumentException(
                    "gate thresholds must be non-negative dB, were " + maxWorseDb + " and " + minBetterDb);
        }
    }

    public Decision decide(HeldOut.Psnr promoted, HeldOut.Psnr candidate) {
        double cover = candidate.cover() - promoted.cover();
        double secret = candidate.secret() - promoted.secret();
        String figures = String.format(
                Locale.ROOT,
                "cover %.2f -> %.2f dB (%+.2f), secret %.2f -> %.2f dB (%+.2f)",
                promoted.cover(),
                candidate.cover(),
                cover,
                promoted.secret(),
                candidate.secret(),
                secret);
        if (Double.isNaN(cover) || Double.isNaN(secret)) {
            return new Decision(false, "not promoted: a figure is missing (" + figures + ")");
        }
        if (cover < -maxWorseDb || secret < -maxWorseDb) {
            return new Decision(
                    false,
                    String.format(
                            Locale.ROOT,
                            "not promoted: %s; a side is worse by more than" + " %.2f dB",
                            figures,
                            maxWorseDb));
        }
        if (cover < minBetterDb && secret < minBetterDb) {
            return new Decision(
                    false,
                    String.format(
                            Locale.ROOT,
                            "not promoted: %s; neither side is better by" + " %.2f dB",
                            figures,
                            minBetterDb));
        }
        return new Decision(
                true,
                String.format(
                        Locale.ROOT,
                        "promoted: %s (gate: none worse by > %.2f dB, one better" + " by >= %.2f dB)",
                        figures,
                        maxWorseDb,
                        minBetterDb));
    }
}
