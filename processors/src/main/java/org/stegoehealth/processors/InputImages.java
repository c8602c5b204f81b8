package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.stegoehealth.model.ImageInputException;
import org.stegoehealth.model.Images;
import org.stegoehealth.schemas.ImageFormat;

/**
 * Decoding and checking the images that arrive in events or files. The header is read first, so an image over the
 * size limit is refused before its pixels are allocated. Failures are {@link RecordRejectedException}s: DECODE when
 * the bytes are no readable image, VALIDATION when the image breaks a rule.
 */
public final class InputImages {

    /** A decoded image and what it really is. */
    public record Decoded(BufferedImage image, ImageFormat format, int width, int height, int channels, int bitDepth) {
        public String describe() {
            return width + "x" + height + ", " + channels + " channel" + (channels == 1 ? "" : "s") + ", " + bitDepth + "-bit " + format;
        }
    }

    private InputImages() {
    }

    /** PNG or JPEG from the magic bytes, or null for anything else. */
    public static ImageFormat sniff(byte[] bytes) {
        if (bytes != null && bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return ImageFormat.PNG;
        }
        if (bytes != null && bytes.length >= 3 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8 && (bytes[2] & 0xff) == 0xFF) {
            return ImageFormat.JPEG;
        }
        return null;
    }

    /**
     * Decodes a PNG or JPEG whose longer side is at most {@code maxSide}, and accepts only 1 (gray) or 3 (RGB)
     * channels of 8 or 16 bits.
     *
     * @param name what to call the image in messages (never patient data)
     */
    public static Decoded decode(byte[] bytes, String name, int maxSide) {
        ImageFormat format = sniff(bytes);
        if (format == null) {
            throw new RecordRejectedException(ErrorType.DECODE, name + ": not a PNG or JPEG image ("
                    + (bytes == null ? 0 : bytes.length) + " bytes)");
        }
        int[] size = headerSize(bytes, name);
        if (size[0] > maxSide || size[1] > maxSide) {
            throw new RecordRejectedException(ErrorType.VALIDATION, name + ": image " + size[0] + "x" + size[1]
                    + " exceeds the " + maxSide + " px limit");
        }
        if (size[0] < Images.MIN_SIDE || size[1] < Images.MIN_SIDE) {
            throw new RecordRejectedException(ErrorType.VALIDATION, name + ": image " + size[0] + "x" + size[1]
                    + " is below the " + Images.MIN_SIDE + " px minimum");
        }
        BufferedImage image;
        try {
            image = Images.decode(bytes, name);
        } catch (ImageInputException e) {
            throw new RecordRejectedException(ErrorType.DECODE, e.getMessage(), e);
        }
        int channels = image.getColorModel().getNumComponents();
        int bits = image.getColorModel().getComponentSize(0);
        if (channels != 1 && channels != 3) {
            throw new RecordRejectedException(ErrorType.VALIDATION, name + ": image has " + channels + " channels"
                    + (image.getColorModel().hasAlpha() ? " (with alpha)" : "") + "; 1 (gray) or 3 (RGB) expected");
        }
        if (bits != 8 && bits != 16) {
            throw new RecordRejectedException(ErrorType.VALIDATION, name + ": " + bits + "-bit samples; 8 or 16 expected");
        }
        return new Decoded(image, format, image.getWidth(), image.getHeight(), channels, bits);
    }

    private static int[] headerSize(byte[] bytes, String name) {
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new RecordRejectedException(ErrorType.DECODE, name + ": corrupt image header (no decoder recognises it)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RecordRejectedException r) {
                throw r;
            }
            throw new RecordRejectedException(ErrorType.DECODE, name + ": corrupt image header ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    /** Lossless PNG bytes of an 8-bit image (no metadata chunks). */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The bytes of an Avro {@code bytes} field without disturbing the buffer. */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
