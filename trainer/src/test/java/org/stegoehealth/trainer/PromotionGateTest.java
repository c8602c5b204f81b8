package org.stegoehealth.trainer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PromotionGateTest {

    private static final HeldOut.Psnr PROMOTED = new HeldOut.Psnr(35.0, 33.0);

    @Test
    void decide_candidateBetterOnOneSideAndNotWorseOnTheOther_isPromoted() {
        PromotionGate.Decision d = PromotionGate.DEFAULT.decide(PROMOTED, new HeldOut.Psnr(34.85, 33.4));
        assertTrue(d.promote(), d.reason());
        assertTrue(d.reason().contains("+0.40"), d.reason());
    }

    @Test
    void decide_candidateWorseByMoreThanTheTolerance_isNotPromotedEvenIfTheOtherSideGains() {
        PromotionGate.Decision d = PromotionGate.DEFAULT.decide(PROMOTED, new HeldOut.Psnr(34.7, 35.0));
        assertFalse(d.promote());
        assertTrue(d.reason().contains("worse by more than 0.20 dB"), d.reason());
    }

    @Test
    void decide_candidateNoBetterThanTheMinimumGain_isNotPromoted() {
        PromotionGate.Decision d = PromotionGate.DEFAULT.decide(PROMOTED, new HeldOut.Psnr(35.05, 33.05));
        assertFalse(d.promote());
        assertTrue(d.reason().contains("neither side is better by 0.10 dB"), d.reason());
    }

    @Test
    void decide_thresholdsAreConfigurable() {
        PromotionGate strict = new PromotionGate(0.0, 0.5);
        assertFalse(strict.decide(PROMOTED, new HeldOut.Psnr(34.99, 34.0)).promote());
        assertTrue(strict.decide(PROMOTED, new HeldOut.Psnr(35.0, 33.5)).promote());
        assertFalse(PromotionGate.DEFAULT
                .decide(PROMOTED, new HeldOut.Psnr(Double.NaN, 40))
                .promote());
        assertThrows(IllegalArgumentException.class, () -> new PromotionGate(-1, 0.1));
    }
}
