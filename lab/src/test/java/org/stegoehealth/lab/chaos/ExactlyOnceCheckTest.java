package org.stegoehealth.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exactly-once verdict on synthetic counts, as a read_committed consumer would have counted them. */
class ExactlyOnceCheckTest {

    @Test
    void everyIdOnce_noDeadLetter_passes() {
        ExactlyOnceCheck c = ExactlyOnceCheck.of(List.of("a", "b", "c"), Map.of("a", 1, "b", 1, "c", 1), List.of());

        assertTrue(c.passed());
        assertEquals(3, c.exactlyOnce());
        assertEquals(
                "3 of 3 recovered exactly once; 0 lost, 0 duplicated, 0 unexpected, 0 dead letter(s)", c.summary());
    }

    @Test
    void missingId_isLost() {
        ExactlyOnceCheck c = ExactlyOnceCheck.of(List.of("a", "b"), Map.of("a", 1), List.of());

        assertFalse(c.passed());
        assertEquals(Set.of("b"), c.lost());
        assertEquals(1, c.exactlyOnce());
        assertTrue(c.summary().contains("1 lost") && c.summary().endsWith("lost: b"), c.summary());
    }

    @Test
    void idRecoveredTwice_isDuplicated_withItsCount() {
        ExactlyOnceCheck c = ExactlyOnceCheck.of(List.of("a", "b"), Map.of("a", 1, "b", 3), List.of());

        assertFalse(c.passed());
        assertEquals(Map.of("b", 3), c.duplicated());
        assertEquals(1, c.exactlyOnce());
    }

    @Test
    void recoveredIdNeverSent_isUnexpected() {
        ExactlyOnceCheck c = ExactlyOnceCheck.of(List.of("a"), Map.of("a", 1, "z", 1), List.of());

        assertFalse(c.passed());
        assertEquals(Set.of("z"), c.unexpected());
        assertEquals(1, c.exactlyOnce());
    }

    @Test
    void anyDeadLetter_fails_evenWhenEveryIdCameOut() {
        ExactlyOnceCheck c =
                ExactlyOnceCheck.of(List.of("a"), Map.of("a", 1), Arrays.asList("a (embedder, DECODE: bad)", null));

        assertFalse(c.passed());
        assertEquals(List.of("a (embedder, DECODE: bad)", "(no key)"), c.deadLetters());
        assertTrue(c.summary().contains("2 dead letter(s)"), c.summary());
    }

    @Test
    void idSentTwice_countsOnce() {
        ExactlyOnceCheck c = ExactlyOnceCheck.of(List.of("a", "a"), Map.of("a", 1), List.of());

        assertTrue(c.passed());
        assertEquals(1, c.sent());
    }

    @Test
    void manyOffenders_areCutShort() {
        ExactlyOnceCheck c = ExactlyOnceCheck.of(List.of("a", "b", "c", "d", "e"), Map.of(), List.of());

        assertEquals(5, c.lost().size());
        assertTrue(c.summary().endsWith("lost: a, b, c, ..."), c.summary());
    }
}
