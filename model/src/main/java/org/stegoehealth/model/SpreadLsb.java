package org.stegoehealth.model;

import java.util.List;

/**
 * LSB substitution of a grayscale secret spread over the three channels of an RGB cover: the secret's top
 * {@code r} bits replace R's {@code r} low bits, its next {@code g} bits G's low bits, its next {@code b} bits B's.
 * A gray X-ray thus spends each cover bit once, where replicating it into three channels ({@link Lsb}) spends the
 * same bits three times. Extraction sets the {@code 8 - (r + g + b)} dropped bits to the middle of their range, the
 * least-squares reconstruction.
 */
public record SpreadLsb(int r, int g, int b) implements Baseline {

    /** The spread layouts evaluation compares, from 1 to 8/3 bits per cover sample. */
    public static final List<SpreadLsb> STANDARD = List.of(
            new SpreadLsb(1, 1, 1),
            new SpreadLsb(2, 1, 1),
            new SpreadLsb(2, 2, 1),
            new SpreadLsb(2, 2, 2),
            new SpreadLsb(3, 3, 2));

    public SpreadLsb {
        if (r < 0 || g < 0 || b < 0 || r + g + b == 0 || r + g + b > 8) {
            throw new IllegalArgumentException(
                    "bits per channel must be >= 0 and add up to 1..8, were " + r + "-" + g + "-" + b);
        }
    }

    /** Parses {@code "2-2-1"}. */
    public static SpreadLsb parse(String rgb) {
        String[] p = rgb.split("-");
        if (p.length != 3) {
            throw new IllegalArgumentException("spread layout must be R-G-B bit counts like 2-2-1, was " + rgb);
        }
        try {
            return new SpreadLsb(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("spread layout must be R-G-B bit counts like 2-2-1, was " + rgb, e);
        }
    }

    /** Secret bits carried per pixel. */
    public int secretBits() {
        return r + g + b;
    }

    @Override
    public String name() {
        return "spread-lsb-" + r + "-" + g + "-" + b;
    }

    @Override
    public double bitsPerChannel() {
        return secretBits() / 3.0;
    }

    @Override
    public FloatImage embed(FloatImage cover, FloatImage secret) {
        if (cover.channels() != 3
                || secret.channels() != 1
                || cover.width() != secret.width()
                || cover.height() != secret.height()) {
            throw new IllegalArgumentException("spread LSB needs an RGB cover and a gray secret of the same size, got "
                    + cover.describe() + " and " + secret.describe());
        }
        int[] bits = {r, g, b};
        float[] c = cover.data();
        float[] s = secret.data();
        float[] out = new float[c.length];
        for (int i = 0; i < s.length; i++) {
            int value = FloatImage.to8(s[i]);
            int used = 0;
            for (int ch = 0; ch < 3; ch++) {
                int k = bits[ch];
                int low = (1 << k) - 1;
                int part = (value >> (8 - used - k)) & low;
                out[3 * i + ch] = ((FloatImage.to8(c[3 * i + ch]) & ~low) | part) / 255f;
                used += k;
            }
        }
        return new FloatImage(cover.width(), cover.height(), 3, out);
    }

    @Override
    public FloatImage extract(FloatImage stego) {
        if (stego.channels() != 3) {
            throw new IllegalArgumentException("spread LSB needs an RGB stego image, got " + stego.describe());
        }
        int[] bits = {r, g, b};
        int n = secretBits();
        int mid = n == 8 ? 0 : 1 << (7 - n);
        float[] d = stego.data();
        float[] out = new float[d.length / 3];
        for (int i = 0; i < out.length; i++) {
            int value = 0;
            int used = 0;
            for (int ch = 0; ch < 3; ch++) {
                int k = bits[ch];
                value |= (FloatImage.to8(d[3 * i + ch]) & ((1 << k) - 1)) << (8 - used - k);
                used += k;
            }
            out[i] = (value | mid) / 255f;
        }
        return new FloatImage(stego.width(), stego.height(), 1, out);
    }
}
