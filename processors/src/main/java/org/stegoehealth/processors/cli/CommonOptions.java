package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
 * Options every Kafka-facing subcommand shares. Options override environment variables, which override the config
 * file (see {@link StegoConfig}).
 */
public final class CommonOptions {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Properties file (keys as in StegoConfig; kafka.* keys go to the Kafka clients).")
    Path config;

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

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description = "Prefix of every topic name (default: none).")
    String topicPrefix;

    /** The configuration with these options, and a command's own {@code extra} overrides (null values ignored). */
    public StegoConfig load(Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>();
        putIfSet(overrides, StegoConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        putIfSet(overrides, StegoConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        putIfSet(overrides, StegoConfig.TOPIC_PREFIX, topicPrefix);
        extra.forEach((k, v) -> putIfSet(overrides, k, v));
        return StegoConfig.load(config, overrides);
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
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
