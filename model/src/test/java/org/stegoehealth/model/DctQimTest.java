package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The robust classical baseline: exact on a clean channel, and what it keeps after real JPEG 4:2:0 and resizing. */
class DctQimTest {

    private static final Path SAMPLES = Path.of("..", "samples");

    private static FloatImage photo(int size) {
        return Images.squareAt(
                        Images.read(SAMPLES.resolve("covers").resolve("lomiri-16.04__Picture_1A_by_freespace.jpg")),
                        size)
                .withChannels(3)
                .quantize8();
    }

    private static FloatImage xray(int size) {
        return Images.squareAt(Images.read(SAMPLES.resolve("xray").resolve("IM-0003-0001.jpeg")), size)
                .toGray()
                .quantize8();
    }

    /** What extraction returns when every bit arrives: the low-resolution copy, each sample mid-bin, brought back. */
    private static FloatImage ideal(DctQim m, FloatImage secret) {
        int side = m.secretSide(secret.width(), secret.height());
        float[] low = secret.resize(side, side).data();
        int levels = 1 << m.sampleBits();
        float[] mid = new float[low.length];
        for (int i = 0; i < low.length; i++) {
            int q = Math.min(levels - 1, (int) Math.floor(low[i] * levels));
            mid[i] = (q + 0.5f) / levels;
        }
        return new FloatImage(side, side, 1, mid).resize(secret.width(), secret.height());
    }

    @Test
    void cleanChannel_everyBitArrives() {
        Random rnd = new Random(3);
        float[] c = new float[96 * 96 * 3];
        for (int i = 0; i < c.length; i++) {
            c[i] = Math.round((0.3f + 0.4f * rnd.nextFloat()) * 255) / 255f; // no clipping at black or white
        }
        FloatImage cover = new FloatImage(96, 96, 3, c);
        FloatImage secret = xray(96);
        FloatImage stego = DctQim.STANDARD.embed(cover, secret);
        assertEquals(stego, stego.quantize8(), "the stego image is 8-bit");
        assertEquals(Metrics.PSNR_CAP, Metrics.psnr(ideal(DctQim.STANDARD, secret), DctQim.STANDARD.extract(stego)));
    }

    @Test
    void realJpeg420AndResizing_costLittle_atACoverAbove35dB() {
        FloatImage cover = photo(128);
        FloatImage secret = xray(128);
        FloatImage stego = DctQim.STANDARD.embed(cover, secret);
        double coverPsnr = Metrics.psnr(cover, stego);
        double clean = Metrics.psnr(secret, DctQim.STANDARD.extract(stego));
        double jpeg = Metrics.psnr(
                secret, DctQim.STANDARD.extract(Attack.parse("jpeg90").apply(stego, 1)));
        double resized = Metrics.psnr(
                secret, DctQim.STANDARD.extract(Attack.parse("resize0.75").apply(stego, 1)));
        assertTrue(coverPsnr > 35, "cover " + coverPsnr);
        assertTrue(clean > 18, "clean " + clean);
        assertTrue(jpeg > clean - 1.5, "after jpeg90 " + jpeg + " against " + clean + " clean");
        // spread LSB does not survive either
        SpreadLsb lsb = new SpreadLsb(2, 2, 1);
        FloatImage lsbStego = lsb.embed(cover, secret);
        double lsbJpeg = Metrics.psnr(secret, lsb.extract(Attack.parse("jpeg90").apply(lsbStego, 1)));
        double lsbResized =
                Metrics.psnr(secret, lsb.extract(Attack.parse("resize0.75").apply(lsbStego, 1)));
        assertTrue(jpeg > lsbJpeg + 5, jpeg + " vs LSB " + lsbJpeg);
        assertTrue(resized > lsbResized + 5, "after resize0.75 " + resized + " vs LSB " + lsbResized);
    }

    @Test
    void payload_followsTheCoverSize() {
        assertEquals(41, DctQim.STANDARD.secretSide(256, 256)); // 1,024 blocks x 10 bits / 6 bits per sample
        assertEquals(82, DctQim.STANDARD.secretSide(512, 512));
        assertEquals(10 / 64.0 * 4 / 6 / 3, DctQim.STANDARD.bitsPerChannel(), 1e-12);
    }

    @Test
    void badGeometryOrSettings_areRefused() {
        FloatImage tiny = new FloatImage(4, 4, 3, new float[4 * 4 * 3]);
        assertThrows(IllegalArgumentException.class, () -> DctQim.STANDARD.extract(tiny));
        assertThrows(IllegalArgumentException.class, () -> DctQim.STANDARD.embed(xray(64), xray(64))); // gray cover
        assertThrows(IllegalArgumentException.class, () -> new DctQim(0, 10, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new DctQim(32, 65, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new DctQim(32, 10, 4, 5));
    }
}
