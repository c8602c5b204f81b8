package org.stegoehealth.security;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The one byte encoding of what gets signed: a domain label, then each field as a 4-byte big-endian length and its
 * bytes (length -1 for an absent field). Unambiguous, so no two different field lists encode alike, and a signature
 * made for one kind of record can never be replayed as another (the domain differs).
 */
public final class Canonical {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Canonical(String domain) {
        text(domain);
    }

    /** Starts an encoding for records of {@code domain}, e.g. {@code "stego-ehealth stego event v1"}. */
    public static Canonical of(String domain) {
        return new Canonical(domain);
    }

    public Canonical bytes(byte[] value) {
        if (value == null) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
        } else {
            out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
            out.writeBytes(value);
        }
        return this;
    }

    public Canonical text(String value) {
        return bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public Canonical number(long value) {
        return bytes(ByteBuffer.allocate(8).putLong(value).array());
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
