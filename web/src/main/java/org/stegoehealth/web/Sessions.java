package org.stegoehealth.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in sessions, in memory: a random 256-bit token (the cookie's value) per session. A session ends after
 * {@code idle} without a request, {@code max} after sign-in, or at sign-out; a restart ends them all. Time comes from
 * the {@link Clock} given, so tests move it instead of sleeping.
 */
public final class Sessions {

    /** One session: who, when it began, when it was last used. */
    public record Session(String token, String user, Instant started, Instant lastSeen) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> byToken = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration idle;
    private final Duration max;

    public Sessions(Clock clock, Duration idle, Duration max) {
        this.clock = clock;
        this.idle = idle;
        this.max = max;
    }

    /** A new session for {@code user}. */
    public Session start(String user) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        Session s = new Session(token, user, now, now);
        byToken.put(token, s);
        return s;
    }

    /** The live session of {@code token}, now marked as used; empty if unknown or expired (an expired one is dropped). */
    public Optional<Session> touch(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Optional<Session> live = peek(token);
        live.ifPresent(s -> byToken.replace(token, s, new Session(token, s.user(), s.started(), clock.instant())));
        return live.map(s -> byToken.get(token));
    }

    /** The live session of {@code token}, not marked as used. */
    public Optional<Session> peek(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Session s = byToken.get(token);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isAfter(s.lastSeen().plus(idle)) || now.isAfter(s.started().plus(max))) {
            byToken.remove(token);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Ends the session of {@code token}. */
    public void end(String token) {
        if (token != null) {
            byToken.remove(token);
        }
    }

    public Duration idle() {
        return idle;
    }
}
