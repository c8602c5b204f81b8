package org.stegoehealth.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.cli.CliRun;

/** Bench options out of range are refused while the command line is read: no model is loaded, nothing measured. */
class BenchCommandTest {

    private static void assertRefused(String expected, String... args) {
        CliRun run = CliRun.run(new BenchCommand(), args);
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().startsWith("error: " + expected), run.toString());
        assertEquals("", run.out(), run.toString());
        assertEquals(1, run.err().lines().count(), run.toString());
    }

    @Test
    void zeroBatches_isRefusedBeforeAnyMeasurement() {
        assertRefused("Invalid value for option '--batches' (N): 0 is not allowed: give 1 or more", "--batches", "0");
        assertRefused("Invalid value for option '--batches' (N): 0 is not allowed", "--batches", "4,0");
    }

    @Test
    void negativeOrZeroSeconds_areRefused() {
        assertRefused(
                "Invalid value for option '--seconds': -3 is not allowed: give a number above 0", "--seconds", "-3");
        assertRefused("Invalid value for option '--seconds': 0 is not allowed", "--seconds", "0");
    }

    @Test
    void zeroSizes_andNegativeRefineSteps_areRefused() {
        assertRefused("Invalid value for option '--sizes' (PX): 0 is not allowed: give 1 or more", "--sizes", "0");
        assertRefused(
                "Invalid value for option '--refine-steps': -1 is not allowed: give 0 or more", "--refine-steps", "-1");
    }
}
