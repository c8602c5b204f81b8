package org.stegoehealth.processors.cli;

import java.util.concurrent.Callable;
import org.stegoehealth.processors.EmbeddingTopology;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.TransferSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stego embedder}: the hospital-side Kafka Streams application. */
@Command(name = "embedder", mixinStandardHelpOptions = true,
        description = {"Hide every X-ray published on the X-ray topic in a cover photo and publish the stego image.",
                "Embeds with the promoted model version and switches at the next batch when another is promoted",
                "(stego models promote); --model DIR pins one model instead."})
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
                (topics, models) -> EmbeddingTopology.build(topics, models, config.batchSettings(),
                        TransferSecurity.from(config)));
    }
}
