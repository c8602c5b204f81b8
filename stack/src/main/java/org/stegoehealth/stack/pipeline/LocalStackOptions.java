package org.stegoehealth.stack.pipeline;

import org.stegoehealth.processors.cli.ClusterOptions;
import picocli.CommandLine.Option;

/**
 * The cluster options of a command that starts its own local stack ({@code demo}, {@code chaos},
 * {@code bench pipeline}): without them it runs on a stack of its own; with them, on the existing cluster named (see
 * {@link PipelineCluster#open}).
 */
public final class LocalStackOptions extends ClusterOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Run on this existing Kafka cluster instead of starting a local stack.")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            paramLabel = "URL",
            description = "Run with this existing schema registry instead of starting a local one.")
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
