package org.stegoehealth.web.viewer;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;

/**
 * The samples of a recovered X-ray for the browser's canvas: unsigned 16-bit little-endian, row by row, channels
 * interleaved, at the image's own bit depth (an 8-bit image's samples stay 0..255). Browsers decode PNGs to 8 bits,
 * so the page gets the samples themselves and applies window and level to the full range.
 */
final class Pixels {

    private Pixels() {}

    static byte[] samples(byte[] png) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode the recovered PNG", e);
        }
        if (image == null) {
            throw new IllegalArgumentException("the recovered image is not a PNG");
        }
        Raster raster = image.getRaster();
        int w = raster.getWidth(), h = raster.getHeight(), bands = Math.min(3, raster.getNumBands());
        ByteBuffer out = ByteBuffer.allocate(w * h * bands * 2).order(ByteOrder.LITTLE_ENDIAN);
        int[] row = new int[w * raster.getNumBands()];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < bands; b++) {
                    out.putShort((short) row[x * raster.getNumBands() + b]);
                }
            }
        }
        return out.array();
    }
}
