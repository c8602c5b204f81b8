package org.stegoehealth.errors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptionChecksTest {

    @Test
    void atLeast_acceptsTheMinimumAndAbove_andRefusesBelowNamingOptionMinimumAndValue() {
        assertDoesNotThrow(() -> OptionChecks.atLeast("--batch", 1, 1));
        assertDoesNotThrow(() -> OptionChecks.atLeast("--batch", Long.MAX_VALUE, 1));

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> OptionChecks.atLeast("--batch", 0, 1));
        assertEquals("--batch must be at least 1, was 0", e.getMessage());
        assertEquals(
                "--limit must be at least 0, was -3",
                assertThrows(IllegalArgumentException.class, () -> OptionChecks.atLeast("--limit", -3, 0))
                        .getMessage());
    }

    @Test
    void positive_acceptsNumbersAboveZero_andRefusesZeroNegativeNanAndInfinity() {
        assertDoesNotThrow(() -> OptionChecks.positive("--seconds", 0.001));
        assertDoesNotThrow(() -> OptionChecks.positive("--seconds", 3));
        for (double bad : new double[] {0, -0.0, -3, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> OptionChecks.positive("--seconds", bad));
            assertEquals("--seconds must be a positive number, was " + bad, e.getMessage());
        }
    }

    @Test
    void notNegative_acceptsZeroAndAbove_andRefusesNegativeNanAndInfinity() {
        assertDoesNotThrow(() -> OptionChecks.notNegative("--warmup", 0));
        assertDoesNotThrow(() -> OptionChecks.notNegative("--warmup", 2.5));
        for (double bad : new double[] {-1e-9, -3, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> OptionChecks.notNegative("--warmup", bad));
            assertEquals("--warmup must be 0 or a positive number, was " + bad, e.getMessage());
        }
    }

    @Test
    void fraction_acceptsZeroUpToButNotOne_andRefusesTheRest() {
        assertDoesNotThrow(() -> OptionChecks.fraction("--validation", 0));
        assertDoesNotThrow(() -> OptionChecks.fraction("--validation", 0.999));
        for (double bad : new double[] {1, 1.5, -0.1, Double.NaN}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> OptionChecks.fraction("--validation", bad));
            assertEquals("--validation must be at least 0 and below 1, was " + bad, e.getMessage());
        }
    }
}
