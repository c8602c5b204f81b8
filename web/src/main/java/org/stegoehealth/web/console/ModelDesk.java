package org.stegoehealth.web.console;

import java.util.Optional;
import org.stegoehealth.processors.models.ModelPromotions;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.schemas.ModelPromotionEvent;

/**
 * The console's view of the model topics and its one way to change them: a {@link ModelRegistry} kept current by a
 * feed (as the applications read it), and promotions checked exactly as {@code stego models promote} checks them
 * ({@link ModelPromotions}) before a signed promotion event records who, when and why.
 */
public final class ModelDesk {

    /** Sends one signed promotion event ({@code ModelPublisher#promote} with {@code by} as the promoter). */
    @FunctionalInterface
    public interface Promoter {
        ModelPromotionEvent promote(String version, String reason, String by);
    }

    private final ModelRegistry registry;
    private final Promoter promoter;

    public ModelDesk(ModelRegistry registry, Promoter promoter) {
        this.registry = registry;
        this.promoter = promoter;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** The version a roll back would return to, if there is one. */
    public Optional<String> rollBackTarget() {
        return ModelPromotions.previous(registry);
    }

    /**
     * Promotes {@code version} with {@code reason} as {@code by}; the event is also handed to the registry, so the page
     * that follows shows it live without waiting for the feed (which then reads the same event and keeps one).
     */
    public ModelPromotionEvent promote(String version, String reason, String by) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            throw new IllegalArgumentException("give a reason: it is recorded on the promotion event");
        }
        ModelPromotions.promotable(registry, version);
        ModelPromotionEvent event = promoter.promote(version, why, by);
        registry.accept(event);
        return event;
    }

    /** Promotes the version live before the current one again, with {@code reason} recorded as a roll back. */
    public ModelPromotionEvent rollBack(String reason, String by) {
        String target = rollBackTarget()
                .orElseThrow(() -> new IllegalArgumentException("no earlier promotion of another version to roll back"
                        + " to (the promotion history shows each one)"));
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            throw new IllegalArgumentException("give a reason: it is recorded on the promotion event");
        }
        return promote(target, "roll back: " + why, by);
    }
}
