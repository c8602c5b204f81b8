package org.stegoehealth.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.cli.CliRun;

/** Options that cannot make a chaos run are refused at once, with one line naming the option; nothing starts. */
class ChaosCommandTest {

    private static void assertRefused(String expected, String... args) {
        CliRun run = CliRun.run(new ChaosCommand(), args);
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains(expected), run.toString());
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
        assertRefused("--kills must be 0 or more, was -1", "--kills", "-1");
    }

    @Test
    void negativeMirrorKills_isRefused() {
        assertRefused("--mirror-kills must be 0 or more, was -2", "--mirror-kills", "-2");
    }

    @Test
    void mirrorKillsOnTheSecureStack_isRefused() {
        assertRefused("--mirror-kills needs two clusters and --secure runs one", "--mirror-kills", "1", "--secure");
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
