package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class TrainingObjectiveTest {

    private static final NetworkConfig SMALL = new NetworkConfig(1, 2, 8, 8, 2, 0.1);

    /** A smooth image with some texture, so SSIM is neither 0 nor 1. */
    private static FloatImage textured(int w, int h, int c, long seed) {
        Random r = new Random(seed);
        float[] d = new float[w * h * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    d[(y * w + x) * c + k] =
                            (float) (0.5 + 0.3 * Math.sin(x / 3.0 + k) * Math.cos(y / 5.0) + 0.1 * r.nextGaussian());
                }
            }
        }
        return new FloatImage(w, h, c, d);
    }

    @Test
    void graphDssim_isOneMinusTheSsimOfTheReports() {
        for (int channels : new int[] {1, 3}) {
            FloatImage a = textured(40, 31, channels, 1);
            FloatImage b = textured(40, 31, channels, 2);
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, -1, -1, channels);
            SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, -1, -1, channels);
            TrainingGraph.dssim(sd, x, y, channels, "d");
            double graph = sd.output(Map.of("x", Tensors.stack(List.of(a)), "y", Tensors.stack(List.of(b))), "d")
                    .get("d")
                    .getDouble(0);
            double reference = Metrics.ssim(a, b);
            assertTrue(reference > 0.1 && reference < 0.9, "a test pair with some structure: " + reference);
            assertEquals(1 - reference, graph, 1e-4, channels + " channel(s)");
        }
    }

    @Test
    void terms_weighTheLossAsDocumented_andRefuseNegativeWeights() {
        TrainingObjective o = new TrainingObjective(2.0, 0.01, 0.001);
        Map<String, Double> v = Map.of(
                StegoNetwork.COVER_MSE, 1e-3,
                StegoNetwork.SECRET_MSE, 2e-3,
                StegoNetwork.OUT_OF_RANGE, 1e-6,
                StegoNetwork.COVER_DSSIM, 0.05,
                StegoNetwork.SECRET_DSSIM, 0.04,
                StegoNetwork.ADVERSARY, 0.7);
        assertEquals(1e-3 + 2 * 2e-3 + 10 * 1e-6 + 0.01 * (0.05 + 2 * 0.04) + 0.001 * 0.7, o.loss(v), 1e-12);
        assertEquals(
                List.of(StegoNetwork.COVER_MSE, StegoNetwork.SECRET_MSE, StegoNetwork.OUT_OF_RANGE),
                List.copyOf(TrainingObjective.mse(1).terms().keySet()));
        assertThrows(IllegalArgumentException.class, () -> new TrainingObjective(1, -0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TrainingObjective(0, 0, 0));
    }

    @Test
    void critic_learnsOnlyFromItsOwnLoss_andTheHidingNetworkOnlyFromFoolingIt() {
        SameDiff sd = TrainingGraph.training(
                SMALL, StegoNetwork.initialWeights(SMALL, 3), new TrainingObjective(1.0, 0.01, 0.1));
        Map<String, INDArray> batch = new HashMap<>();
        batch.put(StegoNetwork.COVER, Tensors.stack(List.of(textured(32, 32, 3, 4), textured(32, 32, 3, 5))));
        batch.put(StegoNetwork.SECRET, Tensors.stack(List.of(textured(32, 32, 1, 6), textured(32, 32, 1, 7))));
        batch.put(StegoNetwork.NOISE, Nd4j.zeros(DataType.FLOAT, 2, 32, 32, 3));

        sd.setLossVariables(StegoNetwork.ADVERSARY);
        Map<String, INDArray> fooling = sd.calculateGradients(batch, "critic0_W", "embedOut_W", "extractOut_W");
        assertTrue(isZero(fooling.get("critic0_W")), "fooling the critic never trains it");
        assertTrue(!isZero(fooling.get("embedOut_W")), "the embedder learns to fool the critic");

        sd.setLossVariables(StegoNetwork.CRITIC);
        Map<String, INDArray> judging = sd.calculateGradients(batch, "critic0_W", "embedOut_W");
        assertTrue(!isZero(judging.get("critic0_W")), "the critic learns from its own loss");
        assertTrue(isZero(judging.get("embedOut_W")), "the critic's loss does not move the embedder");
    }

    @Test
    void training_extractsFromTheClippedStegoImage_asItIsSent() {
        Map<String, INDArray> weights = StegoNetwork.initialWeights(SMALL, 3);
        weights.get("embedOut_W").muli(200); // a residual far past white on a bright cover
        weights.get("extractOut_W").muli(20);
        SameDiff sd = TrainingGraph.training(SMALL, weights, TrainingObjective.mse(1.0));
        INDArray cover = Nd4j.valueArrayOf(new long[] {1, 32, 32, 3}, 0.98f);
        INDArray secret = Tensors.stack(List.of(textured(32, 32, 1, 6)));
        Map<String, INDArray> batch = new HashMap<>();
        batch.put(StegoNetwork.COVER, cover);
        batch.put(StegoNetwork.SECRET, secret);
        batch.put(StegoNetwork.NOISE, Nd4j.zeros(DataType.FLOAT, 1, 32, 32, 3));
        Map<String, INDArray> out = sd.output(batch, StegoNetwork.STEGO, StegoNetwork.SECRET_MSE);
        INDArray stego = out.get(StegoNetwork.STEGO);
        assertTrue(stego.maxNumber().doubleValue() > 1.05, "the test's residual leaves [0, 1]");

        SameDiff extractor = StegoNetwork.extractor(SMALL, weights);
        double sent = extractionMse(extractor, Transforms.min(Transforms.max(stego, 0.0), 1.0), secret);
        double unclipped = extractionMse(extractor, stego, secret);
        assertEquals(
                sent, out.get(StegoNetwork.SECRET_MSE).getDouble(0), 1e-6 * sent, "the clipped image is extracted");
        assertTrue(Math.abs(unclipped - sent) > 1e-3 * sent, "and the clip matters here: " + unclipped + " vs " + sent);
    }

    private static double extractionMse(SameDiff extractor, INDArray stego, INDArray secret) {
        INDArray raw = extractor
                .output(Map.of(StegoNetwork.STEGO, stego), "revealedRaw")
                .get("revealedRaw");
        return Transforms.pow(raw.sub(secret), 2).meanNumber().doubleValue();
    }

    private static boolean isZero(INDArray gradient) {
        return gradient == null || gradient.amaxNumber().doubleValue() == 0;
    }

    @Test
    void withRgbSecret_computesWhatTheGrayNetworkComputesOnAReplicatedGraySecret() {
        Map<String, INDArray> gray = StegoNetwork.initialWeights(SMALL, 9);
        // the initial output layers are tiny; scale them up so a wrong channel order could not hide in the tolerance
        gray.get("extractOut_W").muli(20);
        gray.get("embedOut_W").muli(20);
        NetworkConfig rgbConfig = new NetworkConfig(3, 2, 8, 8, 2, 0.1);
        StegoModel grayModel = new StegoModel(SMALL, gray, "gray");
        StegoModel rgbModel = new StegoModel(rgbConfig, NetworkGrowth.withRgbSecret(SMALL, gray), "rgb");
        FloatImage cover = textured(24, 20, 3, 11);
        FloatImage secret = textured(24, 20, 1, 12);

        FloatImage grayStego = grayModel.embed(List.of(cover), List.of(secret)).get(0);
        FloatImage rgbStego =
                rgbModel.embed(List.of(cover), List.of(secret.toRgb())).get(0);
        assertTrue(Metrics.psnr(grayStego, rgbStego) > 90, "same stego image: " + Metrics.psnr(grayStego, rgbStego));

        FloatImage grayOut = grayModel.extract(List.of(grayStego)).get(0);
        FloatImage rgbOut = rgbModel.extract(List.of(grayStego)).get(0);
        assertEquals(3, rgbOut.channels());
        assertTrue(Metrics.psnr(grayOut.toRgb(), rgbOut) > 90, "each channel of the RGB secret is the gray one");
        assertThrows(IllegalArgumentException.class, () -> NetworkGrowth.withRgbSecret(rgbConfig, gray));
    }

    private static final FloatImage COVER = textured(32, 24, 3, 13);
    private static final FloatImage SECRET = textured(32, 24, 1, 14);

    /** Random weights of {@link #SMALL} whose output layers are large enough for a change to show. */
    private static Map<String, INDArray> smallWithVisibleOutputs() {
        Map<String, INDArray> small = StegoNetwork.initialWeights(SMALL, 21);
        small.get("extractOut_W").muli(20);
        small.get("embedOut_W").muli(20);
        return small;
    }

    @Test
    void grow_wider_computesExactlyWhatTheSmallerNetworkComputes_andDeeperAlmost() {
        Map<String, INDArray> small = smallWithVisibleOutputs();
        StegoModel before = new StegoModel(SMALL, small, "small");
        FloatImage stegoBefore = before.embed(List.of(COVER), List.of(SECRET)).get(0);
        FloatImage revealedBefore = before.extract(List.of(COVER)).get(0);

        NetworkConfig wider = new NetworkConfig(1, 2, 12, 16, 2, 0.1);
        StegoModel exact = new StegoModel(wider, NetworkGrowth.grow(SMALL, small, wider, 5, 0), "wider");
        assertTrue(Metrics.psnr(
                        stegoBefore,
                        exact.embed(List.of(COVER), List.of(SECRET)).get(0))
                > 90);
        assertTrue(Metrics.psnr(revealedBefore, exact.extract(List.of(COVER)).get(0)) > 90);

        NetworkConfig big = new NetworkConfig(1, 2, 12, 16, 3, 0.1);
        Map<String, INDArray> grown = NetworkGrowth.grow(SMALL, small, big, 5);
        StegoModel after = new StegoModel(big, grown, "big");
        // the copies' noise and the new layers move the output by a small fraction of the embedding itself
        double embedding = Metrics.psnr(COVER, stegoBefore);
        double moved = Metrics.psnr(
                stegoBefore, after.embed(List.of(COVER), List.of(SECRET)).get(0));
        assertTrue(moved > embedding + 20, "embedding " + embedding + " dB from the cover, moved " + moved + " dB");
        assertTrue(Metrics.psnr(revealedBefore, after.extract(List.of(COVER)).get(0)) > 40);
        assertEquals(StegoNetwork.initialWeights(big, 0).keySet(), grown.keySet());
        assertThrows(IllegalArgumentException.class, () -> NetworkGrowth.grow(big, grown, SMALL, 1));
    }

    @Test
    void grow_deeperExtractorOnly_keepsTheEmbedderExactly() {
        Map<String, INDArray> small = smallWithVisibleOutputs();
        StegoModel before = new StegoModel(SMALL, small, "small");
        FloatImage stegoBefore = before.embed(List.of(COVER), List.of(SECRET)).get(0);

        NetworkConfig deeperExtractor = SMALL.withExtractDepth(SMALL.depth() + 2);
        Map<String, INDArray> grown = NetworkGrowth.grow(SMALL, small, deeperExtractor, 5);
        StegoModel after = new StegoModel(deeperExtractor, grown, "deeper extractor");
        assertEquals(
                0.0,
                Metrics.mse(
                        stegoBefore,
                        after.embed(List.of(COVER), List.of(SECRET)).get(0)),
                "the same stego image, bit for bit");
        // the new layers start at 1 % of fresh weights: the extraction moves a little, not to a new function
        double kept = Metrics.psnr(
                before.extract(List.of(stegoBefore)).get(0),
                after.extract(List.of(stegoBefore)).get(0));
        assertTrue(kept > 30, "extraction moved: " + kept);
        assertTrue(grown.containsKey("extract" + (SMALL.depth() + 1) + "_W"));
        assertFalse(grown.containsKey("embed" + SMALL.depth() + "_W"));
        assertThrows(IllegalArgumentException.class, () -> NetworkGrowth.grow(deeperExtractor, grown, SMALL, 1));
    }

    @Test
    void networkConfig_fromAModelOfBeforeTheExtractorDepth_hasAnExtractorAsDeepAsTheEmbedder() throws Exception {
        NetworkConfig old = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(
                        "{\"secretChannels\": 1, \"unshuffle\": 2, \"prepWidth\": 32, \"width\": 64, \"depth\": 4,"
                                + " \"residualScale\": 0.1}",
                        NetworkConfig.class);
        assertEquals(4, old.extractLayers());
        assertEquals(NetworkConfig.defaults(), old);
        assertEquals(old, old.withExtractDepth(4), "equal depths are one architecture");
        assertEquals(8, old.withExtractDepth(8).extractLayers());
        assertThrows(IllegalArgumentException.class, () -> old.withExtractDepth(-1));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertFalse(
                json.writeValueAsString(old).contains("extractDepth"),
                "a model of equal depths writes the metadata that older releases read");
        assertEquals(
                old.withExtractDepth(8),
                json.readValue(json.writeValueAsString(old.withExtractDepth(8)), NetworkConfig.class));
    }
}
