package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.HttpSchemaRegistryClient;
import org.stegoehealth.schemas.SchemaRegistryClient;
import org.stegoehealth.schemas.Topics;

/**
 * What a command builds from its configuration: the registry client, the topic catalog bound to it, and the model
 * to embed or extract with. The options themselves are {@link CommonOptions}.
 */
public final class Wiring {

    private Wiring() {}

    /** The HTTP registry client the configuration names. */
    public static SchemaRegistryClient registry(StegoConfig config) {
        return config.schemaRegistryUserInfo()
                .map(user -> new HttpSchemaRegistryClient(config.schemaRegistryUrl(), user))
                .orElseGet(() -> new HttpSchemaRegistryClient(config.schemaRegistryUrl()));
    }

    /** Loads the configured model (or the bundled default) and logs which one. */
    public static HidingModel model(StegoConfig config, Logger log) {
        Path dir = config.modelPathOrDefault();
        StegoModel model =
                ModelArtifact.load(dir).toModel().refining(config.refinement()).tiled(config.tiling());
        log.info(
                "loaded model {} ({}-channel secrets, {}) from {}",
                model.version(),
                model.secretChannels(),
                model.refinement().describe(),
                dir);
        return model;
    }

    /** The topic catalog for this configuration, with serdes bound to the HTTP registry. */
    public static Topics topics(StegoConfig config) {
        return new Topics(config.topicPrefix(), registry(config), config.topicPartitions());
    }
}
