package org.stegoehealth.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stegoehealth.stack.pipeline.PipelineOutputs.Arrival;

/** What a chaos run reports after each kill. */
class ChaosRunTest {

    private static final Instant RESTART = Instant.parse("2026-12-07T01:00:00.000Z");
    private static final long RESTART_NANOS = 1_000_000_000_000L;

    private static Arrival arrival(String id, long writtenMsAfterRestart, long readMsAfterRestart) {
        return new Arrival(
                id, RESTART.plusMillis(writtenMsAfterRestart), RESTART_NANOS + readMsAfterRestart * 1_000_000L);
    }

    @Test
    void nextRecord_countsOnlyRecordsWrittenAfterTheRestart_notEarlierOnesReadLate() {
        List<Arrival> own = List.of(
                // committed by the killed process just before the kill, read by the checker after the restart
                arrival("a", -300, 50),
                arrival("b", -1, 120),
                // the restarted process's first output
                arrival("c", 4_200, 4_350),
                arrival("d", 4_100, 4_400));
        assertEquals(4.35, ChaosRun.firstWrittenSince(own, RESTART, RESTART_NANOS), 1e-9);
    }

    @Test
    void nextRecord_isNaN_whenTheApplicationWroteNothingSinceItsRestart() {
        List<Arrival> own = List.of(arrival("a", -5_000, 10), arrival("b", -20, 900));
        assertTrue(Double.isNaN(ChaosRun.firstWrittenSince(own, RESTART, RESTART_NANOS)));
        assertTrue(Double.isNaN(ChaosRun.firstWrittenSince(List.of(), RESTART, RESTART_NANOS)));
    }

    @Test
    void nextRecord_ofTheEmbedder_ignoresTheExtractorsOutput() {
        // the extractor went on recovering X-rays the embedder had made before its kill: those are not the embedder's
        List<Arrival> recovered = List.of(arrival("x", 300, 310), arrival("y", 900, 905));
        List<Arrival> stego = List.of(arrival("x", -2_000, -1_900), arrival("z", 5_000, 5_020));
        assertEquals(0.31, ChaosRun.firstWrittenSince(recovered, RESTART, RESTART_NANOS), 1e-9);
        assertEquals(5.02, ChaosRun.firstWrittenSince(stego, RESTART, RESTART_NANOS), 1e-9);
    }

    @Test
    void theKillTable_showsTheCountTheKillsProgressLineGave_ofTheXraysSent() {
        ChaosRun.Kill kill = new ChaosRun.Kill(3, ChaosRun.EXTRACTOR, 41.26, 4242, 3.4, Double.NaN, 37);
        assertEquals("| 3 | extractor | 41.3 | 4242 | 3.4 | - | 37 of 100 |", ChaosRun.row(kill, 100));
        ChaosRun.Kill outage = new ChaosRun.Kill(4, "broker outage", 60.0, 0, 0.0, 1.04, 52);
        assertEquals("| 4 | broker outage | 60.0 | - | 0.0 | 1.0 | 52 of 100 |", ChaosRun.row(outage, 100));
    }

    @Test
    void theSummary_groupsKillsOfAnyInstanceUnderTheirApplication_andAdditionsApart() {
        assertEquals("embedder", ChaosRun.group(new ChaosRun.Kill(1, "embedder-2", 1, 1, 1, 1, 0)));
        assertEquals("extractor", ChaosRun.group(new ChaosRun.Kill(1, "extractor", 1, 1, 1, 1, 0)));
        assertEquals("embedder added", ChaosRun.group(new ChaosRun.Kill(1, "embedder-3 added", 1, 1, 1, 1, 0)));
        assertEquals("broker outage", ChaosRun.group(new ChaosRun.Kill(1, "broker outage", 1, 0, 0, 1, 0)));
        assertEquals("mirror", ChaosRun.group(new ChaosRun.Kill(1, ChaosRun.MIRROR, 1, 1, 0, 1, 0)));
    }
}
