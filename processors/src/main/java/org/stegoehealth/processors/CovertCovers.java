package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import org.stegoehealth.model.FloatImage;

/**
 * Which photos the covert method may hide in, and how they are prepared: a photo that was JPEG-compressed keeps the
 * 8x8 block grid of its compression, and +-1 changes in the pixels break that grid's consistency, which a detector
 * sees (the JPEG-compatibility attack). Scaled down (bicubic, as the steganalysis lab scales its photos), the grid is
 * gone. So a covert cover is the photo scaled to a shorter side of {@code covert.cover.side}; a photo not larger than
 * that cannot be scaled down and is unfit.
 */
public final class CovertCovers {

    private CovertCovers() {}

    /** Whether a {@code width x height} photo can carry covert stego images at {@code side} (0: every photo). */
    public static boolean fit(int width, int height, int side) {
        return side == 0 || Math.min(width, height) > side;
    }

    /**
     * The cover the covert method hides in: {@code photo} scaled to a shorter side of {@code side} (as it is when
     * {@code side} is 0).
     *
     * @throws RecordRejectedException CAPACITY when the photo is not larger than {@code side}
     */
    public static BufferedImage prepared(BufferedImage photo, String coverId, int side) {
        int w = photo.getWidth();
        int h = photo.getHeight();
        if (side == 0) {
            return photo;
        }
        if (!fit(w, h, side)) {
            throw new RecordRejectedException(
                    ErrorType.CAPACITY,
                    "cover '" + coverId + "' (" + w + "x" + h + ") is unfit for the covert method: its shorter side"
                            + " must be over " + side + " px (covert.cover.side) so it can be scaled down below its"
                            + " JPEG block grid");
        }
        double scale = (double) side / Math.min(w, h);
        int sw = Math.max(side, (int) Math.round(w * scale));
        int sh = Math.max(side, (int) Math.round(h * scale));
        return FloatImage.of(photo).toRgb().resize(sw, sh).quantize8().toBufferedImage();
    }
}
