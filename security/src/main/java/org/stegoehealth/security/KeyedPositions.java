package org.stegoehealth.security;

import com.google.crypto.tink.prf.Prf;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A keyed random order of the {@code slots} sample positions of an image: a Fisher-Yates shuffle driven by a Tink
 * PRF (HKDF-SHA256) in counter mode, drawn lazily. The order is a pure function of the key, the message id and the geometry, and
 * a longer draw starts with the shorter one, so a reader can first take the header positions and then the rest.
 */
final class KeyedPositions {

    /** Bytes per PRF call: the most HKDF-SHA256 gives (255 x 32). */
    private static final int BLOCK = 8160;

    private final Prf prf;
    private final byte[] seed;
    private final int[] order;
    private int drawn;
    private long counter;
    /** Unused stream bits, the lowest {@code available} bits of {@code buffer}. */
    private long buffer;

    private int available;
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK);

    KeyedPositions(Prf prf, String messageId, int width, int height, int slots) {
        this.prf = prf;
        this.seed = input("stego-ehealth sealed positions v1", messageId, width, height);
        this.order = new int[slots];
        for (int i = 0; i < slots; i++) {
            order[i] = i;
        }
        block.position(BLOCK);
    }

    /** Domain-separated PRF input: a label, the message id and the geometry, each length-prefixed. */
    static byte[] input(String label, String messageId, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : new String[] {label, messageId}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
            out.writeBytes(b);
        }
        out.writeBytes(ByteBuffer.allocate(8).putInt(width).putInt(height).array());
        return out.toByteArray();
    }

    /** Slots in the keyed order, {@code count} of them after those already drawn. */
    int[] next(int count) throws GeneralSecurityException {
        if (count > order.length - drawn) {
            throw new IllegalArgumentException(
                    count + " more positions requested, " + (order.length - drawn) + " left");
        }
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            int i = drawn++;
            int j = i + uniform(order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            out[k] = order[i];
        }
        return out;
    }

    /** An unbiased draw from [0, bound): the fewest bits that cover the bound, redrawn when over it. */
    private int uniform(int bound) throws GeneralSecurityException {
        if (bound == 1) {
            return 0;
        }
        int bits = 32 - Integer.numberOfLeadingZeros(bound - 1);
        while (true) {
            int v = (int) takeBits(bits);
            if (v < bound) {
                return v;
            }
        }
    }

    /** The next {@code bits} (at most 31) bits of the PRF stream. */
    private long takeBits(int bits) throws GeneralSecurityException {
        while (available < bits) {
            if (!block.hasRemaining()) {
                byte[] in = ByteBuffer.allocate(seed.length + Long.BYTES)
                        .put(seed)
                        .putLong(counter++)
                        .array();
                block.clear();
                block.put(prf.compute(in, BLOCK));
                block.flip();
            }
            buffer = (buffer << 8) | (block.get() & 0xff);
            available += 8;
        }
        available -= bits;
        return (buffer >>> available) & ((1L << bits) - 1);
    }
}
