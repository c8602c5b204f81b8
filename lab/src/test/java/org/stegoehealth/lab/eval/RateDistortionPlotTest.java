package org.stegoehealth.lab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.stegoehealth.model.Metrics;

/** The rate-distortion plot draws every method's point in its colour, a lossless one at the top edge. */
class RateDistortionPlotTest {

    @Test
    void draw_everyPointInItsColour_losslessOnTheTopEdge() throws Exception {
        Color lossless = new Color(0, 160, 0);
        List<RateDistortionPlot.Point> points = List.of(
                new RateDistortionPlot.Point("network", 2.67, 37.5, 35.3, Color.RED),
                new RateDistortionPlot.Point("spread LSB 2-2-1", 2.67, 45.5, 40.3, Color.BLUE),
                new RateDistortionPlot.Point("sealed", 0.5, 51.1, Metrics.PSNR_CAP, lossless));

        BufferedImage img = RateDistortionPlot.draw(points, "held-out pairs at 256 px");

        assertEquals(900, img.getWidth());
        assertEquals(640, img.getHeight());
        int redY = lowestRowOf(img, Color.RED);
        int greenY = lowestRowOf(img, lossless);
        assertTrue(count(img, Color.RED) > 30, "the network's point is drawn");
        assertTrue(count(img, Color.BLUE) > 30, "the baseline's point is drawn");
        assertTrue(greenY >= 0 && greenY < redY, "the lossless point sits above every lossy one");
        Path out = Path.of("target", "plots");
        Files.createDirectories(out);
        ImageIO.write(img, "png", out.resolve("rate-distortion.png").toFile());
    }

    @Test
    void pointsAfter_anAttack_takeTheAttackedSecretPsnr_andLeaveOutMethodsNotAttacked() {
        Quality clean = new Quality(10, 38.0, 0.9);
        Evaluation.MethodResult network = new Evaluation.MethodResult(
                "network", 2.67, clean, new Quality(20, 35.0, 0.9), Map.of("jpeg90", new Quality(900, 10.1, 0.3)));
        Evaluation.MethodResult lsb = new Evaluation.MethodResult(
                "lsb-2-2-1",
                1.67,
                new Quality(2, 45.5, 0.99),
                new Quality(6, 40.3, 0.95),
                Map.of("jpeg90", new Quality(9000, 7.8, 0.02)));
        Evaluation.MethodResult notAttacked = new Evaluation.MethodResult("lsb-1-1-1", 1.0, clean, clean, Map.of());
        Evaluation.Result r = new Evaluation.Result(
                62,
                256,
                "m",
                network,
                new LinkedHashMap<>(Map.of("lsb-2-2-1", lsb, "lsb-1-1-1", notAttacked)),
                List.of("jpeg90"),
                List.of(),
                null,
                null,
                null,
                null);

        List<RateDistortionPlot.Point> after = RateDistortionPlot.pointsAfter(r, "jpeg90");

        assertEquals(2, after.size());
        assertEquals(38.0, after.get(0).coverPsnr());
        assertEquals(10.1, after.get(0).secretPsnr());
        assertEquals(7.8, after.get(1).secretPsnr());
        assertTrue(RateDistortionPlot.pointsAfter(r, "resize0.5").isEmpty());
        assertEquals(900, RateDistortionPlot.draw(after, "after JPEG q90").getWidth());
    }

    private static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (img.getRGB(x, y) == c.getRGB()) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int lowestRowOf(BufferedImage img, Color c) {
        int row = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (img.getRGB(x, y) == c.getRGB()) {
                    row = y;
                }
            }
        }
        return row;
    }
}
