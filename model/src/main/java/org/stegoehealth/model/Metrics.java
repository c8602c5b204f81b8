package org.stegoehealth.model;

/**
 * Image quality on the 0-255 scale: MSE, PSNR and SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5,
 * K1 = 0.01, K2 = 0.03, averaged over channels). PSNR of identical images is capped at {@link #PSNR_CAP} dB so
 * that reports stay finite.
 */
public final class Metrics {

    public static final double PSNR_CAP = 100.0;

    private Metrics() {}

    public static double mse(FloatImage a, FloatImage b) {
        a.requireSameGeometry(b);
        double sum = 0;
        float[] x = a.data();
        float[] y = b.data();
        for (int i = 0; i < x.length; i++) {
            double d = (x[i] - y[i]) * 255.0;
            sum += d * d;
        }
        return sum / x.length;
    }

    public static double psnr(double mse) {
        return mse <= 0 ? PSNR_CAP : Math.min(PSNR_CAP, 10 * Math.log10(255.0 * 255.0 / mse));
    }

    public static double psnr(FloatImage a, FloatImage b) {
        return psnr(mse(a, b));
    }

    public static double ssim(FloatImage a, FloatImage b) {
        a.requireSameGeometry(b);
        double[] kernel = gaussian(11, 1.5);
        double total = 0;
        for (int c = 0; c < a.channels(); c++) {
            total += ssimChannel(a, b, c, kernel);
        }
        return total / a.channels();
    }

    private static double ssimChannel(FloatImage a, FloatImage b, int c, double[] k) {
        int w = a.width();
        int h = a.height();
        int n = w * h;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a.data()[i * a.channels() + c] * 255.0;
            y[i] = b.data()[i * b.channels() + c] * 255.0;
        }
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] mx = blur(x, w, h, k);
        double[] my = blur(y, w, h, k);
        double[] sxx = blur(xx, w, h, k);
        double[] syy = blur(yy, w, h, k);
        double[] sxy = blur(xy, w, h, k);
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        int r = k.length / 2;
        double sum = 0;
        int count = 0;
        // 'valid' region only, as in the reference implementation
        for (int yy0 = r; yy0 < h - r; yy0++) {
            for (int xx0 = r; xx0 < w - r; xx0++) {
                int i = yy0 * w + xx0;
                double vx = sxx[i] - mx[i] * mx[i];
                double vy = syy[i] - my[i] * my[i];
                double cov = sxy[i] - mx[i] * my[i];
                sum += ((2 * mx[i] * my[i] + c1) * (2 * cov + c2))
                        / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
                count++;
            }
        }
        return count == 0 ? 1.0 : sum / count;
    }

    private static double[] blur(double[] v, int w, int h, double[] k) {
        int r = k.length / 2;
        double[] tmp = new double[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int j = -r; j <= r; j++) {
                    int xi = Math.min(w - 1, Math.max(0, x + j));
                    s += k[j + r] * v[y * w + xi];
                }
                tmp[y * w + x] = s;
            }
        }
        double[] out = new double[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int j = -r; j <= r; j++) {
                    int yi = Math.min(h - 1, Math.max(0, y + j));
                    s += k[j + r] * tmp[yi * w + x];
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }

    static double[] gaussian(int size, double sigma) {
        double[] k = new double[size];
        double sum = 0;
        int r = size / 2;
        for (int i = 0; i < size; i++) {
            k[i] = Math.exp(-((i - r) * (i - r)) / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) {
            k[i] /= sum;
        }
        return k;
    }
}
