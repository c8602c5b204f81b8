package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.XrayImageEvent;

/** Synthetic images and events for tests. */
public final class TestImages {

    private TestImages() {}

    /** An 8-bit gray "X-ray": a smooth pattern that depends on {@code seed}. */
    public static BufferedImage grayXray(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) (128 + 100 * Math.sin((x + seed * 7) / 9.0) * Math.cos((y + seed * 3) / 13.0));
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        return img;
    }

    /** A 16-bit gray X-ray. */
    public static BufferedImage gray16Xray(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 977 + y * 131 + seed * 4001) & 0xffff);
            }
        }
        return img;
    }

    /** A flat RGB photo of one colour, with faint texture. */
    public static BufferedImage cover(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    public static BufferedImage rgba(int w, int h) {
        return new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    }

    public static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] png(BufferedImage img) {
        return encode(img, "png");
    }

    public static XrayImageEvent xray(String messageId, BufferedImage img) {
        FloatImage f = FloatImage.of(img);
        return xray(
                messageId,
                png(img),
                img.getWidth(),
                img.getHeight(),
                f.channels(),
                img.getColorModel().getComponentSize(0),
                null);
    }

    public static XrayImageEvent xray(
            String messageId, byte[] png, int w, int h, int channels, int bits, String coverId) {
        return XrayImageEvent.newBuilder()
                .setMessageId(messageId)
                .setStudyRef("STUDY-4711-SECRET")
                .setSourceName("patient-doe-chest.png")
                .setCoverId(coverId)
                .setFormat(ImageFormat.PNG)
                .setWidth(w)
                .setHeight(h)
                .setChannels(channels)
                .setBitDepth(bits)
                .setImage(ByteBuffer.wrap(png))
                .setProducedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
    }

    public static CoverImageEvent coverEvent(String id, BufferedImage img) {
        return CoverImageEvent.newBuilder()
                .setCoverId(id)
                .setFormat(ImageFormat.PNG)
                .setWidth(img.getWidth())
                .setHeight(img.getHeight())
                .setImage(ByteBuffer.wrap(png(img)))
                .setProducedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
    }

    public static byte[] bytes(ByteBuffer b) {
        return InputImages.bytes(b);
    }
}
