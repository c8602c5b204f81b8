package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.processors.ExtractionTopology;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stego extractor}: the clinic-side Kafka Streams application. */
@Command(name = "extractor", mixinStandardHelpOptions = true,
        description = "Recover the X-ray from every stego image and publish it (optionally also as PNG files).")
public final class ExtractorCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ExtractorCommand.class);

    @Mixin
    CommonOptions common;

    @Option(names = "--model", paramLabel = "DIR", description = "Model artifact directory (or STEGO_MODEL_PATH; default: the bundled "
            + "default model); must be the version the embedder used.")
    Path model;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Also write <messageId>.png here for a viewer "
            + "(or STEGO_RECOVERED_DIR).")
    Path outputDir;

    @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application id (default: stego-extractor).")
    String applicationId;

    StegoConfig config() {
        Map<String, String> extra = new HashMap<>();
        extra.put(StegoConfig.MODEL_PATH, model == null ? null : model.toString());
        extra.put(StegoConfig.RECOVERED_DIR, outputDir == null ? null : outputDir.toString());
        extra.put(StegoConfig.EXTRACTOR_APPLICATION_ID, applicationId);
        return common.load(extra);
    }

    @Override
    public Integer call() {
        StegoConfig config = config();
        HidingModel hiding = CommonOptions.model(config, LOG);
        Topics topics = CommonOptions.topics(config);
        var topology = ExtractionTopology.build(topics, hiding, config.batchSettings(), config.recoveredDir().orElse(null));
        return StreamsRunner.run("extractor", topology, StreamsConfigs.base(config, config.extractorApplicationId()));
    }
}
