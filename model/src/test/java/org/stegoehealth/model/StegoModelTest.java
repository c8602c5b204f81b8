package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

class StegoModelTest {

    private static final NetworkConfig SMALL = new NetworkConfig(1, 2, 8, 8, 2, 0.1);

    static FloatImage random(int w, int h, int c, long seed) {
        Random r = new Random(seed);
        float[] d = new float[w * h * c];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return new FloatImage(w, h, c, d);
    }

    @ParameterizedTest
    @CsvSource({"64,64,1", "50,70,1", "33,17,3", "128,96,3"})
    void embedAndExtract_anySize_keepTheInputGeometry(int w, int h, int secretChannels) {
        NetworkConfig config = new NetworkConfig(secretChannels, 2, 8, 8, 2, 0.1);
        StegoModel model = new StegoModel(config, StegoNetwork.initialWeights(config, 1), "test");
        List<FloatImage> covers = List.of(random(w, h, 3, 1), random(w, h, 3, 2));
        List<FloatImage> secrets = List.of(random(w, h, 1, 3), random(w, h, 1, 4));
        List<FloatImage> stego = model.embed(covers, secrets);
        assertEquals(2, stego.size());
        assertEquals(w, stego.get(0).width());
        assertEquals(h, stego.get(0).height());
        assertEquals(3, stego.get(0).channels());
        List<FloatImage> extracted = model.extract(stego);
        assertEquals(w, extracted.get(1).width());
        assertEquals(h, extracted.get(1).height());
        assertEquals(secretChannels, extracted.get(1).channels());
        for (float v : stego.get(0).data()) {
            assertTrue(v >= 0f && v <= 1f, "stego values stay in [0, 1]");
        }
    }

    @Test
    void repeatedCalls_afterTheirTensorsAreClosed_giveTheSameImages() {
        NetworkConfig config = new NetworkConfig(1, 2, 8, 8, 1, 0.1);
        StegoModel model = new StegoModel(config, StegoNetwork.initialWeights(config, 4), "test");
        List<FloatImage> covers = List.of(random(24, 16, 3, 1), random(24, 16, 3, 2));
        List<FloatImage> secrets = List.of(random(24, 16, 1, 3), random(24, 16, 1, 4));
        List<FloatImage> first = model.embed(covers, secrets);
        List<FloatImage> revealed = model.extract(first);
        for (int i = 0; i < 3; i++) {
            assertEquals(first, model.embed(covers, secrets), "embed, call " + (i + 2));
            assertEquals(revealed, model.extract(first), "extract, call " + (i + 2));
        }
    }

    @Test
    void embedUnclipped_isTheStegoImageBeforeTheClip() {
        Map<String, INDArray> weights = StegoNetwork.initialWeights(SMALL, 1);
        weights.get("embedOut_W").muli(200); // a residual that leaves [0, 1]
        StegoModel model = new StegoModel(SMALL, weights, "test");
        List<FloatImage> covers = List.of(random(32, 24, 3, 1));
        List<FloatImage> secrets = List.of(random(32, 24, 1, 2));
        float[] raw = model.embedUnclipped(covers, secrets).get(0).data();
        float[] sent = model.embed(covers, secrets).get(0).data();
        int outside = 0;
        for (int i = 0; i < raw.length; i++) {
            outside += raw[i] < 0 || raw[i] > 1 ? 1 : 0;
            assertEquals(Math.min(1f, Math.max(0f, raw[i])), sent[i], 1e-6f);
        }
        assertTrue(outside > 0, "some values leave [0, 1]");
    }

    @Test
    void embed_mismatchedCoverAndSecret_isRefused() {
        StegoModel model = new StegoModel(SMALL, StegoNetwork.initialWeights(SMALL, 1), "test");
        assertThrows(
                IllegalArgumentException.class,
                () -> model.embed(List.of(random(32, 32, 3, 1)), List.of(random(32, 16, 1, 1))));
    }

    @Test
    void saveAndLoad_roundTrip_givesIdenticalOutputs(@TempDir Path dir) throws IOException {
        Map<String, INDArray> weights = StegoNetwork.initialWeights(SMALL, 7);
        Path artifact = ModelArtifact.write(dir, metadata("v-roundtrip"), weights);
        StegoModel original = new StegoModel(SMALL, weights, "v-roundtrip");
        StegoModel loaded = ModelArtifact.load(artifact).toModel();
        assertEquals("v-roundtrip", loaded.version());
        FloatImage cover = random(40, 40, 3, 5);
        FloatImage secret = random(40, 40, 1, 6);
        FloatImage a = original.embed(List.of(cover), List.of(secret)).get(0);
        FloatImage b = loaded.embed(List.of(cover), List.of(secret)).get(0);
        assertArrayEquals(a.data(), b.data());
        assertArrayEquals(
                original.extract(List.of(a)).get(0).data(),
                loaded.extract(List.of(b)).get(0).data());
    }

    @Test
    void load_tamperedWeights_isRefusedWithChecksumMismatch(@TempDir Path dir) throws IOException {
        Path artifact = ModelArtifact.write(dir, metadata("v-tamper"), StegoNetwork.initialWeights(SMALL, 7));
        Path weights = artifact.resolve(ModelArtifact.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(weights, bytes);
        ModelException e = assertThrows(ModelException.class, () -> ModelArtifact.load(artifact));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void write_existingVersion_isRefused(@TempDir Path dir) throws IOException {
        ModelArtifact.write(dir, metadata("v-once"), StegoNetwork.initialWeights(SMALL, 7));
        assertThrows(
                ModelException.class,
                () -> ModelArtifact.write(dir, metadata("v-once"), StegoNetwork.initialWeights(SMALL, 8)));
    }

    @Test
    void load_missingOrCorruptModel_givesClearError(@TempDir Path dir) throws IOException {
        ModelException missing = assertThrows(ModelException.class, () -> ModelArtifact.load(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("not a model"), missing.getMessage());
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve(ModelArtifact.METADATA_FILE), "{ not json");
        ModelException corrupt = assertThrows(ModelException.class, () -> ModelArtifact.load(bad));
        assertTrue(corrupt.getMessage().contains("corrupt model metadata"), corrupt.getMessage());
    }

    private static ModelMetadata metadata(String version) {
        return TinyModels.metadata(version, SMALL);
    }
}
