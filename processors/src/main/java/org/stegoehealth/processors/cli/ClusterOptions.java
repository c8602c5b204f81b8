package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.stegoehealth.processors.StegoConfig;
import picocli.CommandLine.Option;

/**
 * The config file and topic prefix every Kafka-facing command takes, and how its options become a configuration. The
 * cluster and registry options come from the subclass: {@link CommonOptions} for a command that runs against a
 * cluster, or the local-stack options of a command that starts its own stack unless given one.
 */
public abstract class ClusterOptions {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Properties file (keys as in StegoConfig; kafka.* keys go to the Kafka clients).")
    Path config;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description = "Prefix of every topic name (default: none).")
    String topicPrefix;

    /** {@code --bootstrap-servers}, or null when not given. */
    protected abstract String bootstrapServers();

    /** {@code --schema-registry-url}, or null when not given. */
    protected abstract String schemaRegistryUrl();

    /** The configuration with these options, and a command's own {@code extra} overrides (null values ignored). */
    public StegoConfig load(Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>();
        putIfSet(overrides, StegoConfig.BOOTSTRAP_SERVERS, bootstrapServers());
        putIfSet(overrides, StegoConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        putIfSet(overrides, StegoConfig.TOPIC_PREFIX, topicPrefix);
        extra.forEach((k, v) -> putIfSet(overrides, k, v));
        return StegoConfig.load(config, overrides);
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
