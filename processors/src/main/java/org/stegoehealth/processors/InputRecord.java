package org.stegoehealth.processors;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A consumed record as it arrived (original key and value bytes) with where it came from: what the batch buffer
 * stores and what a dead letter needs.
 *
 * @param enqueuedAtMs wall-clock time the record entered the batch buffer
 * @param coverId      the cover chosen for it at arrival (embedding only), or null
 */
public record InputRecord(
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        long enqueuedAtMs,
        String coverId) {

    private static final byte FORMAT = 1;

    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    public InputRecord withCoverId(String id) {
        return new InputRecord(topic, partition, offset, timestamp, key, value, enqueuedAtMs, id);
    }

    /** Compact binary form for the batch buffer store. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(timestamp);
            writeBytes(out, key);
            writeBytes(out, value);
            out.writeLong(enqueuedAtMs);
            out.writeBoolean(coverId != null);
            if (coverId != null) {
                out.writeUTF(coverId);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static InputRecord fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("batch buffer entry has format " + format + ", expected " + FORMAT);
            }
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            long enqueuedAt = in.readLong();
            String cover = in.readBoolean() ? in.readUTF() : null;
            return new InputRecord(topic, partition, offset, timestamp, key, value, enqueuedAt, cover);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt batch buffer entry (" + e + ")", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        return in.readNBytes(n);
    }
}
