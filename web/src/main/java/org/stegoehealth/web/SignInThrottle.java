package org.stegoehealth.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@value #MAX_FAILURES} wrong passwords for one user name from one address within
 * {@link #WINDOW}, further sign-ins of that name from that address are refused unchecked until the oldest failure
 * leaves the window. Other addresses (the real user at another desk) are not locked out.
 */
final class SignInThrottle {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private record Key(String user, String address) {}

    private final Map<Key, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Whether {@code user} from {@code address} may try a password now. */
    boolean allowed(String user, String address) {
        Deque<Instant> f = failures.get(new Key(user, address));
        if (f == null) {
            return true;
        }
        synchronized (f) {
            Instant since = clock.instant().minus(WINDOW);
            while (!f.isEmpty() && f.peekFirst().isBefore(since)) {
                f.pollFirst();
            }
            return f.size() < MAX_FAILURES;
        }
    }

    void failed(String user, String address) {
        Deque<Instant> f = failures.computeIfAbsent(new Key(user, address), k -> new ArrayDeque<>());
        synchronized (f) {
            f.addLast(clock.instant());
            while (f.size() > MAX_FAILURES) {
                f.pollFirst();
            }
        }
    }

    void succeeded(String user, String address) {
        failures.remove(new Key(user, address));
    }
}
