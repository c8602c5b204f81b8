package org.stegoehealth.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The training curve is a PNG with the loss and both held-out PSNR series drawn. */
class TrainingCurveTest {

    @Test
    void write_drawsLossAndBothPsnrSeries() throws Exception {
        List<TrainingState.Point> points = new ArrayList<>();
        for (int step = 0; step <= 2000; step += 100) {
            double t = step / 2000.0;
            points.add(new TrainingState.Point(
                    step, step * 0.1, 0.05 * Math.exp(-3 * t) + 1e-4, 25 + 10 * t, 22 + 11 * t));
        }
        TrainingState.Point best = points.get(points.size() - 2);
        Path dir = Files.createDirectories(Path.of("target", "plots"));
        Path file = dir.resolve("training-curve.png");

        TrainingCurve.write(points, best, file, "tiny run");

        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(720, img.getHeight());
        assertTrue(count(img, Color.BLUE) > 200, "loss and cover PSNR lines are drawn");
        assertTrue(count(img, Color.RED) > 100, "the secret PSNR line is drawn");
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
}
