package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class RefinementTest {

    /** The repository root: tests run in the module directory. */
    private static final Path ROOT = Path.of("..");

    private static FloatImage sample(String dir, String name) {
        return Images.squareAt(Images.read(ROOT.resolve("samples").resolve(dir).resolve(name)), 128)
                .quantize8();
    }

    private static double psnr(FloatImage a, FloatImage b) {
        return Metrics.psnr(a, b);
    }

    @Test
    void refinedStegoImages_recoverTheXrayBetterAfterEightBitRounding_atAboutTheSameCoverQuality() throws Exception {
        Path models = ROOT.resolve("models");
        StegoModel plain = ModelArtifact.load(
                        models.resolve(Files.readString(models.resolve(ModelArtifact.DEFAULT_POINTER))
                                .trim()))
                .toModel();
        StegoModel refined = plain.refining(Refinement.OFF.withSteps(15));
        List<FloatImage> covers = List.of(
                sample("covers", "lomiri-16.04__friends_by_Aitzol_Berasategi.jpg")
                        .toRgb(),
                sample("covers", "lomiri-16.04__seeding_by_Clements_Engelhardt.jpg")
                        .toRgb());
        List<FloatImage> xrays = List.of(
                sample("xray", "IM-0003-0001.jpeg").toGray(),
                sample("xray", "IM-0035-0001.jpeg").toGray());
        for (int i = 0; i < 2; i++) {
            // one call per pair: the second call reuses the refinement graph the first one built for this shape
            FloatImage before =
                    plain.embed(List.of(covers.get(i)), List.of(xrays.get(i))).get(0);
            FloatImage after =
                    refined.embed(List.of(covers.get(i)), List.of(xrays.get(i))).get(0);
            FloatImage sentBefore = before.quantize8();
            FloatImage sentAfter = after.quantize8();
            double secretBefore =
                    psnr(xrays.get(i), plain.extract(List.of(sentBefore)).get(0).quantize8());
            double secretAfter =
                    psnr(xrays.get(i), plain.extract(List.of(sentAfter)).get(0).quantize8());
            double coverBefore = psnr(covers.get(i), sentBefore);
            double coverAfter = psnr(covers.get(i), sentAfter);
            assertTrue(
                    secretAfter > secretBefore + 0.5,
                    "pair " + i + ": secret " + secretBefore + " dB -> " + secretAfter + " dB");
            assertTrue(
                    coverAfter > coverBefore - 0.5,
                    "pair " + i + ": cover " + coverBefore + " dB -> " + coverAfter + " dB");
            for (float v : after.data()) {
                assertTrue(v >= 0f && v <= 1f, "refined stego values stay in [0, 1]");
            }
        }
    }

    @Test
    void refinementGraph_extractsFromTheClippedStegoImage_asItIsSent() {
        NetworkConfig config = new NetworkConfig(1, 2, 8, 8, 1, 0.1);
        Map<String, INDArray> weights = StegoNetwork.initialWeights(config, 3);
        weights.get("extractOut_W").muli(20);
        // a candidate stego image that leaves [0, 1] on both sides, as a refinement step may push it
        INDArray start = Nd4j.rand(DataType.FLOAT, 1, 16, 16, 3).muli(1.4).subi(0.2);
        SameDiff refiner = TrainingGraph.refinement(config, weights, 1.0, start.dup());
        INDArray revealed = refiner.output(
                        Map.of(
                                StegoNetwork.COVER, Nd4j.rand(DataType.FLOAT, 1, 16, 16, 3),
                                StegoNetwork.SECRET, Nd4j.rand(DataType.FLOAT, 1, 16, 16, 1),
                                StegoNetwork.NOISE, Nd4j.zeros(DataType.FLOAT, 1, 16, 16, 3)),
                        StegoNetwork.REVEALED)
                .get(StegoNetwork.REVEALED);

        SameDiff extractor = StegoNetwork.extractor(config, weights);
        INDArray sent = Transforms.min(Transforms.max(start, 0.0), 1.0);
        INDArray expected = extractor
                .output(Map.of(StegoNetwork.STEGO, sent), "revealedRaw")
                .get("revealedRaw");
        INDArray unclipped = extractor
                .output(Map.of(StegoNetwork.STEGO, start), "revealedRaw")
                .get("revealedRaw");
        assertTrue(revealed.equalsWithEps(expected, 1e-6), "the clipped image is extracted");
        assertTrue(!revealed.equalsWithEps(unclipped, 1e-4), "and the clip matters here");
    }

    @Test
    void zeroSteps_leavesTheNetworksStegoImageAsItIs() {
        NetworkConfig config = new NetworkConfig(1, 2, 8, 8, 1, 0.1);
        StegoModel model = new StegoModel(config, StegoNetwork.initialWeights(config, 3), "test");
        List<FloatImage> covers = List.of(StegoModelTest.random(16, 16, 3, 1));
        List<FloatImage> secrets = List.of(StegoModelTest.random(16, 16, 1, 2));
        FloatImage plain = model.embed(covers, secrets).get(0);
        FloatImage off = model.refining(Refinement.OFF).embed(covers, secrets).get(0);
        assertEquals(Metrics.PSNR_CAP, psnr(plain, off));
    }

    @Test
    void settingsOutOfRange_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Refinement(-1, 0.002, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Refinement(Refinement.MAX_STEPS + 1, 0.002, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Refinement(5, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Refinement(5, 0.002, -1));
    }
}
