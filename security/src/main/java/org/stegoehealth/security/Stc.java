package org.stegoehealth.security;

import java.util.Arrays;
import java.util.Random;

/**
 * Syndrome-trellis codes (STC): embeds a message into the least significant bits of a cover while minimising the sum
 * of the per-sample costs of the bits it changes, after T. Filler, J. Judas and J. Fridrich, "Minimizing Additive
 * Distortion in Steganography Using Syndrome-Trellis Codes", IEEE Transactions on Information Forensics and Security
 * 6(3), 2011.
 *
 * <p>The receiver reads the message as the syndrome {@code H y} of the stego bits {@code y}. The parity-check matrix
 * {@code H} (m rows, n columns) is the submatrix {@code Ĥ} ({@link #height} rows, up to {@code ceil(n / m)} columns,
 * drawn from a seed, each column with its top and bottom bit set) placed along the diagonal, one row down per message
 * bit, and cut at row m (Section III of the paper). The sender finds the stego bits of least total cost with the
 * Viterbi algorithm over the trellis of partial syndromes, {@code 2^height} states per column (Algorithm 1). Memory
 * is one bit per state and cover bit; time is {@code O(n 2^height)}.
 *
 * <p>Costs are per cover bit: the cost of flipping it. {@link Double#POSITIVE_INFINITY} marks a bit that must not
 * change (a "wet" sample). Flipping an LSB is one +-1 change of the sample, so the costs are those of the adaptive
 * cost function for a +-1 change.
 */
public final class Stc {

    private final int height;
    private final long seed;

    /**
     * @param height the constraint height h of the code (the paper's h; 7 to 12 trade speed for distortion)
     * @param seed draws the submatrix; sender and receiver use the same
     */
    public Stc(int height, long seed) {
        if (height < 2 || height > 20) {
            throw new IllegalArgumentException("constraint height " + height + " must be 2 to 20");
        }
        this.height = height;
        this.seed = seed;
    }

    public int height() {
        return height;
    }

