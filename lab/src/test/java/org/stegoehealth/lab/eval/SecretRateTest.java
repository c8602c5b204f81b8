package org.stegoehealth.lab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Metrics;
import org.stegoehealth.model.Progress;

/** The bits an X-ray needs at a target PSNR, measured on the repository's sample X-rays. */
class SecretRateTest {

    private static final Path XRAYS = Path.of("..", "samples", "xray");

    private static FloatImage sample(int size) {
        return Images.squareAt(Images.read(XRAYS.resolve("IM-0003-0001.jpeg")), size)
                .toGray()
                .quantize8();
    }

    @Test
    void smallest_reachesTheTarget_andAHigherTargetNeedsMoreBytes() {
        FloatImage xray = sample(128);
        SecretRate.Encoding at30 = SecretRate.smallest(xray, 30);
        SecretRate.Encoding at38 = SecretRate.smallest(xray, 38);
        assertTrue(at30.psnr() >= 30, "PSNR " + at30.psnr());
        assertTrue(at38.psnr() >= 38, "PSNR " + at38.psnr());
        assertTrue(at38.quality() > at30.quality(), at30 + " vs " + at38);
        assertTrue(at38.bytes() > at30.bytes(), at30 + " vs " + at38);
        // the lowest quality that reaches it: an easier target is met at or below it
        assertTrue(SecretRate.smallest(xray, 25).quality() <= at30.quality());
        // a chest X-ray at 30 dB is far smaller than its 8 bits per pixel
        assertTrue(at30.bytes() * 8 < 128 * 128 * 8 / 4, at30.toString());
    }

    @Test
    void halfResolution_isExactOnAFlatImage_andLossyOnAnXray() {
        float[] flat = new float[64 * 64];
        java.util.Arrays.fill(flat, 0.5f);
        assertEquals(Metrics.PSNR_CAP, SecretRate.halfResolutionPsnr(new FloatImage(64, 64, 1, flat)), 1e-9);
        double xray = SecretRate.halfResolutionPsnr(sample(128));
        assertTrue(xray > 20 && xray < 60, "half resolution PSNR " + xray);
    }

    @Test
    void run_averagesOverTheXrays_andSpreadsTheBitsOverThreeCoverSamplesPerPixel() {
        List<Path> xrays = Images.listImages(XRAYS).subList(0, 2);
        SecretRate.Result r = SecretRate.run(xrays, 64, 30, new Progress(new PrintStream(new ByteArrayOutputStream())));
        assertEquals(2, r.images());
        assertEquals(2, r.reached());
        assertEquals(r.meanBytes() * 8 / (64 * 64), r.bitsPerXrayPixel(), 1e-9);
        assertEquals(r.bitsPerXrayPixel() / 3, r.bitsPerCoverSample(), 1e-9);
        assertTrue(SecretRate.line(r).contains("2 of 2 X-rays"), SecretRate.line(r));
    }

    @Test
    void smallest_refusesAColourImage_andRunRefusesAnImpossibleTarget() {
        FloatImage rgb = sample(32).toRgb();
        assertThrows(IllegalArgumentException.class, () -> SecretRate.smallest(rgb, 30));
        assertThrows(IllegalArgumentException.class, () -> SecretRate.run(List.of(), 32, 0, null));
    }
}
