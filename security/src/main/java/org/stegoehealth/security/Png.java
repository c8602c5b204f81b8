package org.stegoehealth.security;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * The project's one PNG writer: lossless encoding of a raster (8- or 16-bit, gray or colour) with the pixels only, no
 * metadata from a source file, and optionally a few notes of its own as {@code tEXt} chunks ({@link #notes} reads them
 * back). Reading pixels stays with {@code org.stegoehealth.model.Images}, the one decoder.
 *
 * <p>It lives here, in the lowest module that every writer's user sees: the sealed envelope (this module) needs it,
 * and the topologies, benchmarks and reports reach it through their dependency on this module; the image module
 * would drag the tensor libraries into the crypto module.
 */
public final class Png {

    private Png() {}

    /** PNG bytes at the writer's default deflate level: what the topologies send and the tools write. */
    public static byte[] encode(BufferedImage image) {
        return write(image, false, Map.of());
    }

    /**
     * PNG bytes at the writer's default deflate level with {@code notes} as {@code tEXt} chunks, in their order: each
     * key a PNG keyword (1 to 79 printable Latin-1 characters), each value Latin-1 text. Never put secrets or patient
     * data in a note: anyone holding the file reads them.
     */
    public static byte[] encode(BufferedImage image, Map<String, String> notes) {
        return write(image, false, notes);
    }

    /** PNG bytes at the strongest deflate level: smallest bytes, slower, for payloads whose size matters. */
    public static byte[] encodeSmallest(BufferedImage image) {
        return write(image, true, Map.of());
    }

    private static byte[] write(BufferedImage image, boolean smallest, Map<String, String> notes) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
                ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (smallest && param.canWriteCompressed()) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0f);
            }
            IIOMetadata metadata = notes.isEmpty() ? null : withNotes(writer, image, param, notes);
            writer.write(null, new IIOImage(image, null, metadata), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + image.getWidth() + "x" + image.getHeight() + " PNG", e);
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadata withNotes(
            ImageWriter writer, BufferedImage image, ImageWriteParam param, Map<String, String> notes)
            throws IIOInvalidTreeException {
        IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
        IIOMetadataNode text = new IIOMetadataNode("tEXt");
        notes.forEach((key, value) -> {
            if (!key.matches("[\\x20-\\x7e\\xa1-\\xff]{1,79}") || key.startsWith(" ") || key.endsWith(" ")) {
                throw new IllegalArgumentException("not a PNG text keyword: '" + key + "'");
            }
            IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
            entry.setAttribute("keyword", key);
            entry.setAttribute("value", value);
            text.appendChild(entry);
        });
        IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA);
        root.appendChild(text);
        metadata.mergeTree(PNG_METADATA, root);
        return metadata;
    }

    private static final String PNG_METADATA = "javax_imageio_png_1.0";

    /**
     * The {@code tEXt} chunks of PNG bytes, keyword to text (Latin-1), in file order; the first of a repeated keyword
     * wins. Reads the chunk structure only, no pixels; empty for bytes that are no PNG or whose chunks are cut off
     * (what can be read before the cut is kept).
     */
    public static Map<String, String> notes(byte[] png) {
        Map<String, String> notes = new LinkedHashMap<>();
        if (png == null
                || png.length < 8
                || (png[0] & 0xff) != 0x89
                || png[1] != 'P'
                || png[2] != 'N'
                || png[3] != 'G') {
            return notes;
        }
        ByteBuffer b = ByteBuffer.wrap(png);
        int at = 8;
        while (at + 8 <= png.length) {
            long length = b.getInt(at) & 0xffffffffL;
            String type = new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > png.length - at - 12L) {
                break;
            }
            if (type.equals("tEXt")) {
                int start = at + 8;
                int end = start + (int) length;
                int zero = start;
                while (zero < end && png[zero] != 0) {
                    zero++;
                }
                if (zero < end) {
                    notes.putIfAbsent(
                            new String(png, start, zero - start, StandardCharsets.ISO_8859_1),
                            new String(png, zero + 1, end - zero - 1, StandardCharsets.ISO_8859_1));
                }
            }
            if (type.equals("IEND")) {
                break;
            }
            at += 12 + (int) length;
        }
        return notes;
    }

    /** Decodes PNG bytes; null if they are not an image. */
    static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}
