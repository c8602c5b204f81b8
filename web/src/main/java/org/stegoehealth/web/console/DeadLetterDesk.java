package org.stegoehealth.web.console;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.stegoehealth.processors.deadletters.Redrive;
import org.stegoehealth.processors.deadletters.Reverification;
import org.stegoehealth.schemas.DeadLetterEvent;

/**
 * The console's dead letters: read from the dead-letter and dead-letter-replays topics at each request, and redriven
 * through {@link Redrive}, the same once-only redrive as {@code stego dead-letters replay}.
 */
public final class DeadLetterDesk {

    /** Where dead letters and the record of redrives are read. */
    public interface Source {
        /** Every dead letter, oldest first. */
        List<DeadLetterEvent> letters();

        /** The keys of the dead letters redriven so far. */
        Set<String> replayed();
    }

    private final Source source;
    private final Redrive.Publisher publisher;
    private final Supplier<Reverification> reverification;
    private final Clock clock;

    public DeadLetterDesk(
            Source source, Redrive.Publisher publisher, Supplier<Reverification> reverification, Clock clock) {
        this.source = source;
        this.publisher = publisher;
        this.reverification = reverification;
        this.clock = clock;
    }

    /** The dead letters of category {@code reason} (any, when null) that failed at or after {@code since}. */
    public List<DeadLetterEvent> browse(String reason, Instant since) {
        return source.letters().stream().filter(Redrive.filter(reason, since)).toList();
    }

    public Set<String> replayed() {
        return source.replayed();
    }

    /** The dead letter whose key is {@code key}. */
    public Optional<DeadLetterEvent> find(String key) {
        return source.letters().stream().filter(d -> Redrive.key(d).equals(key)).findFirst();
    }

    /**
     * Redrives the dead letters of category {@code reason} (required, as for {@code stego dead-letters replay}) that
     * failed at or after {@code since}, only the one whose key is {@code key} when given; with {@code dryRun}, decides
     * and publishes nothing.
     */
    public Redrive.Report redrive(String reason, Instant since, String key, String by, boolean dryRun) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("choose the category to redrive (e.g. UNKNOWN_MODEL)");
        }
        List<DeadLetterEvent> letters = browse(reason.strip(), since).stream()
                .filter(d -> key == null || key.isBlank() || Redrive.key(d).equals(key))
                .toList();
        return Redrive.run(letters, source.replayed(), reverification, publisher, by, clock, dryRun);
    }
}
