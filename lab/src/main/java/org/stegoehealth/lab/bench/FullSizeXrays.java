package org.stegoehealth.lab.bench;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;

/**
 * Real-size X-rays for measurements: a sample X-ray upscaled (bicubic, aspect kept) until its longer side is the size
 * a hospital's detector gives, 2,000 to 4,096 px, stored as a 16-bit grayscale PNG as a modality would send it.
 */
final class FullSizeXrays {

    private FullSizeXrays() {}

    /** {@code source} upscaled to a longer side of {@code side} px, as 16-bit gray. */
    static BufferedImage make(Path source, int side) {
        FloatImage gray = FloatImage.of(Images.read(source)).withChannels(1);
        int w = gray.width() >= gray.height()
                ? side
                : (int) Math.max(1, Math.round((double) side * gray.width() / gray.height()));
        int h = gray.height() > gray.width()
                ? side
                : (int) Math.max(1, Math.round((double) side * gray.height() / gray.width()));
        FloatImage big = gray.resize(w, h);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = out.getRaster();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = big.data()[y * w + x];
                row[x] = Math.round(Math.max(0f, Math.min(1f, v)) * 65535f);
            }
            raster.setSamples(0, y, w, 1, 0, row);
        }
        return out;
    }

    /** PNG bytes of {@code image} (16-bit gray stays 16-bit). */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes {@code source} upscaled to {@code side} px as a 16-bit PNG under {@code dir}; returns the file. */
    static Path write(Path source, int side, Path dir) throws IOException {
        String name = source.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Path file = Files.createDirectories(dir).resolve(name + "-" + side + "px-16bit.png");
        Files.write(file, png(make(source, side)));
        return file;
    }
}
