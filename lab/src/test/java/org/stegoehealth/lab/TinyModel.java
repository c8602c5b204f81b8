package org.stegoehealth.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.StegoNetwork;

/** A tiny untrained model artifact (gray secrets, width 4) for the lab commands' fast tests. */
public final class TinyModel {

    private TinyModel() {}

    /** Writes the tiny model under {@code dir} and returns its artifact directory. */
    public static Path write(Path dir) throws IOException {
        NetworkConfig net = new NetworkConfig(1, 2, 4, 4, 1, 0.1);
        return ModelArtifact.write(
                dir,
                new ModelMetadata(
                        "tiny",
                        "2026-01-01T00:00:00Z",
                        net,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        ModelArtifact.WEIGHTS_FILE,
                        null),
                StegoNetwork.initialWeights(net, 1));
    }
}
