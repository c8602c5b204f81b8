package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import org.stegoehealth.model.ImageInputException;
import org.stegoehealth.model.Images;
import org.stegoehealth.schemas.ImageFormat;

/**
 * Checking the images that arrive in events or files against the streaming system's rules (PNG or JPEG, gray or RGB,
 * 8 or 16 bits, sides within the configured limit, declared geometry true), on top of the one decoder
 * ({@link Images#decode}). Failures are {@link RecordRejectedException}s: DECODE when the bytes are no readable
 * image, VALIDATION when the image breaks a rule.
 */
public final class InputImages {

    /** A decoded image and what it really is. */
    public record Decoded(BufferedImage image, ImageFormat format, int width, int height, int channels, int bitDepth) {
        public String describe() {
            return width + "x" + height + ", " + channels + " channel" + (channels == 1 ? "" : "s") + ", " + bitDepth
                    + "-bit " + format;
        }
    }

    private InputImages() {}

    /** PNG or JPEG from the magic bytes ({@link Images.Format#sniff}), or null for anything else. */
    public static ImageFormat sniff(byte[] bytes) {
        return Images.Format.sniff(bytes)
                .map(f -> f == Images.Format.PNG ? ImageFormat.PNG : ImageFormat.JPEG)
                .orElse(null);
    }

    /**
     * Decodes a PNG or JPEG whose sides are within {@code maxSide} ({@link Images#decode}, the one decoder), and
     * accepts only 1 (gray) or 3 (RGB) channels of 8 or 16 bits.
     *
     * @param name what to call the image in messages (never patient data)
     */
    public static Decoded decode(byte[] bytes, String name, int maxSide) {
        ImageFormat format = sniff(bytes);
        if (format == null) {
            throw new RecordRejectedException(
                    ErrorType.DECODE,
                    name + ": not a " + Images.Format.ACCEPTED + " image (" + (bytes == null ? 0 : bytes.length)
                            + " bytes)");
        }
        BufferedImage image;
        try {
            image = Images.decode(bytes, name, maxSide);
        } catch (ImageInputException e) {
            throw rejected(e);
        }
        int channels = image.getColorModel().getNumComponents();
        int bits = image.getColorModel().getComponentSize(0);
        if (channels != 1 && channels != 3) {
            throw new RecordRejectedException(
                    ErrorType.VALIDATION,
                    name + ": image has " + channels + " channels"
                            + (image.getColorModel().hasAlpha() ? " (with alpha)" : "")
                            + "; 1 (gray) or 3 (RGB) expected");
        }
        if (bits != 8 && bits != 16) {
            throw new RecordRejectedException(
                    ErrorType.VALIDATION, name + ": " + bits + "-bit samples; 8 or 16 expected");
        }
        return new Decoded(image, format, image.getWidth(), image.getHeight(), channels, bits);
    }

    /**
     * Decodes the image an event carries, checking the geometry the event declares: within {@code maxSide} before
     * the bytes are looked at, and equal to the image's own geometry after decoding.
     */
    public static Decoded decodeDeclared(
            ByteBuffer image, String name, int declaredWidth, int declaredHeight, int maxSide) {
        try {
            Images.checkSize(name, declaredWidth, declaredHeight, maxSide);
        } catch (ImageInputException e) {
            throw rejected(e);
        }
        Decoded decoded = decode(bytes(image), name, maxSide);
        if (decoded.width() != declaredWidth || decoded.height() != declaredHeight) {
            throw new RecordRejectedException(
                    ErrorType.VALIDATION,
                    name + ": declared " + declaredWidth + "x" + declaredHeight + " but the image is " + decoded.width()
                            + "x" + decoded.height());
        }
        return decoded;
    }

    /** The rejection for an image the decoder refused: DECODE when unreadable, VALIDATION when out of limits. */
    private static RecordRejectedException rejected(ImageInputException e) {
        boolean unreadable = e.problem() == ImageInputException.Problem.UNREADABLE;
        return new RecordRejectedException(unreadable ? ErrorType.DECODE : ErrorType.VALIDATION, e.getMessage(), e);
    }

    /** The bytes of an Avro {@code bytes} field without disturbing the buffer. */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
