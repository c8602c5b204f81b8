package org.stegoehealth.model;

import java.util.Random;

/**
 * A classical hiding method built to survive JPEG and resizing, the fair baseline for the robust network: quantisation
 * index modulation (dither modulation, Chen and Wornell) of the lowest-frequency DCT coefficients of the cover's luma,
 * in the 8x8 blocks JPEG itself uses, carrying a low-resolution copy of the X-ray.
 *
 * <ul>
 *   <li><b>Payload.</b> The secret brought (bicubic) to the largest square side {@code L} whose bits fit: {@code L * L}
 *       samples of {@code sampleBits} bits, the top {@code protectedBits} of each written three times (majority vote),
 *       the rest once. Extraction sets each sample to the middle of its bin and brings it back to the stego image's
 *       size, so its ceiling is the PSNR of that low-resolution copy.
 *   <li><b>Carrier.</b> In each 8x8 block of the luma (BT.601, as JPEG's YCbCr), the first {@code coefficients} DCT
 *       coefficients in JPEG's zigzag order (DC included), each holding one bit: rounded to the nearest multiple of
 *       {@code step} grey levels for a 0, to the nearest odd multiple of half a step for a 1. The luma change goes
 *       equally into R, G and B, so the chroma that 4:2:0 subsampling halves is left alone. The bits are spread over
 *       all blocks by a fixed permutation, so a damaged region costs scattered bits, not a patch of the X-ray.
 * </ul>
 *
 * It carries far fewer bits than the network's nominal 8 per pixel; the comparison is on what survives.
 *
 * @param step          quantiser step in grey levels (0-255 scale): larger survives more and costs more cover
 * @param coefficients  DCT coefficients used per 8x8 block, 1 to 64
 * @param sampleBits    bits per sample of the low-resolution secret, 1 to 8
 * @param protectedBits how many of the top bits are written three times, 0 to {@code sampleBits}
 */
public record DctQim(double step, int coefficients, int sampleBits, int protectedBits) implements Baseline {

    /** The layout evaluation compares: about 37 dB of cover at 256 px, a 40 px X-ray at 4 bits. */
    public static final DctQim STANDARD = new DctQim(32, 10, 4, 1);

    private static final int COPIES = 3;
    private static final long PERMUTATION_SEED = 0x51e9aL;
    private static final int[][] ZIGZAG = zigzag();
    private static final double[][] BASIS = basis();

    public DctQim {
        if (!(step > 0 && step <= 255)
                || coefficients < 1
                || coefficients > 64
                || sampleBits < 1
                || sampleBits > 8
                || protectedBits < 0
                || protectedBits > sampleBits) {
            throw new IllegalArgumentException("DCT-QIM needs a step in (0, 255], 1..64 coefficients, 1..8 bits per"
                    + " sample and at most that many protected bits");
        }
    }

    @Override
    public String name() {
        return "dct-qim";
    }

    /** Bits written per secret sample, repetitions included. */
    int bitsPerSample() {
        return sampleBits + (COPIES - 1) * protectedBits;
    }

    /**
     * Secret bits per cover sample, net of repetition: {@code coefficients / 64} bits per pixel of luma, of which
     * {@code sampleBits / bitsPerSample()} are the secret's, over three samples per pixel (a little less in practice,
     * where the square side is rounded down).
     */
    @Override
    public double bitsPerChannel() {
        return coefficients / 64.0 * sampleBits / bitsPerSample() / 3;
    }

    /** The side of the low-resolution secret a {@code width} x {@code height} cover carries. */
    public int secretSide(int width, int height) {
        long capacity = (long) (width / 8) * (height / 8) * coefficients;
        int side = (int) Math.floor(Math.sqrt(capacity / (double) bitsPerSample()));
        if (side < 1) {
            throw new IllegalArgumentException(
                    "a " + width + "x" + height + " cover is too small for DCT-QIM (8x8 blocks)");
        }
        return side;
    }

    @Override
    public FloatImage embed(FloatImage cover, FloatImage secret) {
        if (cover.channels() != 3 || secret.channels() != 1) {
            throw new IllegalArgumentException("DCT-QIM needs an RGB cover and a gray secret, got " + cover.describe()
                    + " and " + secret.describe());
        }
        int w = cover.width();
        int h = cover.height();
        int side = secretSide(w, h);
        float[] low = secret.resize(side, side).data();
        int levels = 1 << sampleBits;
        int[] order = permutation(w, h);
        int[] bits = new int[order.length];
        int k = 0;
        for (float v : low) {
            int q = Math.min(levels - 1, Math.max(0, (int) Math.floor(v * levels)));
            for (int t = sampleBits - 1; t >= 0; t--) {
                int copies = t >= sampleBits - protectedBits ? COPIES : 1;
                for (int c = 0; c < copies; c++) {
                    bits[order[k++]] = (q >> t) & 1;
                }
            }
        }
        double[] luma = luma(cover);
        double[] marked = luma.clone();
        eachCoefficient(luma, w, h, marked, (position, v) -> {
            double offset = bits[position] * step / 2;
            return step * Math.round((v - offset) / step) + offset;
        });
        float[] out = cover.data().clone();
        for (int p = 0; p < w * h; p++) {
            float change = (float) ((marked[p] - luma[p]) / 255);
            for (int ch = 0; ch < 3; ch++) {
                out[3 * p + ch] = Math.max(0f, Math.min(1f, out[3 * p + ch] + change));
            }
        }
        return new FloatImage(w, h, 3, out).quantize8();
    }

