package org.stegoehealth.security;

/**
 * The HILL cost of a +-1 change to each sample of an image channel, after B. Li, M. Wang, J. Huang and X. Li, "A new
 * cost function for spatial image steganography", IEEE ICIP 2014: {@code rho = 1 / ((|X * KB| * L1) + eps) * L2},
 * where {@code KB} is the 3x3 Ker-Bohme high-pass filter, {@code L1} a 3x3 and {@code L2} a 15x15 averaging filter
 * ({@code *} is convolution, with the image mirrored at its edges). Changes in noisy, textured areas are cheap; in
 * smooth areas, where a detector's residuals would show them, they are expensive.
 */
public final class HillCosts {

    private static final int[][] KB = {{-1, 2, -1}, {2, -4, 2}, {-1, 2, -1}};
    private static final int L1 = 3;
    private static final int L2 = 15;
    /** Keeps the cost finite where the residual is zero (a flat area): such samples are the most expensive. */
    private static final double EPS = 1e-10;

    private HillCosts() {}

    /**
     * Costs of a +-1 change to each sample of one channel.
     *
     * @param samples row-major, {@code width * height} values
     * @return row-major costs, positive and finite
     */
    public static double[] of(int[] samples, int width, int height) {
        if (samples.length != width * height) {
            throw new IllegalArgumentException(samples.length + " samples for a " + width + "x" + height + " channel");
        }
        double[] residual = new double[samples.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double r = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        r += KB[dy + 1][dx + 1] * samples[mirror(y + dy, height) * width + mirror(x + dx, width)];
                    }
                }
                residual[y * width + x] = Math.abs(r);
            }
        }
        double[] smoothed = average(residual, width, height, L1);
        double[] inverse = new double[smoothed.length];
        for (int i = 0; i < inverse.length; i++) {
            inverse[i] = 1 / (smoothed[i] + EPS);
        }
        return average(inverse, width, height, L2);
    }

    /** A {@code size x size} moving average with mirrored edges, as two one-dimensional passes. */
    static double[] average(double[] in, int width, int height, int size) {
        int half = size / 2;
        double[] rows = new double[in.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sum = 0;
                for (int d = -half; d <= half; d++) {
                    sum += in[y * width + mirror(x + d, width)];
                }
                rows[y * width + x] = sum / size;
            }
        }
        double[] out = new double[in.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sum = 0;
                for (int d = -half; d <= half; d++) {
                    sum += rows[mirror(y + d, height) * width + x];
                }
                out[y * width + x] = sum / size;
            }
        }
        return out;
    }

    /** Index {@code i} reflected into {@code [0, n)} (..., 2, 1, 0, 1, 2, ..., n-2, n-1, n-2, ...). */
    static int mirror(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return j < n ? j : period - j;
    }
}
