package org.stegoehealth.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tiny untrained model artifacts for tests that check where images, bytes and versions go, not the hiding quality:
 * a few hundred weights, written and loaded in milliseconds. Shared with the other modules' tests through this
 * module's test jar.
 */
public final class TinyModels {

    /** One secret channel, two preprocessing layers of 8, embedding and extraction of 8, 2 deep. */
    public static final NetworkConfig NET = new NetworkConfig(1, 2, 8, 8, 2, 0.1);

    /** Smaller still: layers of 4, 1 deep, for tests that build many versions. */
    public static final NetworkConfig SMALLEST = new NetworkConfig(1, 2, 4, 4, 1, 0.1);

    /** The creation time every tiny model carries, so artifacts written twice are the same bytes. */
    public static final String CREATED = "2026-01-01T00:00:00Z";

    private TinyModels() {}

    /** Metadata of version {@code version} of {@code net}, with no preprocessing, training, data or validation. */
    public static ModelMetadata metadata(String version, NetworkConfig net) {
        return metadata(version, net, Map.of(), Map.of());
    }

    /** As {@link #metadata(String, NetworkConfig)}, with training facts and validation figures. */
    public static ModelMetadata metadata(
            String version, NetworkConfig net, Map<String, Object> training, Map<String, Object> validation) {
        return new ModelMetadata(
                version, CREATED, net, Map.of(), training, Map.of(), validation, ModelArtifact.WEIGHTS_FILE, null);
    }

    /** Writes the untrained model {@code version} of {@link #NET} (weights drawn from {@code seed}) under {@code parent}. */
    public static Path write(Path parent, String version, long seed) throws IOException {
        return write(parent, metadata(version, NET), seed);
    }

    /** Writes the untrained model {@code version} of {@code net} under {@code parent}. */
    public static Path write(Path parent, String version, NetworkConfig net, long seed) throws IOException {
        return write(parent, metadata(version, net), seed);
    }

    /** Writes an untrained model described by {@code metadata} (its architecture's weights drawn from {@code seed}). */
    public static Path write(Path parent, ModelMetadata metadata, long seed) throws IOException {
        return ModelArtifact.write(
                Files.createDirectories(parent), metadata, StegoNetwork.initialWeights(metadata.architecture(), seed));
    }

    /** {@link #write(Path, String, long)} and load it. */
    public static StegoModel load(Path parent, String version, long seed) throws IOException {
        return ModelArtifact.load(write(parent, version, seed)).toModel();
    }
}
