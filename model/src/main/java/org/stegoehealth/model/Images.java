package org.stegoehealth.model;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reading, validating and resampling images. Every failure is an {@link ImageInputException} naming the input. */
public final class Images {

    /** Sides beyond this are refused before decoding (decompression bombs, absurd scans). */
    public static final int MAX_SIDE = 8192;
    public static final int MIN_SIDE = 8;

    private Images() {
    }

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

    /**
     * Decodes PNG/JPEG/BMP/GIF bytes, checking the declared geometry before allocating pixels.
     *
     * @param name what to call the input in error messages
     */
    public static BufferedImage decode(byte[] bytes, String name) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageInputException(name + ": empty image");
        }
        try (InputStream in = new ByteArrayInputStream(bytes); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new ImageInputException(name + ": not a supported image (PNG, JPEG, BMP or GIF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                checkSize(name, w, h);
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new ImageInputException(name + ": image could not be decoded");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageInputException iie) {
                throw iie;
            }
            throw new ImageInputException(name + ": corrupt image (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    public static void checkSize(String name, int w, int h) {
        if (w < MIN_SIDE || h < MIN_SIDE || w > MAX_SIDE || h > MAX_SIDE) {
            throw new ImageInputException(name + ": size " + w + "x" + h + " outside the supported "
                    + MIN_SIDE + ".." + MAX_SIDE + " pixels per side");
        }
    }

    /** Whether a file name looks like an image this project reads (PNG, JPEG, BMP; hidden files excluded). */
    public static boolean isImageFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return !name.startsWith(".") && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg")
                || name.endsWith(".bmp"));
    }

    /** The image files directly in {@code dir}, in name order. */
    public static java.util.List<Path> listImages(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ImageInputException(dir + ": not a directory");
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(Images::isImageFile).sorted().toList();
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
