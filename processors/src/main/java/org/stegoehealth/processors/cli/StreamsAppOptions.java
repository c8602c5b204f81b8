package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.stegoehealth.processors.StegoConfig;
import picocli.CommandLine.Option;

/** Options of the two Kafka Streams applications ({@code stego embedder}, {@code stego extractor}). */
public final class StreamsAppOptions {

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description =
                    "Pin one model artifact directory (or STEGO_MODEL_PATH) instead of following the model topic.")
    Path model;

    @Option(
            names = "--application-id",
            paramLabel = "ID",
            description = "Kafka Streams application id (default: stego-${COMMAND-NAME}).")
    String applicationId;

    @Option(
            names = {"-k", "--keyring"},
            paramLabel = "DIR",
            description = "This party's keyring (or STEGO_KEYRING_DIR; default: .stego/keyring; see stego keys).")
    Path keyring;

    /** These options as configuration overrides; the application id under {@code applicationIdKey}. */
    Map<String, String> overrides(String applicationIdKey) {
        Map<String, String> extra = new HashMap<>();
        extra.put(StegoConfig.KEYRING_DIR, keyring == null ? null : keyring.toString());
        extra.put(StegoConfig.MODEL_PATH, model == null ? null : model.toString());
        extra.put(applicationIdKey, applicationId);
        return extra;
    }
}