    @Override
    public FloatImage extract(FloatImage stego) {
        if (stego.channels() != 3) {
            throw new IllegalArgumentException("DCT-QIM needs an RGB stego image, got " + stego.describe());
        }
        int w = stego.width();
        int h = stego.height();
        int side = secretSide(w, h);
        int[] order = permutation(w, h);
        int[] bits = new int[order.length];
        eachCoefficient(luma(stego), w, h, null, (position, v) -> {
            double toZero = Math.abs(v - step * Math.round(v / step));
            double toOne = Math.abs(v - step / 2 - step * Math.round((v - step / 2) / step));
            bits[position] = toOne < toZero ? 1 : 0;
            return v;
        });
        int levels = 1 << sampleBits;
        float[] low = new float[side * side];
        int k = 0;
        for (int p = 0; p < low.length; p++) {
            int q = 0;
            for (int t = sampleBits - 1; t >= 0; t--) {
                int copies = t >= sampleBits - protectedBits ? COPIES : 1;
                int ones = 0;
                for (int c = 0; c < copies; c++) {
                    ones += bits[order[k++]];
                }
                q |= (2 * ones > copies ? 1 : 0) << t;
            }
            low[p] = (q + 0.5f) / levels;
        }
        return new FloatImage(side, side, 1, low).resize(w, h);
    }

    /** What happens to one carrier coefficient: its bit position and value in, its new value out. */
    @FunctionalInterface
    private interface CoefficientAction {
        double apply(int position, double value);
    }

    /**
     * Applies {@code action} to the carrier coefficients of every 8x8 block of {@code luma}, in bit-position order;
     * with {@code changed}, writes each block's inverse DCT there.
     */
    private void eachCoefficient(double[] luma, int w, int h, double[] changed, CoefficientAction action) {
        double[][] block = new double[8][8];
        for (int by = 0; by < h / 8; by++) {
            for (int bx = 0; bx < w / 8; bx++) {
                forward(luma, w, bx, by, block);
                int first = (by * (w / 8) + bx) * coefficients;
                for (int i = 0; i < coefficients; i++) {
                    int[] uv = ZIGZAG[i];
                    block[uv[0]][uv[1]] = action.apply(first + i, block[uv[0]][uv[1]]);
                }
                if (changed != null) {
                    inverse(block, changed, w, bx, by);
                }
            }
        }
    }

    /** A fixed shuffle of the carrier's bit positions (all blocks' coefficients), the same for both sides. */
    private int[] permutation(int w, int h) {
        int n = (w / 8) * (h / 8) * coefficients;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(PERMUTATION_SEED);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** BT.601 luma in grey levels (0-255), as JPEG's JFIF YCbCr computes it. */
    private static double[] luma(FloatImage rgb) {
        float[] d = rgb.data();
        double[] y = new double[rgb.width() * rgb.height()];
        for (int p = 0; p < y.length; p++) {
            y[p] = 255 * (0.299 * d[3 * p] + 0.587 * d[3 * p + 1] + 0.114 * d[3 * p + 2]);
        }
        return y;
    }

    /** The orthonormal 8x8 DCT-II of block ({@code bx}, {@code by}) of {@code y}, into {@code out}. */
    private static void forward(double[] y, int w, int bx, int by, double[][] out) {
        double[][] pixels = new double[8][8];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(y, (by * 8 + i) * w + bx * 8, pixels[i], 0, 8);
        }
        separable(pixels, out, false);
    }

    /** Writes the inverse DCT of {@code c} into block ({@code bx}, {@code by}) of {@code y}. */
    private static void inverse(double[][] c, double[] y, int w, int bx, int by) {
        double[][] pixels = new double[8][8];
        separable(c, pixels, true);
        for (int i = 0; i < 8; i++) {
            System.arraycopy(pixels[i], 0, y, (by * 8 + i) * w + bx * 8, 8);
        }
    }

    /** {@code out = B x in x B^T} (the DCT), or with {@code inverse} {@code out = B^T x in x B}, B the DCT basis. */
    private static void separable(double[][] in, double[][] out, boolean inverse) {
        double[][] half = new double[8][8];
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                double s = 0;
                for (int k = 0; k < 8; k++) {
                    s += (inverse ? BASIS[k][r] : BASIS[r][k]) * in[k][c];
                }
                half[r][c] = s;
            }
        }
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                double s = 0;
                for (int k = 0; k < 8; k++) {
                    s += half[r][k] * (inverse ? BASIS[k][c] : BASIS[c][k]);
                }
                out[r][c] = s;
            }
        }
    }

    private static double[][] basis() {
        double[][] b = new double[8][8];
        for (int u = 0; u < 8; u++) {
            for (int x = 0; x < 8; x++) {
                b[u][x] = (u == 0 ? Math.sqrt(1 / 8.0) : Math.sqrt(2 / 8.0)) * Math.cos((2 * x + 1) * u * Math.PI / 16);
            }
        }
        return b;
    }

    /** JPEG's zigzag order of the 64 (row, column) frequencies. */
    private static int[][] zigzag() {
        int[][] order = new int[64][];
        int n = 0;
        for (int s = 0; s < 15; s++) {
            for (int i = 0; i <= s; i++) {
                int u = s % 2 == 0 ? s - i : i;
                int v = s - u;
                if (u < 8 && v < 8) {
                    order[n++] = new int[] {u, v};
                }
            }
        }
        return order;
    }
}
