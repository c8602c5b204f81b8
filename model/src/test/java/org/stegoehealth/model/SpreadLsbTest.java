package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpreadLsbTest {

    private static FloatImage random(int w, int h, int channels, Random rnd) {
        float[] d = new float[w * h * channels];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextInt(256) / 255f;
        }
        return new FloatImage(w, h, channels, d);
    }

    private static int level(float v) {
        return Math.round(v * 255f);
    }

    @Test
    void roundTrip_recoversExactlyTheTopBitsItClaims_andKeepsTheCoversHighBits() {
        Random rnd = new Random(7);
        FloatImage cover = random(31, 17, 3, rnd);
        FloatImage secret = random(31, 17, 1, rnd);
        for (SpreadLsb m : SpreadLsb.STANDARD) {
            int n = m.secretBits();
            FloatImage stego = m.embed(cover, secret);
            FloatImage back = m.extract(stego);
            int[] bits = {m.r(), m.g(), m.b()};
            for (int i = 0; i < secret.data().length; i++) {
                int s = level(secret.data()[i]);
                int x = level(back.data()[i]);
                assertEquals(s >> (8 - n), x >> (8 - n), m.name() + ": top bits of pixel " + i);
                // the dropped bits come back as the middle of their range
                assertEquals(n == 8 ? 0 : 1 << (7 - n), x & ((1 << (8 - n)) - 1), m.name() + ": filler of pixel " + i);
                for (int ch = 0; ch < 3; ch++) {
                    int c = level(cover.data()[3 * i + ch]);
                    int t = level(stego.data()[3 * i + ch]);
                    assertEquals(c >> bits[ch], t >> bits[ch], m.name() + ": cover high bits, channel " + ch);
                }
            }
        }
    }

    @Test
    void psnr_matchesHandComputedValues() {
        // cover: R, G, B = 0, 0, 0 everywhere; secret 255 everywhere.
        // 2-2-1 writes 11 into R, 11 into G, 1 into B: squared errors 9, 9, 1, so cover MSE = 19/3.
        // The secret comes back as 11111 + filler 100 = 252: MSE 9.
        FloatImage cover = new FloatImage(4, 4, 3, new float[48]);
        float[] white = new float[16];
        Arrays.fill(white, 1f);
        FloatImage secret = new FloatImage(4, 4, 1, white);
        SpreadLsb m = SpreadLsb.parse("2-2-1");
        FloatImage stego = m.embed(cover, secret);
        assertEquals(19.0 / 3.0, Metrics.mse(cover, stego), 1e-4);
        assertEquals(10 * Math.log10(255.0 * 255.0 * 3.0 / 19.0), Metrics.psnr(cover, stego), 1e-4); // 40.11 dB
        assertEquals(9.0, Metrics.mse(secret, m.extract(stego)), 1e-4);
        assertEquals(10 * Math.log10(255.0 * 255.0 / 9.0), Metrics.psnr(secret, m.extract(stego)), 1e-4); // 38.59 dB
        assertEquals(5.0 / 3.0, m.bitsPerChannel(), 1e-12);
        assertEquals("spread-lsb-2-2-1", m.name());
    }

    @Test
    void badLayoutOrGeometry_isRefusedWithAClearMessage() {
        assertThrows(IllegalArgumentException.class, () -> SpreadLsb.parse("3-3-3"));
        assertThrows(IllegalArgumentException.class, () -> SpreadLsb.parse("2-2"));
        FloatImage rgb = new FloatImage(2, 2, 3, new float[12]);
        assertThrows(IllegalArgumentException.class, () -> new SpreadLsb(1, 1, 1).embed(rgb, rgb));
    }
}
