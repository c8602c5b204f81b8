package org.stegoehealth.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.cli.CommandErrors;

/** Options that cannot make a chaos run are refused at once, with one line naming the option; nothing starts. */
class ChaosCommandTest {

    private static void assertRefused(String expected, String... args) {
        StringWriter err = new StringWriter();
        int code = CommandErrors.execute(new ChaosCommand(), new PrintWriter(err, true), args);
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains(expected), err.toString());
    }

    @Test
    void zeroCount_isRefused() {
        assertRefused("--count must be at least 1, was 0", "--count", "0");
    }

    @Test
    void tinyOrHugeSize_isRefused() {
        assertRefused("--size must be 8 to 4096 px, was 4", "--size", "4");
        assertRefused("--size must be 8 to 4096 px, was 5000", "--size", "5000");
    }

    @Test
    void negativeKills_isRefused() {
        assertRefused("--kills must be 0 or more, was -1", "-k", "-1");
    }

    @Test
    void negativeOrNanDelay_isRefused() {
        assertRefused("--max-delay must be 0 or more, was -1.0", "--max-delay", "-1");
        assertRefused("--max-delay must be 0 or more, was NaN", "--max-delay", "NaN");
    }

    @Test
    void zeroRecoveryTimeout_isRefused() {
        assertRefused("--recovery-timeout must be at least 1 s, was 0", "--recovery-timeout", "0");
    }

    @Test
    void zeroOutage_isRefused() {
        assertRefused("--outage must be at least 1 s, was 0", "--broker-outage", "--outage", "0");
    }

    @Test
    void zeroTimeout_isRefused() {
        assertRefused("--timeout must be at least 1 s", "--timeout", "0");
    }

    @Test
    void externalCluster_isRefused() {
        assertRefused("chaos starts and kills its own local stack", "--bootstrap-servers", "localhost:9092");
    }

    @Test
    void notANumber_isRefused() {
        assertRefused("--kills", "--kills", "ten");
    }
}
