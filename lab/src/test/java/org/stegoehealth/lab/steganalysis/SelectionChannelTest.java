package org.stegoehealth.lab.steganalysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Progress;

class SelectionChannelTest {

    private static FloatImage photo() {
        Path samples = Path.of("..", "samples");
        return Steganalysis.tiles(Images.listImages(samples.resolve("covers")), 512, 128, 1)
                .get(0)
                .image();
    }

    @Test
    void probabilities_carryThePayload_andFavourTexture() {
        FloatImage image = photo();
        double rate = 0.05;
        double[][] p = SelectionChannel.probabilities(image, rate);
        double bits = 0;
        for (double[] channel : p) {
            for (double v : channel) {
                assertTrue(v >= 0 && v <= 0.5, "a binary change probability: " + v);
                if (v > 0) {
                    bits += -(v * Math.log(v) + (1 - v) * Math.log(1 - v)) / Math.log(2);
                }
            }
        }
        assertEquals(rate * 3 * image.width() * image.height(), bits, 0.01 * bits);
        double[] sorted = p[0].clone();
        Arrays.sort(sorted);
        // adaptive: the likeliest tenth of the samples is far likelier to change than the median one
        assertTrue(sorted[(int) (sorted.length * 0.9)] > 3 * sorted[sorted.length / 2]);
    }

    @Test
    void evenWeights_giveTheUnweightedFeatures() {
        FloatImage image = photo();
        double[][] ones = new double[3][image.width() * image.height()];
        for (double[] channel : ones) {
            Arrays.fill(channel, 1.0);
        }
        assertArrayEquals(ResidualFeatures.of(image), ResidualFeatures.of(image, ones), 1e-12);
    }

    @Test
    void awareDetector_runsEndToEnd_onAdaptiveEmbedding() {
        Path samples = Path.of("..", "samples");
        List<Steganalysis.Tile> tiles = Steganalysis.tiles(Images.listImages(samples.resolve("covers")), 1024, 128, 12);
        List<FloatImage> secrets = Steganalysis.secrets(Images.listImages(samples.resolve("xray")), 128, tiles.size());
        Steganalysis.MethodScore s = Steganalysis.run(
                        tiles,
                        secrets,
                        List.of(StegoGenerator.parse("stc-0.4", null, null)),
                        8,
                        true,
                        new Progress(System.err))
                .methods()
                .get(0);
        assertEquals(0.4, s.bitsPerChannel());
        assertTrue(s.minimumTotalError() >= 0 && s.minimumTotalError() <= 0.5, "P_E " + s.minimumTotalError());
        assertEquals(72, s.samples());
    }
}
