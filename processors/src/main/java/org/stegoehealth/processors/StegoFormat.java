package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.stegoehealth.model.Jpeg;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.security.Png;

/**
 * How the embedder encodes a stego image of the neural method for the wire (config {@code stego.format} and
 * {@code stego.jpeg.quality}): a lossless PNG, or a baseline JPEG with 4:2:0 chroma subsampling ({@link Jpeg}), an
 * eighth to a tenth of the PNG's bytes at quality 90 and what a photograph on the wire usually is. The network's secret survives JPEG only
 * as far as the model was trained for it. The sealed and covert methods need every bit of their carrier, so their
 * stego images are always PNG: an embedder whose default method is keyed refuses {@code jpeg} at start-up
 * ({@link #checkFor}), and an X-ray that asks for a keyed method travels as PNG whatever this says.
 *
 * <p>A neural stego image carries the model version that made it as a note ({@value #MODEL_NOTE}: a PNG {@code tEXt}
 * chunk or a JPEG {@code COM} segment), so that a file that left the system by another channel can still be
 * extracted ({@code stego extract}). The note holds nothing else: no message id, no study reference, no key.
 *
 * @param jpegQuality JPEG quality 1 to 100 (used with {@link ImageFormat#JPEG} only)
 */
public record StegoFormat(ImageFormat format, int jpegQuality) {

    /** The note naming the model version of a neural stego image. */
    public static final String MODEL_NOTE = "Stego-eHealth model";

    public static final int DEFAULT_JPEG_QUALITY = 90;

    /** Lossless PNG: the default. */
    public static final StegoFormat PNG = new StegoFormat(ImageFormat.PNG, DEFAULT_JPEG_QUALITY);

    public StegoFormat {
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality " + jpegQuality + " is not 1..100");
        }
    }

    /** JPEG at {@code quality}. */
    public static StegoFormat jpeg(int quality) {
        return new StegoFormat(ImageFormat.JPEG, quality);
    }

    /**
     * {@code png} or {@code jpeg} (any case) at {@code quality}.
     *
     * @throws IllegalArgumentException for another name
     */
    public static StegoFormat parse(String label, int quality) {
        String l = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        return switch (l) {
            case "png" -> new StegoFormat(ImageFormat.PNG, quality);
            case "jpeg" -> jpeg(quality);
            default -> throw new IllegalArgumentException("unknown stego format '" + label + "' (png or jpeg)");
        };
    }

    /** {@code png} or {@code jpeg q90}: how logs and reports name it. */
    public String describe() {
        return format == ImageFormat.PNG ? "png" : "jpeg q" + jpegQuality;
    }

    /**
     * Checks this format against the embedder's default hiding method.
     *
     * @throws IllegalArgumentException one line, for JPEG with the sealed or covert method
     */
    public StegoFormat checkFor(HidingMethod defaultMethod) {
        if (format == ImageFormat.JPEG && defaultMethod.keyed()) {
            throw new IllegalArgumentException("stego.format=jpeg works with the neural method only: the "
                    + defaultMethod.label() + " method needs a lossless carrier (JPEG would destroy its payload); set"
                    + " stego.format=png or hiding.method=neural");
        }
        return this;
    }

    /** The bytes a neural stego image (8-bit RGB) travels as, noting {@code modelVersion}. */
    public byte[] encode(BufferedImage stego, String modelVersion) {
        Map<String, String> notes = Map.of(MODEL_NOTE, modelVersion);
        return format == ImageFormat.PNG ? Png.encode(stego, notes) : Jpeg.encode(stego, jpegQuality, notes);
    }

    /** The notes of PNG or JPEG bytes, told apart by their first bytes; empty for anything else. */
    public static Map<String, String> notesOf(byte[] image) {
        ImageFormat format = InputImages.sniff(image);
        if (format == null) {
            return Map.of();
        }
        return format == ImageFormat.PNG ? Png.notes(image) : Jpeg.notes(image);
    }

    /** The model version a stego image notes ({@value #MODEL_NOTE}), if any. */
    public static Optional<String> modelVersionOf(byte[] image) {
        return Optional.ofNullable(notesOf(image).get(MODEL_NOTE))
                .map(String::strip)
                .filter(v -> !v.isEmpty());
    }
}
