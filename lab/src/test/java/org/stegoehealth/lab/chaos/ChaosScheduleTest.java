package org.stegoehealth.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.stegoehealth.lab.chaos.ChaosSchedule.Action;
import org.stegoehealth.lab.chaos.ChaosSchedule.Event;

/** The order of kills and additions a chaos run follows. */
class ChaosScheduleTest {

    @Test
    void oneInstanceEach_keepsTheApplicationsNames_andAddsNothing() {
        ChaosSchedule s = ChaosSchedule.of(2, 1, 1, 1, new Random(1));
        assertEquals(List.of("embedder", "extractor"), s.initial());
        assertEquals(5, s.events().size());
        assertEquals(2, count(s, Action.KILL, "embedder"));
        assertEquals(2, count(s, Action.KILL, "extractor"));
        assertEquals(1, count(s, Action.MIRROR_KILL, "mirror"));
        assertTrue(s.events().stream().noneMatch(e -> e.action() == Action.ADD));
    }

    @Test
    void severalInstances_startAllButTheLast_andAddTheLastMidStream() {
        for (long seed = 0; seed < 50; seed++) {
            ChaosSchedule s = ChaosSchedule.of(2, 3, 2, 2, new Random(seed));
            assertEquals(List.of("embedder-1", "embedder-2", "extractor-1"), s.initial());
            assertEquals(
                    List.of("embedder-3", "extractor-2"),
                    s.events().stream()
                            .filter(e -> e.action() == Action.ADD)
                            .map(Event::instance)
                            .sorted()
                            .toList());
            // 2 kills of each application, 2 of the mirror, 2 additions
            assertEquals(8, s.events().size());
            assertEquals(
                    List.of("embedder-1", "embedder-2", "extractor-1", "embedder-3", "extractor-2")
                            .size(),
                    s.allInstances().size());
        }
    }

    @Test
    void aKill_alwaysHitsAnInstanceOfItsApplicationThatRunsAtThatPoint() {
        for (long seed = 0; seed < 200; seed++) {
            ChaosSchedule s = ChaosSchedule.of(4, 3, 2, 0, new Random(seed));
            Set<String> running = new HashSet<>(s.initial());
            int embedderKills = 0;
            int extractorKills = 0;
            for (Event e : s.events()) {
                if (e.action() == Action.ADD) {
                    assertTrue(running.add(e.instance()), "added twice: " + e);
                } else {
                    assertTrue(running.contains(e.instance()), "seed " + seed + ": " + e + " is not running yet");
                    if (ChaosSchedule.roleOf(e.instance()).equals(ChaosRun.EMBEDDER)) {
                        embedderKills++;
                    } else {
                        extractorKills++;
                    }
                }
            }
            assertEquals(4, embedderKills);
            assertEquals(4, extractorKills);
        }
    }

    @Test
    void theSameSeed_givesTheSameSchedule() {
        assertEquals(ChaosSchedule.of(3, 3, 2, 2, new Random(9)), ChaosSchedule.of(3, 3, 2, 2, new Random(9)));
    }

    @Test
    void instanceNames_mapBackToTheirApplication() {
        assertEquals(List.of("extractor-1", "extractor-2"), ChaosSchedule.instances(ChaosRun.EXTRACTOR, 2));
        assertEquals("extractor", ChaosSchedule.roleOf("extractor-2"));
        assertEquals("embedder", ChaosSchedule.roleOf("embedder"));
    }

    private static long count(ChaosSchedule s, Action action, String instance) {
        return s.events().stream()
                .filter(e -> e.action() == action && e.instance().equals(instance))
                .count();
    }

    @Test
    void oneInstanceEach_drawsNothingBeyondTheShuffle_soASeedRepeatsItsRun() {
        List<String> roles =
                new java.util.ArrayList<>(List.of("embedder", "extractor", "embedder", "extractor", "mirror"));
        Random expected = new Random(9);
        java.util.Collections.shuffle(roles, expected);
        Random random = new Random(9);
        ChaosSchedule s = ChaosSchedule.of(2, 1, 1, 1, random);
        assertEquals(roles, s.events().stream().map(Event::instance).toList());
        // the kill moments that follow draw from the same point of the sequence
        assertEquals(expected.nextLong(), random.nextLong());
    }
}
