package org.stegoehealth.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The PNG writer's notes, read back from the file's own chunks. */
class PngNotesTest {

    /** A photo-like RGB image: smooth gradients with mild noise. */
    private static BufferedImage photo(int w, int h) {
        Random rnd = new Random(7);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = Math.min(255, 40 + x / 2 + rnd.nextInt(6));
                int g = Math.min(255, 60 + y / 2 + rnd.nextInt(6));
                int b = Math.min(255, 90 + (x + y) / 4 + rnd.nextInt(6));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    @Test
    void png_keepsItsPixels_andCarriesNotesOnlyWhenAsked() throws IOException {
        BufferedImage photo = photo(40, 30);
        Map<String, String> notes = Map.of("Stego-eHealth model", "v1");

        byte[] plain = Png.encode(photo);
        byte[] noted = Png.encode(photo, notes);

        assertEquals(Map.of(), Png.notes(plain));
        assertEquals(notes, Png.notes(noted));
        int[] expected = photo.getRaster().getPixels(0, 0, 40, 30, (int[]) null);
        assertArrayEquals(
                expected,
                ImageIO.read(new ByteArrayInputStream(noted)).getRaster().getPixels(0, 0, 40, 30, (int[]) null));
        // bytes cut off before the notes give none, and no error
        assertEquals(Map.of(), Png.notes(Arrays.copyOf(noted, 20)));
        assertThrows(IllegalArgumentException.class, () -> Png.encode(photo, Map.of(" bad", "x")));
    }
}
