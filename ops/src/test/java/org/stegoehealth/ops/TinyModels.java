package org.stegoehealth.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.StegoNetwork;

/**
 * Tiny untrained model artifacts for the integration tests, which check where images and bytes go, not the hiding
 * quality: a few hundred weights, loaded in milliseconds.
 */
public final class TinyModels {

    /** One secret channel, two preprocessing layers of 8, embedding and extraction of 8, 2 deep. */
    public static final NetworkConfig NET = new NetworkConfig(1, 2, 8, 8, 2, 0.1);

    private TinyModels() {}

    /** Writes the untrained model {@code version} (weights drawn from {@code seed}) under {@code parent}. */
    public static Path write(Path parent, String version, long seed) throws IOException {
        return ModelArtifact.write(
                Files.createDirectories(parent),
                new ModelMetadata(
                        version,
                        "2026-01-01T00:00:00Z",
                        NET,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        ModelArtifact.WEIGHTS_FILE,
                        null),
                StegoNetwork.initialWeights(NET, seed));
    }

    /** {@link #write} and load it. */
    public static StegoModel load(Path parent, String version, long seed) throws IOException {
        return ModelArtifact.load(write(parent, version, seed)).toModel();
    }
}
