package org.stegoehealth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** HILL costs on images whose answer is known: texture is cheap, flat areas are expensive, symmetric images agree. */
class HillCostsTest {

    @Test
    void costs_noisyHalfIsCheaperThanTheFlatHalf() {
        int w = 64;
        int h = 64;
        int[] img = new int[w * h];
        Random random = new Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img[y * w + x] = x < w / 2 ? 128 : 128 + random.nextInt(41) - 20;
            }
        }

        double[] rho = HillCosts.of(img, w, h);

        double flat = rho[32 * w + 4];
        double noisy = rho[32 * w + w - 5];
        assertTrue(noisy * 100 < flat, "noisy " + noisy + " vs flat " + flat);
        for (double r : rho) {
            assertTrue(r > 0 && Double.isFinite(r), "cost " + r);
        }
    }

    @Test
    void costs_ofAMirroredImage_areTheMirroredCosts() {
        int w = 40;
        int h = 30;
        int[] img = new int[w * h];
        int[] flipped = new int[w * h];
        Random random = new Random(2);
        for (int i = 0; i < img.length; i++) {
            img[i] = random.nextInt(256);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                flipped[y * w + (w - 1 - x)] = img[y * w + x];
            }
        }

        double[] a = HillCosts.of(img, w, h);
        double[] b = HillCosts.of(flipped, w, h);

        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(a[y * w + x], b[y * w + (w - 1 - x)], 1e-9 * a[y * w + x]);
            }
        }
    }

    @Test
    void mirror_reflectsAtBothEdges() {
        assertEquals(1, HillCosts.mirror(-1, 5));
        assertEquals(0, HillCosts.mirror(0, 5));
        assertEquals(4, HillCosts.mirror(4, 5));
        assertEquals(3, HillCosts.mirror(5, 5));
        assertEquals(0, HillCosts.mirror(3, 1));
    }
}
