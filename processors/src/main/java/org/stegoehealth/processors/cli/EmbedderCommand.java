package org.stegoehealth.processors.cli;

import java.util.concurrent.Callable;
import org.stegoehealth.processors.EmbeddingTopology;
import org.stegoehealth.processors.StegoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stego embedder}: the hospital-side Kafka Streams application. */
@Command(name = "embedder", mixinStandardHelpOptions = true,
        description = "Hide every X-ray published on the X-ray topic in a cover photo and publish the stego image.")
public final class EmbedderCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    StreamsAppOptions app;

    StegoConfig config() {
        return common.load(app.overrides(StegoConfig.EMBEDDER_APPLICATION_ID));
    }

    @Override
    public Integer call() {
        StegoConfig config = config();
        return StreamsRunner.run("embedder", config, config.embedderApplicationId(),
                (topics, hiding) -> EmbeddingTopology.build(topics, hiding, config.batchSettings()));
    }
}
