package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttackTest {

    /** A smooth gradient with mild texture, 8-bit. */
    private static FloatImage photo() {
        Random rnd = new Random(3);
        float[] d = new float[64 * 48 * 3];
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                for (int c = 0; c < 3; c++) {
                    d[(y * 64 + x) * 3 + c] = (40 + 2 * x + y + 20 * c + rnd.nextInt(5)) / 255f;
                }
            }
        }
        return new FloatImage(64, 48, 3, d).quantize8();
    }

    @Test
    void parse_readsTheDocumentedNames_andRefusesOthers() {
        List<Attack> all = Attack.parseList(Attack.DEFAULTS);
        assertEquals(
                List.of("jpeg95", "jpeg90", "jpeg75", "jpeg444q95", "resize0.9", "noise1", "noise2"),
                all.stream().map(Attack::name).toList());
        assertEquals(Attack.Kind.RESIZE, Attack.parse("resize0.9").kind());
        assertEquals(0.9, Attack.parse("resize0.9").amount(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Attack.parse("blur3"));
        assertThrows(IllegalArgumentException.class, () -> Attack.parse("jpeg"));
        assertThrows(IllegalArgumentException.class, () -> Attack.parse("jpeg101"));
    }

    @Test
    void attacks_keepGeometry_roundTo8Bits_andDamageMoreWhenStronger() {
        FloatImage img = photo();
        double previous = Double.MAX_VALUE;
        for (String name : new String[] {"jpeg95", "jpeg75", "jpeg20"}) {
            FloatImage out = Attack.parse(name).apply(img, 1);
            img.requireSameGeometry(out);
            assertEquals(out, out.quantize8());
            double psnr = Metrics.psnr(img, out);
            assertTrue(psnr < previous, name + " " + psnr);
            assertTrue(psnr > 25, name + " " + psnr);
            previous = psnr;
        }
        // without chroma subsampling the same quality keeps more of the image
        assertEquals(Attack.Kind.JPEG444, Attack.parse("jpeg444q90").kind());
        assertTrue(Metrics.psnr(img, Attack.parse("jpeg444q90").apply(img, 1))
                > Metrics.psnr(img, Attack.parse("jpeg90").apply(img, 1)));
        FloatImage resized = Attack.parse("resize0.9").apply(img, 1);
        img.requireSameGeometry(resized);
        assertTrue(Metrics.psnr(img, resized) > 30);
        FloatImage noisy = Attack.parse("noise2").apply(img, 5);
        // sigma 2 grey levels, then rounding: MSE close to 4 + 1/12
        assertEquals(4.08, Metrics.mse(img, noisy), 0.4);
        assertEquals(noisy, Attack.parse("noise2").apply(img, 5));
        assertNotEquals(noisy, Attack.parse("noise2").apply(img, 6));
    }
}
