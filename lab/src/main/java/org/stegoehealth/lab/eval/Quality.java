package org.stegoehealth.lab.eval;

import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Metrics;

/** MSE (0-255 scale), PSNR (dB) and SSIM of one image pair, or their per-image mean over many. */
public record Quality(double mse, double psnr, double ssim) {

    public static Quality of(FloatImage reference, FloatImage test) {
        double mse = Metrics.mse(reference, test);
        return new Quality(mse, Metrics.psnr(mse), Metrics.ssim(reference, test));
    }

    /** Running per-image average. */
    public static final class Mean {
        private double mse;
        private double psnr;
        private double ssim;
        private int n;

        public void add(Quality q) {
            mse += q.mse;
            psnr += q.psnr;
            ssim += q.ssim;
            n++;
        }

        public Quality get() {
            return n == 0 ? new Quality(Double.NaN, Double.NaN, Double.NaN) : new Quality(mse / n, psnr / n, ssim / n);
        }
    }
}
