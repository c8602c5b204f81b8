package org.stegoehealth.security;

import com.google.crypto.tink.prf.Prf;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A keyed random order of the {@code slots} sample positions of an image: a Fisher-Yates shuffle driven by a Tink
 * PRF in counter mode, drawn lazily. The order is a pure function of the key, the message id and the geometry, and
 * a longer draw starts with the shorter one, so a reader can first take the header positions and then the rest.
 */
final class KeyedPositions {

    private static final int BLOCK = 32;

    private final Prf prf;
    private final byte[] seed;
    private final int[] order;
    private int drawn;
    private long counter;
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
            throw new IllegalArgumentException(count + " more positions requested, " + (order.length - drawn) + " left");
        }
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            int i = drawn++;
            int j = i + (int) Long.remainderUnsigned(nextLong(), order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            out[k] = order[i];
        }
        return out;
    }

    private long nextLong() throws GeneralSecurityException {
        if (block.remaining() < Long.BYTES) {
            byte[] in = ByteBuffer.allocate(seed.length + Long.BYTES).put(seed).putLong(counter++).array();
            block.clear();
            block.put(prf.compute(in, BLOCK));
            block.flip();
        }
        return block.getLong();
    }
}
