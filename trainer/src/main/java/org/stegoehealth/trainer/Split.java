package org.stegoehealth.trainer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The train/validation split: a pure function of the file name, so training, evaluation and later runs agree on
 * which images are held out without sharing any state. A file is held out when the first two bytes of the
 * SHA-256 of its name, read as a fraction, fall below the kind's validation fraction.
 */
public final class Split {

    /** Fraction of X-rays held out. */
    public static final double XRAY_VALIDATION = 0.10;
    /** Fraction of cover photos held out (there are few covers, so a larger share). */
    public static final double COVER_VALIDATION = 0.16;

    private Split() {}

    public static boolean isHeldOut(String fileName, double fraction) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(fileName.getBytes(StandardCharsets.UTF_8));
            int v = ((h[0] & 0xff) << 8) | (h[1] & 0xff);
            return v / 65536.0 < fraction;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String describe() {
        return "held out: SHA-256(file name)[0..2]/65536 < fraction; X-rays " + XRAY_VALIDATION + ", covers "
                + COVER_VALIDATION;
    }
}
