package org.stegoehealth.lab.steganalysis;

import org.stegoehealth.model.FloatImage;
import org.stegoehealth.security.HillCosts;

/**
 * What a detector that knows the embedding algorithm, but not the key, can say about where it changed an image: the
 * probability that each colour sample was changed by optimal binary embedding of {@code rate} bits per sample with
 * HILL costs (the covert method's costs), {@code p = exp(-lambda rho) / (1 + exp(-lambda rho))}, with lambda chosen
 * so that the probabilities carry the payload, {@code sum h(p) = rate * samples}. The costs are computed from the
 * image under test; +-1 changes barely move them.
 */
public final class SelectionChannel {

    private SelectionChannel() {}

    /** Per colour channel, per pixel: the probability of change at {@code rate} bits per colour sample. */
    public static double[][] probabilities(FloatImage image, double rate) {
        FloatImage rgb = image.toRgb();
        int w = rgb.width();
        int h = rgb.height();
        float[] d = rgb.data();
        double[][] costs = new double[3][];
        for (int c = 0; c < 3; c++) {
            int[] channel = new int[w * h];
            for (int i = 0; i < channel.length; i++) {
                channel[i] = Math.round(d[3 * i + c] * 255f);
            }
            costs[c] = HillCosts.of(channel, w, h);
        }
        double target = Math.min(rate, 1.0) * 3 * w * h;
        // the payload falls as lambda grows: bisect on a log scale
        double lo = 1e-6;
        double hi = 1e6;
        for (int k = 0; k < 60; k++) {
            double mid = Math.sqrt(lo * hi);
            if (payload(costs, mid) > target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double lambda = Math.sqrt(lo * hi);
        double[][] p = new double[3][w * h];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < w * h; i++) {
                p[c][i] = change(costs[c][i], lambda);
            }
        }
        return p;
    }

    private static double change(double cost, double lambda) {
        if (Double.isInfinite(cost)) {
            return 0;
        }
        double e = Math.exp(-lambda * cost);
        return e / (1 + e);
    }

    private static double payload(double[][] costs, double lambda) {
        double bits = 0;
        for (double[] channel : costs) {
            for (double cost : channel) {
                double p = change(cost, lambda);
                if (p > 0 && p < 1) {
                    bits += -p * Math.log(p) / Math.log(2) - (1 - p) * Math.log(1 - p) / Math.log(2);
                }
            }
        }
        return bits;
    }
}
