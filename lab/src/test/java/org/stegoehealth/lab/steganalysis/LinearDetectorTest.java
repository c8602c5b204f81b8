package org.stegoehealth.lab.steganalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The minimum total error P_E of detector scores whose answer is known by hand. */
class LinearDetectorTest {

    @Test
    void minimumTotalError_separableScores_isZero() {
        assertEquals(0.0, LinearDetector.minimumTotalError(new double[] {-2, -1, 1, 2}, new int[] {0, 0, 1, 1}), 1e-12);
    }

    @Test
    void minimumTotalError_scoresThatSayNothing_isOneHalf() {
        assertEquals(0.5, LinearDetector.minimumTotalError(new double[] {1, 1, 1, 1}, new int[] {0, 1, 0, 1}), 1e-12);
    }

    @Test
    void minimumTotalError_oneStegoAmongTheCleanScores_isTheBestThreshold() {
        // clean: 0.1 0.2 0.3; stego: 0.25 0.9 1.0. Best threshold between 0.3 and 0.9 misses one stego of three:
        // (0/3 + 1/3) / 2; between 0.2 and 0.25 raises one false alarm of three: (1/3 + 0/3) / 2. Both 1/6.
        double pe = LinearDetector.minimumTotalError(
                new double[] {0.1, 0.2, 0.3, 0.25, 0.9, 1.0}, new int[] {0, 0, 0, 1, 1, 1});
        assertEquals(1.0 / 6, pe, 1e-12);
    }

    @Test
    void minimumTotalError_oneClassOnly_isRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> LinearDetector.minimumTotalError(new double[] {1, 2}, new int[] {1, 1}));
    }
}
