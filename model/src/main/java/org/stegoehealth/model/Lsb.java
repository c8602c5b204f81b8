package org.stegoehealth.model;

/**
 * The classical baseline: k-bit LSB substitution. The secret's top k bits replace the cover's k low bits, channel
 * by channel (cover and secret must have the same geometry). Extraction puts the recovered bits back on top and
 * fills the lost low bits with their mid-point, the least-squares reconstruction.
 */
public final class Lsb {

    private Lsb() {}

    public static FloatImage embed(FloatImage cover, FloatImage secret, int k) {
        check(k);
        cover.requireSameGeometry(secret);
        float[] out = new float[cover.data().length];
        int low = (1 << k) - 1;
        for (int i = 0; i < out.length; i++) {
            int c = FloatImage.to8(cover.data()[i]);
            int s = FloatImage.to8(secret.data()[i]);
            out[i] = ((c & ~low) | (s >> (8 - k))) / 255f;
        }
        return new FloatImage(cover.width(), cover.height(), cover.channels(), out);
    }

    public static FloatImage extract(FloatImage stego, int k) {
        check(k);
        float[] out = new float[stego.data().length];
        int low = (1 << k) - 1;
        int mid = k == 8 ? 0 : 1 << (7 - k);
        for (int i = 0; i < out.length; i++) {
            int bits = FloatImage.to8(stego.data()[i]) & low;
            out[i] = ((bits << (8 - k)) | mid) / 255f;
        }
        return new FloatImage(stego.width(), stego.height(), stego.channels(), out);
    }

    static void check(int k) {
        if (k < 1 || k > 8) {
            throw new IllegalArgumentException("k must be 1..8, was " + k);
        }
    }
}
