package org.stegoehealth.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T08:00:00Z"));
    private final Sessions sessions = new Sessions(clock, Duration.ofMinutes(15), Duration.ofHours(10));

    @Test
    void sessionUsedWithinTheIdleTimeLivesAndOneLeftIdleEnds() {
        String token = sessions.start("dr.smith").token();
        clock.advance(Duration.ofMinutes(14));
        assertEquals("dr.smith", sessions.touch(token).orElseThrow().user());
        clock.advance(Duration.ofMinutes(14));
        assertTrue(sessions.touch(token).isPresent());
        clock.advance(Duration.ofMinutes(16));
        assertTrue(sessions.touch(token).isEmpty());
    }

    @Test
    void sessionEndsAtItsMaximumAgeEvenWhenUsedAndAtSignOut() {
        String token = sessions.start("nurse").token();
        for (int i = 0; i < 61; i++) {
            clock.advance(Duration.ofMinutes(10));
            sessions.touch(token);
        }
        assertTrue(sessions.touch(token).isEmpty(), "10 hours after sign-in");
        String other = sessions.start("nurse").token();
        sessions.end(other);
        assertTrue(sessions.touch(other).isEmpty());
        assertTrue(sessions.touch("made-up").isEmpty());
        assertTrue(sessions.touch(null).isEmpty());
    }
}
