package org.stegoehealth.processors.models;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelCache;
import org.stegoehealth.model.ModelException;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.ModelStatus;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.Verifier;

/**
 * The model versions one application has seen, and which one is promoted. Fed with model and promotion events (by
 * {@link ModelFeed} from Kafka, or directly in tests); every event is verified first, and a refused one costs one log
 * line and changes nothing, so the versions already held keep serving. Nothing rolls back: per version, and for the
 * promotion, the event with the highest signed timestamp wins and an older one is refused (an old signed event
 * replayed changes nothing), and RETIRED is final (a new version is the way back). Verified artifacts go to a {@link ModelCache}
 * on disk; models are loaded from it lazily, and at most {@code maxLoaded} stay in memory (least recently used out).
 *
 * <p>Thread-safe: one feed writes while stream threads read.
 */
public final class ModelRegistry implements ModelSource {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /** What is known about one version. */
    public record Version(
            String version,
            String parent,
            ModelStatus status,
            String statusReason,
            ModelMetadata metadata,
            String publishedBy,
            Instant publishedAt) {

        /** A held-out figure recorded by training ({@code coverPsnr}, {@code secretPsnr}), or NaN. */
        public double validation(String name) {
            Object v =
                    metadata.validation() == null ? null : metadata.validation().get(name);
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }

    private final ModelCache cache;
    private final Verifier trust;
    private final Keyring keyring;
    private final Function<ModelArtifact, HidingModel> loader;
    private final int maxLoaded;
    private final Map<String, Version> versions = new LinkedHashMap<>();
    private final LinkedHashMap<String, HidingModel> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Set<String>> conflicts = new TreeMap<>();
    private ModelPromotionEvent promotion;
    private final List<ModelPromotionEvent> promotionHistory = new ArrayList<>();
    private int refused;

    /**
     * @param cache     where verified artifacts are kept
     * @param trust     verifies event signatures against the keys trusted to sign model events (the hospital's)
     * @param maxLoaded most models held in memory at once
     */
    public ModelRegistry(ModelCache cache, Verifier trust, int maxLoaded) {
        this(cache, trust, null, maxLoaded, ModelArtifact::toModel);
    }

    /**
     * As above, trusting only {@code hospital}'s signing keys (as {@code keyring} holds them) and opening private
     * models sealed to {@code keyring}'s receiving keys.
     */
    public ModelRegistry(ModelCache cache, Keyring keyring, String hospital, int maxLoaded) {
        this(cache, TransferSecurity.modelSigners(keyring, hospital), keyring, maxLoaded, ModelArtifact::toModel);
    }

    /** As above, with the function that turns a loaded artifact into a model (tests substitute a cheap one). */
    public ModelRegistry(ModelCache cache, Verifier trust, int maxLoaded, Function<ModelArtifact, HidingModel> loader) {
        this(cache, trust, null, maxLoaded, loader);
    }

    /**
     * @param keyring opens private models (null: sealed model events are refused)
     */
    public ModelRegistry(
            ModelCache cache,
            Verifier trust,
            Keyring keyring,
            int maxLoaded,
            Function<ModelArtifact, HidingModel> loader) {
        if (maxLoaded < 1) {
            throw new IllegalArgumentException("at least one model must fit in memory, was " + maxLoaded);
        }
        this.cache = cache;
        this.trust = trust;
        this.keyring = keyring;
        this.maxLoaded = maxLoaded;
        this.loader = loader;
    }

    /**
     * Takes a model event: verifies it, checks it is not older than what is held for its version (nor revives a
     * retired one), installs the artifact in the cache and records its status.
     *
     * @return false (after one log line) when the event was refused; true also for a copy of the event held
     */
    public boolean accept(String key, ModelEvent event) {
        ModelArtifact.Bytes files;
        try {
            files = ModelEvents.verify(key, event, trust, keyring);
        } catch (ModelEventRefusedException e) {
            return refuse(e.getMessage());
        }
        String version = event.getVersion();
        Version held = version(version).orElse(null);
        if (held != null) {
            if (!held.metadata().weightsSha256().equalsIgnoreCase(event.getWeightsSha256())) {
                // versions are immutable: the first artifact received keeps the version, the other is a conflict
                synchronized (this) {
                    conflicts.computeIfAbsent(version, v -> new TreeSet<>()).add(event.getWeightsSha256());
                }
                LOG.warn(
                        "model {}: conflict: published again with other weights (sha256 {}, first {}); keeping the"
                                + " first, a changed model needs a new version",
                        version,
                        event.getWeightsSha256(),
                        held.metadata().weightsSha256());
                return false;
            }
            int order = event.getPublishedAt().compareTo(held.publishedAt());
            if (order == 0 && event.getStatus() == held.status()) {
                return true; // the event already held, delivered again
            }
            // a tie goes to the retirement, so every reader ends with the same status whatever the order
            boolean tieWon = order == 0 && event.getStatus() == ModelStatus.RETIRED;
            if (order < 0 || (order == 0 && !tieWon)) {
                return refuse("model " + version + ": an event signed at " + event.getPublishedAt() + " ("
                        + event.getStatus() + ") is not newer than the one held, signed at " + held.publishedAt() + " ("
                        + held.status() + "); old events never roll a version back");
            }
            if (held.status() == ModelStatus.RETIRED && event.getStatus() != ModelStatus.RETIRED) {
                return refuse("model " + version + " was retired at " + held.publishedAt() + "; an event making it "
                        + event.getStatus() + " again is refused (retirement is final: publish a new version)");
            }
        }
        ModelMetadata metadata;
        try {
            cache.install(version, files);
            metadata = ModelArtifact.parseMetadata(files.metadataJson(), "model " + version);
        } catch (ModelException e) {
            return refuse(e.getMessage());
        }
        record(version, held, event, metadata);
        return true;
    }

    private synchronized void record(String version, Version held, ModelEvent event, ModelMetadata metadata) {
        versions.put(
                version,
                new Version(
                        version,
                        event.getParent(),
                        event.getStatus(),
                        event.getStatusReason(),
                        metadata,
                        event.getPublishedBy(),
                        event.getPublishedAt()));
        if (held == null) {
            LOG.info(
                    "model {} received ({}{})",
                    version,
                    event.getStatus(),
                    event.getParent() == null ? "" : ", fine-tuned from " + event.getParent());
        } else if (held.status() != event.getStatus()) {
            LOG.info(
                    "model {} is now {}{}",
                    version,
                    event.getStatus(),
                    event.getStatusReason() == null ? "" : " (" + event.getStatusReason() + ")");
        }
    }

    /**
     * Takes a promotion: verified and signed later than the promotion held, it replaces it (the highest signed
     * timestamp wins, whatever order events arrive in). A promotion of a version not yet received is kept and takes
     * effect when the version arrives.
     *
     * @return false (after one log line) when the event was refused; true also for a copy of the promotion held
     */
    public boolean accept(ModelPromotionEvent event) {
        try {
            ModelEvents.verify(event, trust);
        } catch (ModelEventRefusedException e) {
            return refuse(e.getMessage());
        }
        return promote(event);
    }

    private synchronized boolean promote(ModelPromotionEvent event) {
        remember(event);
        if (promotion != null) {
            int order = event.getPromotedAt().compareTo(promotion.getPromotedAt());
            if (order == 0 && event.getVersion().equals(promotion.getVersion())) {
                return true; // the promotion already held, delivered again
            }
            // a tie goes to the greater version name, so every reader ends with the same promotion
            boolean tieWon = order == 0 && event.getVersion().compareTo(promotion.getVersion()) > 0;
            if (order < 0 || (order == 0 && !tieWon)) {
                return refuse("promotion of " + event.getVersion() + " signed at " + event.getPromotedAt()
                        + " is not newer than the promotion held (" + promotion.getVersion() + ", signed at "
                        + promotion.getPromotedAt() + "); old promotions never roll back");
            }
        }
        promotion = event;
        LOG.info("model {} promoted by {}: {}", event.getVersion(), event.getPromotedBy(), event.getReason());
        return true;
    }

    /** Keeps a verified promotion in the history, once, in signed-time order (an older one still counts there). */
    private void remember(ModelPromotionEvent event) {
        boolean known = promotionHistory.stream()
                .anyMatch(p -> p.getPromotedAt().equals(event.getPromotedAt())
                        && p.getVersion().equals(event.getVersion()));
        if (!known) {
            promotionHistory.add(event);
            promotionHistory.sort(Comparator.comparing(ModelPromotionEvent::getPromotedAt)
                    .thenComparing(ModelPromotionEvent::getVersion));
        }
    }

    private boolean refuse(String reason) {
        synchronized (this) {
            refused++;
        }
        LOG.warn("refused model event: {}; keeping the versions already held", reason);
        return false;
    }

    /**
     * The versions published more than once with different weights, each with the checksums that came after the
     * first (which the version keeps).
     */
    public synchronized Map<String, Set<String>> conflicts() {
        Map<String, Set<String>> copy = new TreeMap<>();
        conflicts.forEach((v, shas) -> copy.put(v, Set.copyOf(shas)));
        return copy;
    }

    /** Events refused so far. */
    public synchronized int refusedCount() {
        return refused;
    }

    public synchronized Optional<Version> version(String version) {
        return Optional.ofNullable(versions.get(version));
    }

    /** Every version received, oldest publication first. */
    public synchronized List<Version> versions() {
        List<Version> all = new ArrayList<>(versions.values());
        all.sort(Comparator.comparing(Version::publishedAt).thenComparing(Version::version));
        return all;
    }

    /**
     * Every verified promotion read so far, oldest signed first: which version was live from when, who promoted it and
     * why (the promotion topic keeps each promotion under a key of its own).
     */
    public synchronized List<ModelPromotionEvent> promotionHistory() {
        return List.copyOf(promotionHistory);
    }

    /** The latest verified promotion, whether or not its version has arrived. */
    public synchronized Optional<ModelPromotionEvent> promotion() {
        return Optional.ofNullable(promotion);
    }

    /** The version new embedding must use: the promoted one, once it has arrived and while it is not retired. */
    public synchronized Optional<String> promotedVersion() {
        if (promotion == null) {
            return Optional.empty();
        }
        Version v = versions.get(promotion.getVersion());
        return v == null || v.status() == ModelStatus.RETIRED ? Optional.empty() : Optional.of(v.version());
    }

    /** The promoted version's model, once it has arrived and while it is not retired. */
    @Override
    public synchronized Optional<HidingModel> current() {
        return promotedVersion().map(this::model);
    }

    @Override
    public boolean followsPublications() {
        return true;
    }

    /** Whether the version has arrived (retired versions included: images made with them still extract). */
    @Override
    public synchronized boolean has(String version) {
        return versions.containsKey(version);
    }

    /** Whether the version has arrived and is not retired: new images may be embedded with it. */
    @Override
    public synchronized boolean embeddable(String version) {
        Version v = versions.get(version);
        return v != null && v.status() != ModelStatus.RETIRED;
    }

    /**
     * The model of a received version, loaded from the cache on first use; the least recently used model leaves
     * memory when more than {@code maxLoaded} are held.
     *
     * @throws ModelException when the version has not arrived or its cached files no longer verify
     */
    @Override
    public synchronized HidingModel model(String version) {
        HidingModel model = loaded.get(version);
        if (model != null) {
            return model;
        }
        if (!versions.containsKey(version)) {
            throw new ModelException("model " + version + " has not been received");
        }
        long started = System.nanoTime();
        model = loader.apply(cache.load(version));
        loaded.put(version, model);
        while (loaded.size() > maxLoaded) {
            String eldest = loaded.keySet().iterator().next();
            loaded.remove(eldest);
            LOG.info("model {} unloaded (least recently used; {} models at most in memory)", eldest, maxLoaded);
        }
        LOG.info("model {} loaded in {} ms", version, (System.nanoTime() - started) / 1_000_000);
        return model;
    }

    /** The verified artifact directory of a received version. */
    public Path artifactDir(String version) {
        if (!has(version)) {
            throw new ModelException("model " + version + " has not been received");
        }
        return cache.dir().resolve(version);
    }

    /** Versions currently in memory, least recently used first. */
    public synchronized List<String> loadedVersions() {
        return List.copyOf(loaded.keySet());
    }
}
