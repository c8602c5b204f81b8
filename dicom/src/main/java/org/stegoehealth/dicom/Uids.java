package org.stegoehealth.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Unique identifiers of the objects this project writes, made from UUIDs as PS3.5 Annex B.2 allows: {@code 2.25.}
 * followed by the UUID as one unsigned decimal integer (at most 39 digits, so at most 44 characters, within the
 * 64-character limit of PS3.5 9.1). No registered organisational root is needed.
 */
public final class Uids {

    /**
     * Implementation Class UID (0002,0012) of this writer (PS3.7 D.3.3.2), made once from a random UUID. Also the
     * namespace of {@link #fromName}.
     */
    public static final String ROOT = "2.25.208849004009082110866131467986407350355";

    private Uids() {}

    /** A new UID from a random (version 4) UUID. */
    public static String random() {
        return of(UUID.randomUUID());
    }

    /**
     * The UID of {@code name} under {@link #ROOT}: a name-based (version 3) UUID of the root and the name, so the same
     * name always gives the same UID (a file written again is the same object) and different names different ones.
     */
    public static String fromName(String name) {
        return of(UUID.nameUUIDFromBytes((ROOT + "/" + name).getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code 2.25.<the UUID's 128 bits as an unsigned decimal integer>} (PS3.5 B.2). */
    static String of(UUID uuid) {
        ByteBuffer bytes =
                ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bytes.array());
    }
}
