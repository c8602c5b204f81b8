package org.stegoehealth.lab.steganalysis;

import java.util.Arrays;
import org.stegoehealth.model.FloatImage;

/**
 * Rich-model style features of an 8-bit RGB image (after Fridrich and Kodovsky's spatial rich model, much reduced):
 * noise residuals of three fixed high-pass filters (first-order and second-order differences, horizontal and
 * vertical, and the 3x3 "KB" kernel), each quantised (step 1, 2 and 4) and truncated to [-2, 2], then
 * <ul>
 *   <li>co-occurrences of three neighbouring residuals along a row or a column within each colour channel
 *       (channels and directions pooled; 39 bins per filter family once sign flips and reversal are merged), and</li>
 *   <li>co-occurrences of the three colour channels' residuals at the same pixel (63 bins per family once sign
 *       flips are merged).</li>
 * </ul>
 * Each histogram is normalised to frequencies, and the features are their logarithms: hiding changes the rare
 * (large-residual) bins by large factors, which a linear classifier sees best on a log scale. Hiding adds noise
 * that is independent of the image content and of the other channels; photographs' residuals are small and
 * strongly correlated across channels, so both kinds of co-occurrence move.
 */
public final class ResidualFeatures {

    /** Truncation threshold: residuals are clipped to [-T, T]. */
    static final int T = 2;

    private static final int BINS = 2 * T + 1;
    private static final int COOC = BINS * BINS * BINS;
    private static final int FAMILIES = 3;
    /** Added to every frequency before its logarithm, so empty bins stay finite. */
    private static final double FLOOR = 1e-4;
    /** Bin of each within-channel triple after merging (a,b,c), (c,b,a), (-a,-b,-c) and (-c,-b,-a). */
    private static final int[] WITHIN_BIN = new int[COOC];
    /** Bin of each across-channel triple after merging (a,b,c) and (-a,-b,-c). */
    private static final int[] ACROSS_BIN = new int[COOC];

    private static final int WITHIN_BINS;
    private static final int ACROSS_BINS;

    static {
        WITHIN_BINS = symmetrise(WITHIN_BIN, true);
        ACROSS_BINS = symmetrise(ACROSS_BIN, false);
    }

    /** Feature vector length. */
    public static final int DIMENSION = FAMILIES * (WITHIN_BINS + ACROSS_BINS);

    private ResidualFeatures() {}

    /** The feature vector of an RGB image (a gray image is treated as three equal channels). */
    public static double[] of(FloatImage image) {
        return of(image, null);
    }

