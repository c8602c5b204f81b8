package org.stegoehealth.model;

/**
 * A classical hiding method that evaluation, robustness tests and steganalysis compare the network against: it writes
 * the secret's bits into the cover (its low bits, or for {@link DctQim} its luma's DCT coefficients) and reads them
 * back.
 */
public interface Baseline {

    /** Short stable name, used as the key in JSON and reports (for example {@code spread-lsb-2-2-1}). */
    String name();

    /** Secret bits written per cover sample (per channel of each pixel): the payload. */
    double bitsPerChannel();

    /** The 8-bit stego image of an RGB cover; the secret has the geometry the method expects. */
    FloatImage embed(FloatImage cover, FloatImage secret);

    /** The secret as far as the stego image carries it, dropped low bits set to the middle of their range. */
    FloatImage extract(FloatImage stego);

    /** k-bit LSB substitution of a secret with as many channels as the cover (see {@link Lsb}). */
    static Baseline lsb(int k) {
        Lsb.check(k);
        return new Baseline() {
            @Override
            public String name() {
                return "lsb-" + k;
            }

            @Override
            public double bitsPerChannel() {
                return k;
            }

            @Override
            public FloatImage embed(FloatImage cover, FloatImage secret) {
                return Lsb.embed(cover, secret, k);
            }

            @Override
            public FloatImage extract(FloatImage stego) {
                return Lsb.extract(stego, k);
            }
        };
    }
}
