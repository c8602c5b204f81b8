package org.stegoehealth.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds DICOM Part 10 files element by element for tests, in explicit or implicit VR little endian, including
 * malformed ones. Elements are written in the order given.
 */
public final class Part10 {

    public static final String EXPLICIT = "1.2.840.10008.1.2.1";
    public static final String IMPLICIT = "1.2.840.10008.1.2";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean explicit;

    /** A file with the preamble, "DICM" and file meta information naming {@code transferSyntax}. */
    public Part10(String transferSyntax) {
        this.explicit = !transferSyntax.equals(IMPLICIT);
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        byte[] ts = pad(transferSyntax.getBytes(StandardCharsets.US_ASCII), (byte) 0);
        element(true, 0x00020000, "UL", le32(8 + ts.length));
        element(true, 0x00020010, "UI", ts);
    }

    public Part10 text(int tag, String vr, String value) {
        element(explicit, tag, vr, pad(value.getBytes(StandardCharsets.US_ASCII), (byte) ' '));
        return this;
    }

    public Part10 us(int tag, int value) {
        element(explicit, tag, "US", new byte[] {(byte) value, (byte) (value >>> 8)});
        return this;
    }

    /** A sequence of undefined length holding one item of undefined length with one text element. */
    public Part10 undefinedSequence(int tag, int innerTag, String innerValue) {
        header(explicit, tag, "SQ", 0xFFFFFFFF);
        header(false, Tags.ITEM, null, 0xFFFFFFFF);
        text(innerTag, "LO", innerValue);
        header(false, Tags.ITEM_DELIMITATION, null, 0);
        header(false, Tags.SEQUENCE_DELIMITATION, null, 0);
        return this;
    }

    /** Pixel data whose declared length is {@code declared}, followed by {@code data}. */
    public Part10 pixelData(String vr, long declared, byte[] data) {
        header(explicit, Tags.PIXEL_DATA, vr, (int) declared);
        out.writeBytes(data);
        return this;
    }

    public Part10 pixelData(String vr, byte[] data) {
        return pixelData(vr, data.length, data);
    }

    /** The usual grayscale Image Pixel module (PS3.3 C.7.6.3) attributes. */
    public Part10 imagePixel(String photometric, int rows, int columns, int allocated, int stored) {
        us(Tags.SAMPLES_PER_PIXEL, 1);
        text(Tags.PHOTOMETRIC_INTERPRETATION, "CS", photometric);
        us(Tags.ROWS, rows);
        us(Tags.COLUMNS, columns);
        us(Tags.BITS_ALLOCATED, allocated);
        us(Tags.BITS_STORED, stored);
        us(Tags.HIGH_BIT, stored - 1);
        us(Tags.PIXEL_REPRESENTATION, 0);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    private void element(boolean explicitVr, int tag, String vr, byte[] value) {
        header(explicitVr, tag, vr, value.length);
        out.writeBytes(value);
    }

    private void header(boolean explicitVr, int tag, String vr, int length) {
        out.writeBytes(new byte[] {(byte) (tag >>> 16), (byte) (tag >>> 24), (byte) tag, (byte) (tag >>> 8)});
        if (!explicitVr || vr == null) {
            out.writeBytes(le32(length));
            return;
        }
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB") || vr.equals("OW") || vr.equals("SQ") || vr.equals("UN") || vr.equals("UT")) {
            out.writeBytes(new byte[2]);
            out.writeBytes(le32(length));
        } else {
            out.writeBytes(new byte[] {(byte) length, (byte) (length >>> 8)});
        }
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static byte[] pad(byte[] value, byte with) {
        if ((value.length & 1) == 0) {
            return value;
        }
        byte[] out = new byte[value.length + 1];
        System.arraycopy(value, 0, out, 0, value.length);
        out[value.length] = with;
        return out;
    }
}
