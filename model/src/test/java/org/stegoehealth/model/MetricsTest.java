package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static FloatImage gray(int w, int h, int... levels) {
        float[] d = new float[levels.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = levels[i] / 255f;
        }
        return new FloatImage(w, h, 1, d);
    }

    @Test
    void mseAndPsnr_matchHandComputedValues() {
        // differences 0, 2, 4, 6 grey levels: MSE = (0 + 4 + 16 + 36) / 4 = 14
        FloatImage a = gray(2, 2, 10, 20, 30, 40);
        FloatImage b = gray(2, 2, 10, 22, 34, 46);
        assertEquals(14.0, Metrics.mse(a, b), 1e-3);
        assertEquals(10 * Math.log10(255.0 * 255.0 / 14.0), Metrics.psnr(a, b), 1e-3); // 36.67 dB
    }

    @Test
    void psnr_identicalImages_isCapped() {
        FloatImage a = gray(2, 2, 1, 2, 3, 4);
        assertEquals(Metrics.PSNR_CAP, Metrics.psnr(a, a));
    }

    @Test
    void ssim_identicalImagesIsOne_andConstantShiftMatchesClosedForm() {
        int w = 16;
        int h = 16;
        int[] x = new int[w * h];
        int[] y = new int[w * h];
        for (int i = 0; i < x.length; i++) {
            x[i] = 100;
            y[i] = 110;
        }
        FloatImage a = gray(w, h, x);
        FloatImage b = gray(w, h, y);
        assertEquals(1.0, Metrics.ssim(a, a), 1e-9);
        // flat images: variances are 0, so SSIM = (2*mx*my + C1) / (mx^2 + my^2 + C1)
        double c1 = Math.pow(0.01 * 255, 2);
        double expected = (2 * 100.0 * 110.0 + c1) / (100.0 * 100.0 + 110.0 * 110.0 + c1);
        assertEquals(expected, Metrics.ssim(a, b), 1e-4);
    }

    @Test
    void lsb_recoversTheTopBitsExactly() {
        for (int k = 1; k <= 4; k++) {
            int[] cover = new int[256];
            int[] secret = new int[256];
            for (int i = 0; i < 256; i++) {
                cover[i] = (i * 37) & 0xff;
                secret[i] = i;
            }
            FloatImage stego = Lsb.embed(gray(16, 16, cover), gray(16, 16, secret), k);
            FloatImage out = Lsb.extract(stego, k);
            for (int i = 0; i < 256; i++) {
                int recovered = Math.round(out.data()[i] * 255f);
                int stegoLevel = Math.round(stego.data()[i] * 255f);
                assertEquals(secret[i] >> (8 - k), recovered >> (8 - k), "top bits, k=" + k);
                assertEquals(cover[i] >> k, stegoLevel >> k, "cover's high bits untouched, k=" + k);
            }
        }
    }

    @Test
    void resize_bicubicKeepsConstantsAndGeometry() {
        int[] flat = new int[64];
        Arrays.fill(flat, 77);
        FloatImage img = gray(8, 8, flat).resize(5, 3);
        assertEquals(5, img.width());
        assertEquals(3, img.height());
        for (float v : img.data()) {
            assertEquals(77 / 255f, v, 1e-6);
        }
    }
}
