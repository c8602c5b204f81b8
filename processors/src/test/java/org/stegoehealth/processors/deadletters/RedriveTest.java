package org.stegoehealth.processors.deadletters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.DeadLetterReplayEvent;

/** A redrive re-publishes each dead letter once; a dry run decides the same and publishes nothing. */
class RedriveTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

    /** The source topics and the replays topic, in memory. */
    private static final class Topics implements Redrive.Publisher {
        final List<String> published = new ArrayList<>();
        final List<DeadLetterReplayEvent> marks = new ArrayList<>();

        @Override
        public long publish(String topic, byte[] key, byte[] value) {
            published.add(topic + ":" + new String(value, StandardCharsets.UTF_8));
            return 100 + published.size();
        }

        @Override
        public void recordReplay(DeadLetterReplayEvent mark) {
            marks.add(mark);
        }

        Set<String> replayed() {
            Set<String> keys = new HashSet<>();
            marks.forEach(m -> keys.add(m.getDeadLetterKey()));
            return keys;
        }
    }

    static DeadLetterEvent letter(long offset, String type, boolean redacted) {
        return DeadLetterEvent.newBuilder()
                .setReason("model v9 is unknown")
                .setErrorType(type)
                .setApplication("stego-embedder")
                .setSourceTopic("xrays")
                .setSourcePartition(0)
                .setSourceOffset(offset)
                .setKey(ByteBuffer.wrap(("k" + offset).getBytes(StandardCharsets.UTF_8)))
                .setValue(redacted ? null : ByteBuffer.wrap(("v" + offset).getBytes(StandardCharsets.UTF_8)))
                .setRedacted(redacted)
                .setValueSha256(redacted ? "ab" : null)
                .setValueSize(redacted ? 2L : null)
                .setFailedAt(Instant.parse("2026-12-07T09:00:00Z").plusSeconds(offset))
                .build();
    }

    private static Reverification never() {
        throw new AssertionError("no letter here failed authentication");
    }

    @Test
    void aDryRunPublishesNothingAndCountsWhatARealRunRepublishesOnce() {
        List<DeadLetterEvent> letters = List.of(
                letter(1, "UNKNOWN_MODEL", false),
                letter(2, "UNKNOWN_MODEL", false),
                letter(2, "UNKNOWN_MODEL", false), // the same dead letter read twice
                letter(3, "UNKNOWN_MODEL", true));
        Topics topics = new Topics();

        Redrive.Report dry = Redrive.run(letters, topics.replayed(), RedriveTest::never, topics, "ops", CLOCK, true);
        assertTrue(topics.published.isEmpty() && topics.marks.isEmpty(), "a dry run publishes nothing");
        assertEquals(2, dry.count(Redrive.Result.WOULD_REPUBLISH));
        assertEquals(1, dry.count(Redrive.Result.ALREADY_REPLAYED));
        assertEquals(1, dry.count(Redrive.Result.REDACTED));

        Redrive.Report real = Redrive.run(letters, topics.replayed(), RedriveTest::never, topics, "ops", CLOCK, false);
        assertEquals(2, real.count(Redrive.Result.REPUBLISHED));
        assertEquals(List.of("xrays:v1", "xrays:v2"), topics.published, "each record once");
        assertEquals(2, topics.marks.size());
        DeadLetterReplayEvent mark = topics.marks.get(0);
        assertEquals("stego-embedder/xrays-0@1", mark.getDeadLetterKey());
        assertEquals(101, mark.getNewOffset());
        assertEquals("ops", mark.getReplayedBy());
        assertEquals(CLOCK.instant(), mark.getReplayedAt());
        assertTrue(
                real.outcomes().get(3).note().contains("redacted"),
                real.outcomes().get(3).note());

        Redrive.Report again = Redrive.run(letters, topics.replayed(), RedriveTest::never, topics, "ops", CLOCK, false);
        assertEquals(0, again.count(Redrive.Result.REPUBLISHED));
        assertEquals(3, again.count(Redrive.Result.ALREADY_REPLAYED));
        assertEquals(2, topics.published.size(), "a second redrive re-publishes nothing");
        Redrive.Report dryAgain =
                Redrive.run(letters, topics.replayed(), RedriveTest::never, topics, "ops", CLOCK, true);
        assertEquals(0, dryAgain.count(Redrive.Result.WOULD_REPUBLISH));
    }

    @Test
    void theFilterTakesACategoryAndATime() {
        DeadLetterEvent a = letter(10, "UNKNOWN_MODEL", false);
        assertTrue(Redrive.filter("unknown_model", null).test(a));
        assertTrue(Redrive.filter(null, a.getFailedAt()).test(a));
        assertTrue(!Redrive.filter("DECODE", null).test(a));
        assertTrue(!Redrive.filter(null, a.getFailedAt().plusMillis(1)).test(a));
    }
}
