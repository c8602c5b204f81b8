package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {

    private static final NetworkConfig SMALL = new NetworkConfig(1, 2, 8, 8, 2, 0.1);

    private static ModelArtifact.Bytes artifact(Path dir, String version, long seed) throws IOException {
        return ModelArtifact.readBytes(TinyModels.write(dir, version, SMALL, seed));
    }

    @Test
    void install_verifiedBytes_areLoadableAndByteIdentical(@TempDir Path tmp) throws IOException {
        ModelArtifact.Bytes bytes = artifact(tmp.resolve("src"), "v1", 1);
        ModelCache cache = new ModelCache(tmp.resolve("cache"));

        Path dir = cache.install("v1", bytes);
        cache.install("v1", bytes);

        assertTrue(cache.contains("v1"));
        assertEquals(List.of("v1"), cache.versions());
        assertEquals("v1", cache.load("v1").metadata().version());
        assertArrayEquals(bytes.weights(), ModelArtifact.readBytes(dir).weights());
        assertArrayEquals(bytes.metadataJson(), ModelArtifact.readBytes(dir).metadataJson());
    }

    @Test
    void install_weightsNotMatchingTheirChecksum_isRefusedAndLeavesNothing(@TempDir Path tmp) throws IOException {
        ModelArtifact.Bytes bytes = artifact(tmp.resolve("src"), "v1", 1);
        byte[] weights = bytes.weights().clone();
        weights[weights.length - 1] ^= 0x01;
        ModelCache cache = new ModelCache(tmp.resolve("cache"));

        ModelException e = assertThrows(
                ModelException.class,
                () -> cache.install("v1", new ModelArtifact.Bytes(bytes.metadataJson(), weights)));

        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertFalse(cache.contains("v1"));
        assertEquals(List.of(), cache.versions());
    }

    @Test
    void install_differentArtifactUnderAnInstalledVersion_isRefused(@TempDir Path tmp) throws IOException {
        ModelCache cache = new ModelCache(tmp.resolve("cache"));
        cache.install("v1", artifact(tmp.resolve("a"), "v1", 1));
        ModelArtifact.Bytes other = artifact(tmp.resolve("b"), "v1", 2);

        ModelException e = assertThrows(ModelException.class, () -> cache.install("v1", other));
        assertTrue(e.getMessage().contains("immutable"), e.getMessage());
    }

    @Test
    void install_versionDifferentFromTheMetadataOrUnsafeAsADirectory_isRefused(@TempDir Path tmp) throws IOException {
        ModelArtifact.Bytes bytes = artifact(tmp.resolve("src"), "v1", 1);
        ModelCache cache = new ModelCache(tmp.resolve("cache"));

        assertThrows(ModelException.class, () -> cache.install("v2", bytes));
        assertThrows(ModelException.class, () -> cache.install("../v1", bytes));
        assertEquals(List.of(), cache.versions());
    }

    @Test
    void load_fileChangedOnDiskAfterInstall_isRefused(@TempDir Path tmp) throws IOException {
        ModelCache cache = new ModelCache(tmp.resolve("cache"));
        Path dir = cache.install("v1", artifact(tmp.resolve("src"), "v1", 1));
        Path weights = dir.resolve(ModelArtifact.WEIGHTS_FILE);
        byte[] changed = Files.readAllBytes(weights);
        changed[20] ^= 0x10;
        Files.write(weights, changed);

        assertThrows(ModelException.class, () -> cache.load("v1"));
    }
}
