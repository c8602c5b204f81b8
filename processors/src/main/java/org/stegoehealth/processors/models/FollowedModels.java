package org.stegoehealth.processors.models;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.ModelCache;
import org.stegoehealth.model.Refinement;
import org.stegoehealth.model.Tiling;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Keyring;

/**
 * A registry that follows the model topics for as long as it is open: read up to date at start, then kept current
 * by a {@link ModelFeed}, verified with this party's keyring, cached in {@code model.cache.dir}. Only the
 * hospital's signatures are accepted on model and promotion events ({@link TransferSecurity#modelSigners}).
 */
public final class FollowedModels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FollowedModels.class);
    private static final Duration CATCH_UP = Duration.ofMinutes(2);

    private final ModelRegistry registry;
    private final ModelFeed feed;

    private FollowedModels(ModelRegistry registry, ModelFeed feed) {
        this.registry = registry;
        this.feed = feed;
    }

    /**
     * Reads the model topics up to date and keeps following them, verified with the keyring at keyring.dir, the
     * hospital resolved for {@code site} ({@link TransferSecurity#hospitalOf}).
     */
    public static FollowedModels start(StegoConfig config, Topics topics, TransferSecurity.Site site, String clientId) {
        Keyring keyring = Keyring.open(config.keyringDir());
        return start(config, topics, keyring, TransferSecurity.hospitalOf(keyring, config, site), clientId);
    }

    /** As above, verified with {@code keyring}, accepting only {@code hospital}'s model and promotion events. */
    public static FollowedModels start(
            StegoConfig config, Topics topics, Keyring keyring, String hospital, String clientId) {
        Refinement refinement = config.refinement();
        Tiling tiling = config.tiling();
        ModelRegistry registry = new ModelRegistry(
                new ModelCache(config.modelCacheDir()),
                TransferSecurity.modelSigners(keyring, hospital),
                keyring,
                config.modelsLoadedMax(),
                artifact -> artifact.toModel().refining(refinement).tiled(tiling));
        ModelFeed feed = new ModelFeed(StreamsConfigs.readCommittedConsumer(config, clientId), topics, registry);
        try {
            feed.start(CATCH_UP);
        } catch (RuntimeException e) {
            feed.close();
            throw e;
        }
        LOG.info(
                "following {} and {}: {} version(s), promoted {}; embedding {}",
                topics.models.name(),
                topics.promotions.name(),
                registry.versions().size(),
                registry.promotedVersion().orElse("none yet"),
                refinement.describe());
        return new FollowedModels(registry, feed);
    }

    public ModelRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        feed.close();
    }
}
