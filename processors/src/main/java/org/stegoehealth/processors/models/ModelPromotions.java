package org.stegoehealth.processors.models;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.ModelStatus;

/**
 * The checks before a promotion, shared by {@code stego models promote} and the hospital console: the version is
 * published, verified, without conflicting weights and not retired. Each refusal is one line naming what to do.
 */
public final class ModelPromotions {

    private ModelPromotions() {}

    /** The published {@code version} in {@code registry}, or a clear error naming the command that lists them. */
    public static ModelRegistry.Version published(ModelRegistry registry, String version) {
        ModelRegistry.Version v = registry.version(version)
                .orElseThrow(() -> new IllegalArgumentException("model " + version
                        + " has not been published, or its event was refused (stego models list shows what has)"));
        Set<String> others = registry.conflicts().getOrDefault(version, Set.of());
        if (!others.isEmpty()) {
            throw new IllegalArgumentException("model " + version + ": conflict: published with other weights"
                    + " too (first sha256 " + v.metadata().weightsSha256() + ", then " + String.join(", ", others)
                    + "); refusing to use it: publish a changed model as a new version");
        }
        return v;
    }

    /** The published {@code version}, checked as above and not retired: one that may be promoted. */
    public static ModelRegistry.Version promotable(ModelRegistry registry, String version) {
        ModelRegistry.Version v = published(registry, version);
        if (v.status() == ModelStatus.RETIRED) {
            throw new IllegalArgumentException("model " + version + " is retired; publish a new version");
        }
        return v;
    }

    /**
     * The version a roll back returns to: the one live before the current promotion (the latest earlier promotion of
     * another version), if any.
     */
    public static Optional<String> previous(ModelRegistry registry) {
        Optional<ModelPromotionEvent> live = registry.promotion();
        if (live.isEmpty()) {
            return Optional.empty();
        }
        List<ModelPromotionEvent> history = registry.promotionHistory();
        for (int i = history.size() - 1; i >= 0; i--) {
            ModelPromotionEvent p = history.get(i);
            if (p.getPromotedAt().isBefore(live.get().getPromotedAt())
                    && !p.getVersion().equals(live.get().getVersion())) {
                return Optional.of(p.getVersion());
            }
        }
        return Optional.empty();
    }
}
