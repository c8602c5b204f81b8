package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/** The JPEG writer: what it puts in the file, checked by reading the file's own segments. */
class JpegTest {

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

    /** The start-of-frame segment: its marker (0xC0 baseline, 0xC2 progressive) and each component's H/V byte. */
    private record Frame(int marker, int[] sampling) {}

    private static Frame frame(byte[] jpeg) {
        int at = 2;
        while (at + 4 <= jpeg.length) {
            int marker = jpeg[at + 1] & 0xff;
            int length = ((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                int components = jpeg[at + 9] & 0xff;
                int[] sampling = new int[components];
                for (int c = 0; c < components; c++) {
                    sampling[c] = jpeg[at + 10 + 3 * c + 1] & 0xff;
                }
                return new Frame(marker, sampling);
            }
            at += 2 + length;
        }
        throw new AssertionError("no start-of-frame segment");
    }

    @Test
    void imageIo_writesRgbJpegAs420ByDefault() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(photo(64, 48), "jpeg", out));
        Frame frame = frame(out.toByteArray());
        assertEquals(0xC0, frame.marker(), "baseline");
        assertArrayEquals(new int[] {0x22, 0x11, 0x11}, frame.sampling(), "Y 2x2, Cb 1x1, Cr 1x1");
    }

    @Test
    void jpeg_isBaseline420_withItsNotes_andSmallerAtLowerQuality() throws IOException {
        BufferedImage photo = photo(96, 64);
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("Stego-eHealth model", "stego-gray-20261130-0742-af63361f");
        notes.put("Other", "a: b");

        byte[] q90 = Jpeg.encode(photo, 90, notes);
        byte[] q50 = Jpeg.encode(photo, 50, Map.of());

        Frame frame = frame(q90);
        assertEquals(0xC0, frame.marker(), "baseline");
        assertArrayEquals(new int[] {0x22, 0x11, 0x11}, frame.sampling(), "4:2:0");
        assertEquals(notes, Jpeg.notes(q90));
        assertEquals(Map.of(), Jpeg.notes(q50));
        assertTrue(q50.length < q90.length, q50.length + " vs " + q90.length);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(q90));
        assertEquals(96, back.getWidth());
        assertEquals(64, back.getHeight());
        assertEquals(0xFF, q90[q90.length - 2] & 0xff);
        assertEquals(0xD9, q90[q90.length - 1] & 0xff);
    }

    @Test
    void withoutNotes_420IsByteForByteTheJdkWritersDefault_soEarlierJpegAttackFiguresStand() throws IOException {
        BufferedImage photo = photo(80, 56);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(photo, null, null), param);
        } finally {
            writer.dispose();
        }
        assertArrayEquals(bytes.toByteArray(), Jpeg.encode(photo, 90, Map.of()));
        Frame full = frame(Jpeg.encode(photo, 90, Jpeg.Chroma.FULL_444, Map.of()));
        assertArrayEquals(new int[] {0x11, 0x11, 0x11}, full.sampling(), "4:4:4");
    }

    @Test
    void jpeg_refusesWhatItCannotWrite() {
        assertThrows(IllegalArgumentException.class, () -> Jpeg.encode(photo(16, 16), 0, Map.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> Jpeg.encode(new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY), 90, Map.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> Jpeg.encode(new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB), 90, Map.of()));
        assertEquals(Map.of(), Jpeg.notes(new byte[] {1, 2, 3, 4}));
    }
}