    /**
     * The stego bits of least total cost whose syndrome is {@code message}.
     *
     * @param cover the cover's bits (0 or 1), n of them
     * @param costs the cost of flipping each cover bit (non-negative, or infinite for a bit that must stay)
     * @param message the bits to embed (0 or 1), at most n of them
     * @return the stego bits, n of them
     * @throws IllegalArgumentException when the message cannot be embedded (too long, or only by changing a wet bit)
     */
    public byte[] embed(byte[] cover, double[] costs, byte[] message) {
        int n = cover.length;
        int m = message.length;
        if (costs.length != n) {
            throw new IllegalArgumentException(costs.length + " costs for " + n + " cover bits");
        }
        if (m == 0) {
            return cover.clone();
        }
        if (m > n) {
            throw new IllegalArgumentException("message of " + m + " bits is longer than the cover's " + n);
        }
        int[] widths = widths(n, m);
        int[] columns = submatrix(max(widths));
        int states = 1 << height;
        double[] cost = new double[states];
        double[] next = new double[states];
        Arrays.fill(cost, Double.POSITIVE_INFINITY);
        cost[0] = 0;
        // for every column j and every state after it, the stego bit chosen there: words bits per column, flat
        int words = (states + 63) >>> 6;
        long[] path = new long[Math.multiplyExact(n, words)];
        int j = 0;
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < widths[i]; k++, j++) {
                int column = columns[k];
                double keep = cover[j] == 0 ? 0 : costs[j];
                double flip = cover[j] == 1 ? 0 : costs[j];
                int base = j * words;
                for (int s = 0; s < states; s++) {
                    // y_j = 0 leaves the syndrome; y_j = 1 adds the column
                    double c0 = cost[s] + keep;
                    double c1 = cost[s ^ column] + flip;
                    if (c1 < c0) {
                        next[s] = c1;
                        path[base + (s >>> 6)] |= 1L << (s & 63);
                    } else {
                        next[s] = c0;
                    }
                }
                double[] t = cost;
                cost = next;
                next = t;
            }
            // row i is complete: keep the states whose lowest bit is the message bit, and move to row i + 1
            int bit = message[i];
            Arrays.fill(next, Double.POSITIVE_INFINITY);
            for (int s = 0; s < states; s++) {
                if ((s & 1) == bit) {
                    next[s >>> 1] = Math.min(next[s >>> 1], cost[s]);
                }
            }
            double[] t = cost;
            cost = next;
            next = t;
        }
        int best = 0;
        for (int s = 1; s < states; s++) {
            if (cost[s] < cost[best]) {
                best = s;
            }
        }
        if (cost[best] == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("the message cannot be embedded without changing a wet sample");
        }
        byte[] stego = new byte[n];
        int s = best;
        j = n - 1;
        for (int i = m - 1; i >= 0; i--) {
            s = ((s << 1) | message[i]) & (states - 1);
            for (int k = widths[i] - 1; k >= 0; k--, j--) {
                int y = (int) (path[j * words + (s >>> 6)] >>> (s & 63)) & 1;
                stego[j] = (byte) y;
                if (y == 1) {
                    s ^= columns[k];
                }
            }
        }
        return stego;
    }

    /** The message carried by {@code stego}: its syndrome, {@code messageLength} bits. */
    public byte[] extract(byte[] stego, int messageLength) {
        int n = stego.length;
        int m = messageLength;
        if (m == 0) {
            return new byte[0];
        }
        if (m > n) {
            throw new IllegalArgumentException("message of " + m + " bits is longer than the stego's " + n);
        }
        int[] widths = widths(n, m);
        int[] columns = submatrix(max(widths));
        byte[] message = new byte[m];
        int j = 0;
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < widths[i]; k++, j++) {
                if (stego[j] == 1) {
                    int column = columns[k];
                    for (int r = 0; r < height && i + r < m; r++) {
                        message[i + r] ^= (byte) ((column >>> r) & 1);
                    }
                }
            }
        }
        return message;
    }

    /**
     * The number of cover bits per message bit, block by block: {@code n / m} rounded down or up so that they add up
     * to n, the longer blocks spread evenly.
     */
    static int[] widths(int n, int m) {
        int[] widths = new int[m];
        long done = 0;
        for (int i = 0; i < m; i++) {
            long end = (long) n * (i + 1) / m;
            widths[i] = (int) (end - done);
            done = end;
        }
        return widths;
    }

    /** The columns of Ĥ, bit r of a column being row r; the top and bottom bits set, the rest drawn from the seed. */
    private int[] submatrix(int width) {
        Random random = new Random(seed);
        int[] columns = new int[width];
        int edges = 1 | (1 << (height - 1));
        for (int k = 0; k < width; k++) {
            columns[k] = (random.nextInt() & ((1 << height) - 1)) | edges;
        }
        return columns;
    }

    private static int max(int[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    /**
     * The least expected total cost at which {@code messageBits} can be embedded with these costs by any code (the
     * rate-distortion bound of binary embedding with additive costs, Section II of the paper): each bit flips with
     * probability {@code p_j = 1 / (1 + exp(lambda rho_j))}, lambda chosen so that the entropies sum to the message.
     */
    public static double bound(double[] costs, double messageBits) {
        double lo = 0;
        double hi = 1;
        while (entropy(costs, hi) > messageBits) {
            hi *= 2;
            if (hi > 1e12) {
                break;
            }
        }
        for (int iteration = 0; iteration < 100; iteration++) {
            double mid = (lo + hi) / 2;
            if (entropy(costs, mid) > messageBits) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double lambda = (lo + hi) / 2;
        double distortion = 0;
        for (double rho : costs) {
            if (Double.isFinite(rho)) {
                distortion += rho * flipProbability(lambda, rho);
            }
        }
        return distortion;
    }

    private static double entropy(double[] costs, double lambda) {
        double bits = 0;
        for (double rho : costs) {
            if (Double.isFinite(rho)) {
                double p = flipProbability(lambda, rho);
                if (p > 0 && p < 1) {
                    bits -= p * Math.log(p) / Math.log(2) + (1 - p) * Math.log(1 - p) / Math.log(2);
                }
            }
        }
        return bits;
    }

    private static double flipProbability(double lambda, double rho) {
        return 1 / (1 + Math.exp(lambda * rho));
    }
}
