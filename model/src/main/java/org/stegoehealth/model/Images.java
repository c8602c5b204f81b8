package org.stegoehealth.model;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Reading, validating and resampling images: the project's one image decoder. The header is read first and the
 * size checked against a limit before any pixel is allocated; the same reader then decodes the pixels. Every failure
 * is an {@link ImageInputException} naming the input: {@code UNREADABLE} when the bytes are no readable image,
 * {@code OUT_OF_LIMITS} when a readable image is too large or too small.
 *
 * <p>A cut-off file is refused, not decoded in part: Java's decoders fill what is missing with gray and at most
 * warn, so a JPEG must end with its end-of-image marker, a PNG with its {@code IEND} chunk, and the reader must
 * not warn while decoding.
 */
public final class Images {

    /**
     * The default limit for image files read by the offline tools (training, evaluation): sides beyond it are refused
     * before decoding (decompression bombs, absurd scans). The streaming system passes its configured limit instead.
     */
    public static final int MAX_SIDE = 8192;

    public static final int MIN_SIDE = 8;

    private Images() {}

    /** Reads an image file whose sides are within {@link #MAX_SIDE}. */
    public static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageInputException(file + ": no such file");
        }
        try {
            if (Files.size(file) == 0) {
                throw new ImageInputException(file + ": empty file");
            }
            return decode(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new ImageInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Width and height of an image file, from its header (no pixels decoded). */
    public static int[] dimensions(Path file) {
        try (ImageInputStream iis = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
            if (readers == null || !readers.hasNext()) {
                throw new ImageInputException(file + ": not a supported image (" + Format.ACCEPTED + " expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new ImageInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Decodes PNG or JPEG bytes whose sides are within {@link #MAX_SIDE}. */
    public static BufferedImage decode(byte[] bytes, String name) {
        return decode(bytes, name, MAX_SIDE);
    }

    /**
     * Decodes PNG or JPEG bytes ({@link Format}, the project's one list), checking the header's geometry against {@code maxSide} (and
     * {@link #MIN_SIDE}) before allocating pixels.
     *
     * @param name what to call the input in error messages (never patient data)
     */
    public static BufferedImage decode(byte[] bytes, String name, int maxSide) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageInputException(name + ": empty image");
        }
        if (Format.sniff(bytes).isEmpty()) {
            throw new ImageInputException(name + ": not a supported image (" + Format.ACCEPTED + " expected)");
        }
        try (InputStream in = new ByteArrayInputStream(bytes);
                ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new ImageInputException(name + ": corrupt image header (no decoder recognises it)");
            }
            checkComplete(bytes, name);
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                checkSize(name, w, h, maxSide);
                reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                    @Override
                    public void warningOccurred(ImageReader source, String warning) {
                        warnings.add(warning);
                    }
                });
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new ImageInputException(name + ": image could not be decoded");
                }
                if (!warnings.isEmpty()) {
                    throw new ImageInputException(name + ": corrupt or truncated image (" + warnings.get(0) + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageInputException iie) {
                throw iie;
            }
            throw new ImageInputException(
                    name + ": corrupt image (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                    e);
        }
    }

    /**
     * Refuses a JPEG without its end-of-image marker (FF D9, trailing zero padding allowed) and a PNG without its
     * closing {@code IEND} chunk: both mean the file was cut off, and the decoders would fill the rest with gray.
     */
    private static void checkComplete(byte[] b, String name) {
        boolean jpeg = b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8;
        boolean png = b.length >= 4 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
        if (jpeg) {
            int end = b.length;
            while (end > 2 && b[end - 1] == 0) {
                end--;
            }
            if (end < 4 || (b[end - 2] & 0xff) != 0xFF || (b[end - 1] & 0xff) != 0xD9) {
                throw new ImageInputException(name + ": truncated JPEG (no end-of-image marker)");
            }
        } else if (png) {
            int at = b.length - 8;
            if (at < 8 || b[at] != 'I' || b[at + 1] != 'E' || b[at + 2] != 'N' || b[at + 3] != 'D') {
                throw new ImageInputException(name + ": truncated PNG (no IEND chunk at the end)");
            }
        }
    }

    /**
     * The one size rule: both sides within {@link #MIN_SIDE}..{@code maxSide}. Used on an image's header before
     * decoding, and on the geometry an event declares before its bytes are looked at.
     *
     * @throws ImageInputException OUT_OF_LIMITS naming the image and the limit it breaks
     */
    public static void checkSize(String name, int w, int h, int maxSide) {
        if (w > maxSide || h > maxSide) {
            throw new ImageInputException(
                    ImageInputException.Problem.OUT_OF_LIMITS,
                    name + ": image " + w + "x" + h + " exceeds the " + maxSide + " px limit",
                    null);
        }
        if (w < MIN_SIDE || h < MIN_SIDE) {
            throw new ImageInputException(
                    ImageInputException.Problem.OUT_OF_LIMITS,
                    name + ": image " + w + "x" + h + " is below the " + MIN_SIDE + " px minimum",
                    null);
        }
    }

    /** Whether a file name looks like an image this project reads ({@link Format}; hidden files excluded). */
    public static boolean isImageFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && Format.ofFileName(name).isPresent();
    }

    /**
     * The image formats the project reads and sends, the one list every command, producer and topology uses: what
     * travels on the topics is one of these, byte for byte as the file was.
     */
    public enum Format {
        PNG(".png"),
        JPEG(".jpg", ".jpeg");

        /** The accepted formats in words, for messages. */
        public static final String ACCEPTED = "PNG or JPEG";

        private final List<String> extensions;

        Format(String... extensions) {
            this.extensions = List.of(extensions);
        }

        /** File name endings of this format, lower case. */
        public List<String> extensions() {
            return extensions;
        }

        /** The format whose signature the bytes start with, if any. */
        public static Optional<Format> sniff(byte[] b) {
            if (b != null && b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
                return Optional.of(PNG);
            }
            if (b != null && b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
                return Optional.of(JPEG);
            }
            return Optional.empty();
        }

        /** The format a file name's ending names, if any (case-insensitive). */
        public static Optional<Format> ofFileName(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (Format f : values()) {
                if (f.extensions.stream().anyMatch(lower::endsWith)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    /** The image files directly in {@code dir}, in name order. */
    public static List<Path> listImages(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ImageInputException(dir + ": not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(Images::isImageFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ImageInputException(dir + ": cannot list (" + e.getMessage() + ")", e);
        }
    }

    /** The largest centred square. */
    public static BufferedImage centerCropSquare(BufferedImage image) {
        int side = Math.min(image.getWidth(), image.getHeight());
        int x0 = (image.getWidth() - side) / 2;
        int y0 = (image.getHeight() - side) / 2;
        return image.getSubimage(x0, y0, side, side);
    }

    /** Centre-crops to a square and resizes to {@code size x size}: how evaluation prepares every image. */
    public static FloatImage squareAt(BufferedImage image, int size) {
        return FloatImage.of(centerCropSquare(image)).resize(size, size);
    }
}
