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
import picocli.CommandLine.Option;

/**
 * Options every Kafka-facing subcommand shares: the config file, the cluster and registry (default: localhost), and the
 * topic prefix. Options override environment variables, which override the config file (see {@link StegoConfig}).
 */
public final class CommonOptions extends ClusterOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: localhost:9092, or STEGO_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            paramLabel = "URL",
            description = "Schema registry base URL (default: http://localhost:8081, or STEGO_SCHEMA_REGISTRY_URL).")
    String schemaRegistryUrl;

    @Override
    protected String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    protected String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** The HTTP registry client the configuration names. */
    public static SchemaRegistryClient registry(StegoConfig config) {
        return config.schemaRegistryUserInfo()
                .map(user -> new HttpSchemaRegistryClient(config.schemaRegistryUrl(), user))
                .orElseGet(() -> new HttpSchemaRegistryClient(config.schemaRegistryUrl()));
    }

    /** The topic catalog for this configuration, with serdes bound to the HTTP registry. */
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

    public static Topics topics(StegoConfig config) {
        return new Topics(config.topicPrefix(), registry(config), config.topicPartitions());
    }
}
