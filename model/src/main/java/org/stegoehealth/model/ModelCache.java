package org.stegoehealth.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A local directory of verified, immutable model artifacts, one {@code <version>/} directory each, as received from
 * the model topic or pulled by ops. An artifact enters only after its checksum was verified
 * ({@link ModelArtifact#install}) and appears atomically; loading verifies the checksum again, so a file changed on
 * disk afterwards is refused rather than used.
 */
public final class ModelCache {

    private final Path dir;

    public ModelCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Installs an artifact (idempotent for the same bytes; a different artifact under a known version is refused). */
    public Path install(String version, ModelArtifact.Bytes files) {
        return ModelArtifact.install(dir, version, files);
    }

    public boolean contains(String version) {
        return Files.isRegularFile(dir.resolve(version).resolve(ModelArtifact.METADATA_FILE));
    }

    /** Loads and verifies a cached version. */
    public ModelArtifact load(String version) {
        if (!contains(version)) {
            throw new ModelException("model " + version + " is not in the model cache " + dir);
        }
        return ModelArtifact.load(dir.resolve(version));
    }

    /** Versions in the cache, sorted. */
    public List<String> versions() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve(ModelArtifact.METADATA_FILE)))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ModelException(dir + ": cannot list the model cache (" + e.getMessage() + ")", e);
        }
    }
}
