package org.stegoehealth.model;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * An image as interleaved (height, width, channel) floats in [0, 1]: the one pixel type the network, the metrics
 * and the LSB baseline share. Immutable by convention: operations return new images.
 */
public record FloatImage(int width, int height, int channels, float[] data) {

    public FloatImage {
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("bad geometry " + width + "x" + height + "x" + channels);
        }
        if (data.length != width * height * channels) {
            throw new IllegalArgumentException(
                    "data length " + data.length + " != " + width + "x" + height + "x" + channels);
        }
    }

    /**
     * Converts any decoded image: 8- or 16-bit grayscale stays one channel (scaled by its bit depth), everything
     * else becomes RGB.
     */
    public static FloatImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        boolean gray = image.getColorModel().getNumColorComponents() == 1;
        if (gray) {
            int bits = image.getColorModel().getComponentSize(0);
            float max = (float) ((1L << bits) - 1);
            float[] out = new float[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = row[x] / max;
                }
            }
            return new FloatImage(w, h, 1, out);
        }
        float[] out = new float[w * h * 3];
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                int o = (y * w + x) * 3;
                out[o] = ((p >> 16) & 0xff) / 255f;
                out[o + 1] = ((p >> 8) & 0xff) / 255f;
                out[o + 2] = (p & 0xff) / 255f;
            }
        }
        return new FloatImage(w, h, 3, out);
    }

    /** 8-bit image (TYPE_BYTE_GRAY or TYPE_INT_RGB), values rounded and clipped. */
    public BufferedImage toBufferedImage() {
        if (channels == 1) {
            BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    row[x] = to8(data[y * width + x]);
                }
                out.getRaster().setSamples(0, y, width, 1, 0, row);
            }
            return out;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int o = (y * width + x) * 3;
                rgb[x] = (to8(data[o]) << 16) | (to8(data[o + 1]) << 8) | to8(data[o + 2]);
            }
            out.setRGB(0, y, width, 1, rgb, 0, width);
        }
        return out;
    }

    /** Rounds every value to the nearest of 256 levels, as an 8-bit image file would store it. */
    public FloatImage quantize8() {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = to8(data[i]) / 255f;
        }
        return new FloatImage(width, height, channels, out);
    }

    /** Luminance (ITU-R BT.601) of an RGB image; a gray image is returned as is. */
    public FloatImage toGray() {
        if (channels == 1) {
            return this;
        }
        float[] out = new float[width * height];
        for (int i = 0; i < out.length; i++) {
            out[i] = 0.299f * data[3 * i] + 0.587f * data[3 * i + 1] + 0.114f * data[3 * i + 2];
        }
        return new FloatImage(width, height, 1, out);
    }

    /** A gray image replicated to three channels; an RGB image is returned as is. */
    public FloatImage toRgb() {
        if (channels == 3) {
            return this;
        }
        float[] out = new float[width * height * 3];
        for (int i = 0; i < data.length; i++) {
            out[3 * i] = data[i];
            out[3 * i + 1] = data[i];
            out[3 * i + 2] = data[i];
        }
        return new FloatImage(width, height, 3, out);
    }

    /** This image with {@code target} channels (1: luminance, 3: gray replicated). */
    public FloatImage withChannels(int target) {
        return target == 1 ? toGray() : toRgb();
    }

    /** The {@code w x h} window at ({@code x0}, {@code y0}). */
    public FloatImage crop(int x0, int y0, int w, int h) {
        if (x0 < 0 || y0 < 0 || x0 + w > width || y0 + h > height) {
            throw new IllegalArgumentException("crop outside image");
        }
        float[] out = new float[w * h * channels];
        for (int y = 0; y < h; y++) {
            System.arraycopy(data, ((y0 + y) * width + x0) * channels, out, y * w * channels, w * channels);
        }
        return new FloatImage(w, h, channels, out);
    }

    /**
     * Bicubic resampling (Keys, a = -0.5, edge pixels replicated), separable, at full float precision so that
     * 16-bit inputs keep their depth.
     */
    public FloatImage resize(int w, int h) {
        if (w == width && h == height) {
            return this;
        }
        float[] rows = new float[height * w * channels];
        for (int y = 0; y < height; y++) {
            for (int c = 0; c < channels; c++) {
                resample(data, y * width * channels + c, channels, width, rows, y * w * channels + c, channels, w);
            }
        }
        float[] out = new float[h * w * channels];
        int stride = w * channels;
        for (int x = 0; x < w; x++) {
            for (int c = 0; c < channels; c++) {
                resample(rows, x * channels + c, stride, height, out, x * channels + c, stride, h);
            }
        }
        return new FloatImage(w, h, channels, out);
    }

    /** One line of bicubic resampling; {@code step} is the distance between neighbouring samples. */
    private static void resample(
            float[] src, int srcOff, int srcStep, int srcLen, float[] dst, int dstOff, int dstStep, int dstLen) {
        double scale = (double) srcLen / dstLen;
        for (int i = 0; i < dstLen; i++) {
            double centre = (i + 0.5) * scale - 0.5;
            int base = (int) Math.floor(centre);
            double t = centre - base;
            double sum = 0;
            for (int k = -1; k <= 2; k++) {
                int j = Math.min(srcLen - 1, Math.max(0, base + k));
                sum += cubic(k - t) * src[srcOff + j * srcStep];
            }
            dst[dstOff + i * dstStep] = (float) Math.min(1.0, Math.max(0.0, sum));
        }
    }

    private static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x <= 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return 0;
    }

    /** Absolute difference times {@code gain}, clipped: makes the hidden residual visible. */
    public FloatImage absDiff(FloatImage other, float gain) {
        requireSameGeometry(other);
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = Math.min(1f, Math.abs(data[i] - other.data[i]) * gain);
        }
        return new FloatImage(width, height, channels, out);
    }

    public void requireSameGeometry(FloatImage other) {
        if (width != other.width || height != other.height || channels != other.channels) {
            throw new IllegalArgumentException("geometry differs: " + this.describe() + " vs " + other.describe());
        }
    }

    public String describe() {
        return width + "x" + height + "x" + channels;
    }

    static int to8(float v) {
        int q = Math.round(v * 255f);
        return q < 0 ? 0 : Math.min(q, 255);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatImage f
                && f.width == width
                && f.height == height
                && f.channels == channels
                && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + width * 7 + height * 3 + channels;
    }

    @Override
    public String toString() {
        return "FloatImage[" + describe() + "]";
    }
}
