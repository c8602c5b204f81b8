package org.stegoehealth.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Syndrome-trellis codes: exact recovery of every message, and distortion near the rate-distortion bound. */
class StcTest {

    private static byte[] bits(Random random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(2);
        }
        return b;
    }

    private static double cost(byte[] cover, byte[] stego, double[] costs) {
        double total = 0;
        for (int i = 0; i < cover.length; i++) {
            if (cover[i] != stego[i]) {
                total += costs[i];
            }
        }
        return total;
    }

    @Test
    void embedExtract_randomCostsAndPayloads_recoversEveryMessageExactly() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(2000);
            int m = random.nextInt(n + 1);
            int h = 2 + random.nextInt(9);
            Stc stc = new Stc(h, random.nextLong());
            byte[] cover = bits(random, n);
            double[] costs = new double[n];
            for (int i = 0; i < n; i++) {
                costs[i] = random.nextDouble() < 0.1 ? 0 : random.nextDouble() * 10;
            }
            byte[] message = bits(random, m);

            byte[] stego = stc.embed(cover, costs, message);

            assertEquals(n, stego.length);
            assertArrayEquals(message, stc.extract(stego, m), "n " + n + ", m " + m + ", h " + h);
        }
    }

    @Test
    void embed_distortionWithinTenPercentOfTheBound_atSeveralRates() {
        Random random = new Random(11);
        int n = 20_000;
        double[] costs = new double[n];
        for (int i = 0; i < n; i++) {
            // a profile like an adaptive cost map: most samples expensive, a textured few cheap
            costs[i] = random.nextDouble() < 0.3 ? 0.1 + random.nextDouble() : 1 + 20 * random.nextDouble();
        }
        byte[] cover = bits(random, n);
        Stc stc = new Stc(12, 5);
        for (double rate : new double[] {0.1, 0.25, 0.5}) {
            int m = (int) (rate * n);
            byte[] message = bits(random, m);

            byte[] stego = stc.embed(cover, costs, message);

            assertArrayEquals(message, stc.extract(stego, m));
            double distortion = cost(cover, stego, costs);
            double bound = Stc.bound(costs, m);
            System.out.printf(
                    "STC h=%d rate %.2f: distortion %.1f, bound %.1f (%.1f %% over)%n",
                    stc.height(), rate, distortion, bound, 100 * (distortion / bound - 1));
            assertTrue(distortion >= bound * 0.999, "no code beats the bound: " + distortion + " < " + bound);
            assertTrue(
                    distortion <= bound * 1.10,
                    String.format(
                            "rate %.2f: distortion %.1f is more than 10 %% over the bound %.1f",
                            rate, distortion, bound));
        }
    }

    @Test
    void embed_neverChangesAWetBit() {
        Random random = new Random(3);
        int n = 3000;
        byte[] cover = bits(random, n);
        double[] costs = new double[n];
        for (int i = 0; i < n; i++) {
            costs[i] = i % 3 == 0 ? Double.POSITIVE_INFINITY : 1;
        }
        byte[] message = bits(random, 300);
        Stc stc = new Stc(8, 1);

        byte[] stego = stc.embed(cover, costs, message);

        for (int i = 0; i < n; i += 3) {
            assertEquals(cover[i], stego[i], "wet bit " + i);
        }
        assertArrayEquals(message, stc.extract(stego, 300));
    }

    @Test
    void embed_messageLongerThanTheCover_isRefused() {
        Stc stc = new Stc(7, 1);
        assertThrows(IllegalArgumentException.class, () -> stc.embed(new byte[4], new double[4], new byte[5]));
    }
}
