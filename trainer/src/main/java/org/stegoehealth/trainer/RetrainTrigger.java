package org.stegoehealth.trainer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/** When the periodic trainer starts its next round. */
public interface RetrainTrigger {

    /** Whether a round is due now. */
    boolean due();

    /** Called when a round starts, so the trigger measures from there. */
    void roundStarted();

    /** What the trigger waits for, for progress lines. */
    String describe();

    /** Every {@code interval}, measured from the start of the previous round (the first one an interval from now). */
    static RetrainTrigger every(Duration interval, Clock clock) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the retraining interval must be positive, was " + interval);
        }
        return new RetrainTrigger() {
            private Instant next = clock.instant().plus(interval);

            @Override
            public boolean due() {
                return !clock.instant().isBefore(next);
            }

            @Override
            public void roundStarted() {
                next = clock.instant().plus(interval);
            }

            @Override
            public String describe() {
                return "next round at " + next;
            }
        };
    }

    /**
     * After {@code count} new X-rays: {@code seen} returns how many X-rays have arrived in all (e.g. the X-ray topic's
     * end offsets summed); a round is due once it has grown by {@code count} since the previous round.
     */
    static RetrainTrigger afterNewXrays(long count, LongSupplier seen) {
        if (count < 1) {
            throw new IllegalArgumentException("the number of new X-rays must be positive, was " + count);
        }
        return new RetrainTrigger() {
            private long base = seen.getAsLong();
            private long last = base;

            @Override
            public boolean due() {
                last = seen.getAsLong();
                return last - base >= count;
            }

            @Override
            public void roundStarted() {
                base = last;
            }

            @Override
            public String describe() {
                return (last - base) + " of " + count + " new X-rays";
            }
        };
    }
}
