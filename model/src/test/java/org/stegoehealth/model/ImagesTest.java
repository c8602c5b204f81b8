package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {

    private static final Path SAMPLE_XRAY = Path.of("..", "samples", "xray", "IM-0003-0001.jpeg");

    @Test
    void read_emptyFile_namesTheFile(@TempDir Path dir) throws IOException {
        Path f = Files.createFile(dir.resolve("empty.png"));
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void read_textFile_isNotAnImage(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("notes.jpg"), "hello, not an image");
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.read(f));
        assertTrue(e.getMessage().contains("not a supported image"), e.getMessage());
    }

    @Test
    void decode_truncatedPng_isCorrupt() throws IOException {
        byte[] png = png(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB));
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.decode(cut, "cut.png"));
        assertTrue(e.getMessage().startsWith("cut.png"), e.getMessage());
        assertEquals(ImageInputException.Problem.UNREADABLE, e.problem());
    }

    @Test
    void decode_absurdSize_isRefusedBeforeDecoding() throws IOException {
        byte[] tiny = png(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY));
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.decode(tiny, "tiny.png"));
        assertEquals("tiny.png: image 4x4 is below the 8 px minimum", e.getMessage());
        assertEquals(ImageInputException.Problem.OUT_OF_LIMITS, e.problem());
    }

    @Test
    void decode_overTheCallersLimit_isRefusedNamingTheLimit() throws IOException {
        byte[] wide = png(new BufferedImage(300, 20, BufferedImage.TYPE_BYTE_GRAY));
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.decode(wide, "wide.png", 256));
        assertEquals("wide.png: image 300x20 exceeds the 256 px limit", e.getMessage());
        assertEquals(ImageInputException.Problem.OUT_OF_LIMITS, e.problem());
        assertEquals(300, Images.decode(wide, "wide.png", 300).getWidth());
    }

    @Test
    void floatImage_sixteenBitGray_keepsItsDepth() {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(3, 2, 0, 65535);
        img.getRaster().setSample(4, 2, 0, 257);
        FloatImage f = FloatImage.of(img);
        assertEquals(1, f.channels());
        assertEquals(1.0f, f.data()[2 * 8 + 3], 1e-6);
        assertEquals(257 / 65535f, f.data()[2 * 8 + 4], 1e-7);
    }

    @Test
    void floatImage_pngRoundTrip_isLossless() throws IOException {
        FloatImage f = StegoModelTest.random(20, 10, 3, 3).quantize8();
        FloatImage back = FloatImage.of(Images.decode(png(f.toBufferedImage()), "rt.png"));
        assertEquals(f, back);
    }

    @Test
    void decode_sampleXrayJpegCutInHalf_isRefusedNotGrayFilled() throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLE_XRAY);
        assertTrue(Images.decode(whole, "whole.jpeg").getHeight() > 0);
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.decode(half, "half.jpeg"));
        assertEquals("half.jpeg: truncated JPEG (no end-of-image marker)", e.getMessage());
        assertEquals(ImageInputException.Problem.UNREADABLE, e.problem());
    }

    @Test
    void decode_sampleJpegCutNearTheEnd_isRefused() throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLE_XRAY);
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);
        assertThrows(ImageInputException.class, () -> Images.decode(cut, "cut.jpeg"));
    }

    @Test
    void decode_jpegWithEndMarkerButMissingScanData_isRefusedOnTheDecodersWarning() throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLE_XRAY);
        byte[] half = Arrays.copyOf(whole, whole.length / 2 + 2);
        half[half.length - 2] = (byte) 0xFF;
        half[half.length - 1] = (byte) 0xD9;
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.decode(half, "patched.jpeg"));
        assertTrue(e.getMessage().startsWith("patched.jpeg: corrupt"), e.getMessage());
    }

    @Test
    void decode_samplePngMissingItsLastChunk_isRefused() throws IOException {
        byte[] png = png(ImageIO.read(SAMPLE_XRAY.toFile()));
        assertTrue(Images.decode(png, "whole.png").getWidth() > 0);
        byte[] noIend = Arrays.copyOf(png, png.length - 12);
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.decode(noIend, "noiend.png"));
        assertEquals("noiend.png: truncated PNG (no IEND chunk at the end)", e.getMessage());
    }

    @Test
    void read_truncatedSampleFile_namesTheFile(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLE_XRAY);
        Path f = Files.write(dir.resolve("cut.jpeg"), Arrays.copyOf(whole, whole.length * 2 / 3));
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void format_oneListForFilesAndBytes_pngAndJpegOnly() throws IOException {
        assertTrue(Images.isImageFile(Path.of("a.PNG")));
        assertTrue(Images.isImageFile(Path.of("a.jpeg")));
        assertTrue(Images.isImageFile(Path.of("a.JPG")));
        assertFalse(Images.isImageFile(Path.of("a.bmp")));
        assertFalse(Images.isImageFile(Path.of(".hidden.png")));
        ByteArrayOutputStream bmp = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), "bmp", bmp);
        ImageInputException e =
                assertThrows(ImageInputException.class, () -> Images.decode(bmp.toByteArray(), "scan.bmp"));
        assertEquals("scan.bmp: not a supported image (PNG or JPEG expected)", e.getMessage());
    }
}
