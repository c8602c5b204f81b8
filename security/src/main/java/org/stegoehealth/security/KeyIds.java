package org.stegoehealth.security;

import java.util.HexFormat;
import java.util.OptionalInt;

/** Printable Tink key ids, and the key id a Tink output prefix names. */
final class KeyIds {

    /** Tink's output prefix: one version byte (1 for TINK keys) and the key id, big-endian. */
    private static final byte TINK_PREFIX_VERSION = 1;

    static final int PREFIX_SIZE = 5;

    private KeyIds() {}

    static String format(int keyId) {
        return HexFormat.of().toHexDigits(keyId);
    }

    static int parse(String keyId) {
        if (keyId == null || keyId.length() != 8 || !keyId.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("key id '" + keyId + "' is not eight hex digits");
        }
        return (int) Long.parseLong(keyId, 16);
    }

    /** The key id in the Tink prefix of a signature or ciphertext, if it has one. */
    static OptionalInt ofPrefixed(byte[] output) {
        if (output == null || output.length < PREFIX_SIZE || output[0] != TINK_PREFIX_VERSION) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(((output[1] & 0xff) << 24)
                | ((output[2] & 0xff) << 16)
                | ((output[3] & 0xff) << 8)
                | (output[4] & 0xff));
    }
}
