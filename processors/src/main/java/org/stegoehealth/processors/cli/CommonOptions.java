package org.stegoehealth.processors.cli;

import org.stegoehealth.processors.StegoConfig;
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
}
