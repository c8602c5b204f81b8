package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.processors.EmbeddingTopology;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stego embedder}: the hospital-side Kafka Streams application. */
@Command(name = "embedder", mixinStandardHelpOptions = true,
        description = "Hide every X-ray published on the X-ray topic in a cover photo and publish the stego image.")
public final class EmbedderCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedderCommand.class);

    @Mixin
    CommonOptions common;

    @Option(names = "--model", paramLabel = "DIR", description = "Model artifact directory (or STEGO_MODEL_PATH; default: the bundled default model).")
    Path model;

    @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application id (default: stego-embedder).")
    String applicationId;

    StegoConfig config() {
        Map<String, String> extra = new HashMap<>();
        extra.put(StegoConfig.MODEL_PATH, model == null ? null : model.toString());
        extra.put(StegoConfig.EMBEDDER_APPLICATION_ID, applicationId);
        return common.load(extra);
    }

    @Override
    public Integer call() {
        StegoConfig config = config();
        HidingModel hiding = CommonOptions.model(config, LOG);
        Topics topics = CommonOptions.topics(config);
        var topology = EmbeddingTopology.build(topics, hiding, config.batchSettings());
        return StreamsRunner.run("embedder", topology, StreamsConfigs.base(config, config.embedderApplicationId()));
    }
}
