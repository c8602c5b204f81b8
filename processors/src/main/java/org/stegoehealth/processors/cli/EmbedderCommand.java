package org.stegoehealth.processors.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.stegoehealth.processors.EmbeddingTopology;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StegoFormat;
import org.stegoehealth.processors.TransferSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stego embedder}: the hospital-side Kafka Streams application. */
@Command(
        name = "embedder",
        mixinStandardHelpOptions = true,
        description = {
            "Hide every X-ray published on the X-ray topic in a cover photo and publish the stego image, signed with this hospital's keyring; study references travel only encrypted to the clinic.",
            "Embeds with the promoted model version and switches at the next batch when another is promoted (stego models promote); --model-version VERSION embeds with another published version instead, and an X-ray may name its own (stego produce-xrays --model-version); --model DIR pins one model.",
            "Neural stego images go out as lossless PNG, or with stego.format=jpeg as baseline JPEG with 4:2:0 chroma subsampling at stego.jpeg.quality (90); sealed and covert ones always as PNG, and a sealed or covert default method refuses jpeg."
        })
public final class EmbedderCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    StreamsAppOptions app;

    @Option(
            names = "--hiding-method",
            paramLabel = "METHOD",
            description = "Default method: neural (the model) or sealed (lossless, encrypted to the clinic); an X-ray "
                    + "may ask for its own (or STEGO_HIDING_METHOD; default: neural).")
    String hidingMethod;

    @Option(
            names = "--model-version",
            paramLabel = "VERSION",
            description = "Published model version to embed X-rays that name none with, instead of the promoted one "
                    + "(or STEGO_EMBED_MODEL_VERSION; default: the promoted version).")
    String modelVersion;

    @Option(
            names = "--clinic",
            paramLabel = "NAME",
            description = "Keyring name of the clinic to seal to, whose public keys this keyring imported "
                    + "(or STEGO_CLINIC_ID).")
    String clinic;

    StegoConfig config() {
        Map<String, String> extra = app.overrides(StegoConfig.EMBEDDER_APPLICATION_ID);
        extra.put(StegoConfig.HIDING_METHOD, hidingMethod);
        extra.put(StegoConfig.CLINIC_ID, clinic);
        extra.put(StegoConfig.EMBED_MODEL_VERSION, modelVersion);
        return common.load(extra);
    }

    @Override
    public Integer call() {
        StegoConfig config = config();
        // keys first: a missing keyring or clinic is reported before the model is loaded
        TransferSecurity security =
                TransferSecurity.from(config, TransferSecurity.Site.HOSPITAL).checkedForEmbedder();
        // and the stego format: JPEG with a keyed default method is refused before anything connects
        StegoFormat format = config.stegoFormat().checkFor(security.defaultMethod());
        return StreamsRunner.run(
                "embedder",
                config,
                security,
                config.embedderApplicationId(),
                (topics, models) -> EmbeddingTopology.build(
                        topics,
                        models,
                        config.batchSettings(),
                        security,
                        format,
                        config.embedModelVersion().orElse(null)));
    }
}