    /**
     * The selection-channel-aware feature vector (after Denemark, Fridrich et al.'s maxSRM): each co-occurrence adds
     * the largest change probability of the samples it covers instead of 1, so the histograms dwell on the samples an
     * adaptive method is likely to have changed ({@link SelectionChannel}).
     *
     * @param weights per colour channel, per pixel (row-major), each sample's probability of change; null: 1 each
     */
    public static double[] of(FloatImage image, double[][] weights) {
        FloatImage rgb = image.toRgb();
        int w = rgb.width();
        int h = rgb.height();
        if (w < 5 || h < 5) {
            throw new IllegalArgumentException("image too small for residual features: " + rgb.describe());
        }
        int[][] px = new int[3][w * h];
        float[] d = rgb.data();
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < 3; c++) {
                px[c][i] = Math.round(d[3 * i + c] * 255f);
            }
        }
        double[] f = new double[DIMENSION];
        // family 0: first order, family 1: second order, family 2: KB; each with an h and a v residual (KB: one)
        int[][][][] res = new int[FAMILIES][2][3][];
        for (int c = 0; c < 3; c++) {
            int[] x = px[c];
            res[0][0][c] = residual(x, w, h, (p, i) -> p[i + 1] - p[i], 1);
            res[0][1][c] = residual(x, w, h, (p, i) -> p[i + w] - p[i], 1);
            res[1][0][c] = residual(x, w, h, (p, i) -> p[i - 1] + p[i + 1] - 2 * p[i], 2);
            res[1][1][c] = residual(x, w, h, (p, i) -> p[i - w] + p[i + w] - 2 * p[i], 2);
            res[2][0][c] = residual(
                    x,
                    w,
                    h,
                    (p, i) -> 2 * (p[i - 1] + p[i + 1] + p[i - w] + p[i + w])
                            - (p[i - w - 1] + p[i - w + 1] + p[i + w - 1] + p[i + w + 1])
                            - 4 * p[i],
                    4);
            res[2][1][c] = res[2][0][c];
        }
        for (int fam = 0; fam < FAMILIES; fam++) {
            double[] within = new double[COOC];
            double[] across = new double[COOC];
            for (int dir = 0; dir < 2; dir++) {
                for (int c = 0; c < 3; c++) {
                    int[] r = res[fam][dir][c];
                    // within a channel: (r[i], r[i+s], r[i+2s]) along the residual's own direction
                    int step = dir == 0 ? 1 : w;
                    for (int y = 2; y < h - 2; y++) {
                        for (int x = 2; x < w - 2; x++) {
                            int i = y * w + x;
                            if (dir == 0 ? x + 2 < w - 2 : y + 2 < h - 2) {
                                within[(r[i] * BINS + r[i + step]) * BINS + r[i + 2 * step]] += weights == null
                                        ? 1
                                        : Math.max(
                                                weights[c][i],
                                                Math.max(weights[c][i + step], weights[c][i + 2 * step]));
                            }
                        }
                    }
                }
                int[] rr = res[fam][dir][0];
                int[] rg = res[fam][dir][1];
                int[] rb = res[fam][dir][2];
                for (int y = 2; y < h - 2; y++) {
                    for (int x = 2; x < w - 2; x++) {
                        int i = y * w + x;
                        across[(rr[i] * BINS + rg[i]) * BINS + rb[i]] +=
                                weights == null ? 1 : Math.max(weights[0][i], Math.max(weights[1][i], weights[2][i]));
                    }
                }
            }
            int base = fam * (WITHIN_BINS + ACROSS_BINS);
            for (int k = 0; k < COOC; k++) {
                f[base + WITHIN_BIN[k]] += within[k];
                f[base + WITHIN_BINS + ACROSS_BIN[k]] += across[k];
            }
            normalise(f, base, WITHIN_BINS);
            normalise(f, base + WITHIN_BINS, ACROSS_BINS);
        }
        for (int k = 0; k < f.length; k++) {
            f[k] = Math.log(f[k] + FLOOR);
        }
        return f;
    }

    /** A filter's output at pixel index {@code i} of the flat pixel array. */
    @FunctionalInterface
    private interface Filter {
        int at(int[] p, int i);
    }

    /** Quantised, truncated residual shifted to 0..2T, defined on pixels at least one away from the border. */
    private static int[] residual(int[] p, int w, int h, Filter filter, int q) {
        int[] out = new int[w * h];
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                int v = Math.round((float) filter.at(p, i) / q);
                out[i] = Math.max(-T, Math.min(T, v)) + T;
            }
        }
        return out;
    }

    private static void normalise(double[] h, int from, int length) {
        double sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += h[i];
        }
        if (sum > 0) {
            for (int i = from; i < from + length; i++) {
                h[i] /= sum;
            }
        }
    }

    /**
     * Fills {@code bins} with the merged bin of each triple: photographs are statistically symmetric under sign
     * flips (and, along a row or column, under reversal), so merging halves the dimension at no loss.
     *
     * @return the number of merged bins
     */
    private static int symmetrise(int[] bins, boolean reversible) {
        Arrays.fill(bins, -1);
        int next = 0;
        for (int k = 0; k < COOC; k++) {
            if (bins[k] >= 0) {
                continue;
            }
            int a = k / (BINS * BINS) - T;
            int b = (k / BINS) % BINS - T;
            int c = k % BINS - T;
            int[][] orbit = reversible
                    ? new int[][] {{a, b, c}, {c, b, a}, {-a, -b, -c}, {-c, -b, -a}}
                    : new int[][] {{a, b, c}, {-a, -b, -c}};
            for (int[] t : orbit) {
                bins[((t[0] + T) * BINS + t[1] + T) * BINS + t[2] + T] = next;
            }
            next++;
        }
        return next;
    }
}
