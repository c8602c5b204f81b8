package org.stegoehealth.web.viewer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Adds {@code tEXt} chunks to PNG bytes, right after the header chunk, leaving every other chunk (and so every pixel,
 * at its bit depth) as it was: the export of a sealed X-ray stays bit-identical to what the hospital sent.
 */
final class PngText {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngText() {}

    static byte[] withText(byte[] png, Map<String, String> text) {
        if (png.length < 33 || !java.util.Arrays.equals(java.util.Arrays.copyOf(png, 8), SIGNATURE)) {
            throw new IllegalArgumentException("not a PNG");
        }
        int ihdrLength = ByteBuffer.wrap(png, 8, 4).getInt();
        int afterHeader = 8 + 12 + ihdrLength;
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 1024);
        out.write(png, 0, afterHeader);
        text.forEach((k, v) -> writeChunk(
                out, "tEXt", (latin1(k, 79) + '\0' + latin1(v, 8000)).getBytes(StandardCharsets.ISO_8859_1)));
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    /** Printable Latin-1 only (tEXt's character set), at most {@code max} characters. */
    private static String latin1(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c <= 0xff && c != 0x7f ? c : '?');
        }
        return b.length() > max ? b.substring(0, max) : b.toString();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
