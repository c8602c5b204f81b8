package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stegoehealth.processors.ExtractionTopology;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.TransferSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stego extractor}: the clinic-side Kafka Streams application. */
@Command(
        name = "extractor",
        mixinStandardHelpOptions = true,
        description = {
            "Recover the X-ray from every stego image and publish it (optionally also as PNG files).",
            "Every stego event is verified against the hospital's public keys in this clinic's keyring first: only the hospital's signature is accepted (hospital.id; default: the one party this keyring trusts), and only events addressed to this clinic are recovered.",
            "Extracts each image with the model version it names: every version published on the model topic, retired ones included; an image naming a version not received yet waits for it (model.wait.ms).",
            "--model DIR pins one model instead (images of other versions are dead-lettered).",
            "Each message id is recovered once: a repeat within recovered.ids.retention.days (30) is dropped."
        })
public final class ExtractorCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    StreamsAppOptions app;

    @Option(
            names = "--output-dir",
            paramLabel = "DIR",
            description =
                    "Also write each recovered X-ray here as MESSAGE-ID.png for a viewer (or STEGO_RECOVERED_DIR).")
    Path outputDir;

    @Option(
            names = "--output-format",
            paramLabel = "FORMAT",
            description = "What --output-dir gets for each X-ray: png (the default), dicom (a DICOM Secondary Capture"
                    + " file, MESSAGE_ID.dcm, for a PACS or DICOM viewer) or both (or output.format,"
                    + " STEGO_OUTPUT_FORMAT).")
    String outputFormat;

    @Option(
            names = "--allow-unsigned",
            description = "Accept stego events without a signature (default: refused as TAMPERED).")
    boolean allowUnsigned;

    @Option(
            names = "--hospital",
            paramLabel = "NAME",
            description = "Keyring name of the hospital, the only party trusted to sign stego and model events"
                    + " (or STEGO_HOSPITAL_ID; default: the one party this keyring trusts).")
    String hospital;

    StegoConfig config() {
        Map<String, String> extra = app.overrides(StegoConfig.EXTRACTOR_APPLICATION_ID);
        extra.put(StegoConfig.HOSPITAL_ID, hospital);
        extra.put(StegoConfig.ALLOW_UNSIGNED, allowUnsigned ? "true" : null);
        extra.put(StegoConfig.RECOVERED_DIR, outputDir == null ? null : outputDir.toString());
        extra.put(StegoConfig.OUTPUT_FORMAT, outputFormat);
        return common.load(extra);
    }

    @Override
    public Integer call() {
        StegoConfig config = config();
        config.outputFormat(); // a bad output.format is reported before anything starts
        // keys first: a missing keyring is reported before the models are read
        TransferSecurity security = TransferSecurity.from(config, TransferSecurity.Site.CLINIC);
        return StreamsRunner.run(
                "extractor",
                config,
                security,
                config.extractorApplicationId(),
                (topics, models) -> ExtractionTopology.build(
                        topics,
                        models,
                        config.batchSettings(),
                        security,
                        config.recoveredDir().orElse(null),
                        config.outputFormat(),
                        config.modelWait(),
                        config.recoveredIdsRetention()));
    }
}
