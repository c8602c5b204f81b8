package org.stegoehealth.model;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The project's one JPEG writer (the PNG writer is {@code org.stegoehealth.security.Png}): an 8-bit RGB raster as a baseline JFIF JPEG with 4:2:0 chroma
 * subsampling (luma at full resolution, each chroma plane at half in both directions), what nearly every camera,
 * mail gateway and messaging app sends; the JDK's standard encoder and its quantisation tables scaled by quality.
 * The sampling is set explicitly rather than left to the encoder's default. Notes go into {@code COM} segments, one
 * per note as {@code key: value} ({@link #notes} reads them back). Reading pixels stays with {@link Images}, the one
 * decoder. It lives beside the decoder rather than beside the PNG writer so that everything that writes a JPEG, the
 * embedder's wire format and the evaluation's channel ({@link Attack}) alike, can use it without the crypto module.
 */
public final class Jpeg {

    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

    private Jpeg() {}

    /** How the chroma planes are sampled. */
    public enum Chroma {
        /** 4:2:0: each chroma plane at half resolution in both directions; what the product sends. */
        SUBSAMPLED_420,
        /** 4:4:4: chroma at full resolution; for the evaluation's gentler channel ({@link Attack}). */
        FULL_444
    }

    /**
     * Baseline 4:2:0 JPEG bytes of {@code image} (8-bit RGB) at {@code quality} (1 to 100, as the usual encoders count
     * it), with {@code notes} as comments. Never put secrets or patient data in a note: anyone holding the file reads
     * them.
     */
    public static byte[] encode(BufferedImage image, int quality, Map<String, String> notes) {
        return encode(image, quality, Chroma.SUBSAMPLED_420, notes);
    }

    /** Baseline JPEG bytes of {@code image} (8-bit RGB) at {@code quality} (1 to 100) with {@code chroma}. */
    public static byte[] encode(BufferedImage image, double quality, Chroma chroma, Map<String, String> notes) {
        if (!(quality >= 1 && quality <= 100)) {
            throw new IllegalArgumentException("JPEG quality " + quality + " is not 1..100");
        }
        if (image.getColorModel().getNumComponents() != 3
                || image.getColorModel().hasAlpha()
                || image.getColorModel().getComponentSize(0) != 8) {
            throw new IllegalArgumentException("a JPEG stego image is 8-bit RGB without alpha");
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight() / 4);
                ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality((float) (quality / 100));
            IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
            Node tree = metadata.getAsTree(JPEG_METADATA);
            NodeList specs = ((Element) tree).getElementsByTagName("componentSpec");
            for (int i = 0; i < specs.getLength(); i++) {
                Element spec = (Element) specs.item(i);
                // 4:2:0: Y 2x2, Cb and Cr 1x1; 4:4:4: all 1x1
                String factor = i == 0 && chroma == Chroma.SUBSAMPLED_420 ? "2" : "1";
                spec.setAttribute("HsamplingFactor", factor);
                spec.setAttribute("VsamplingFactor", factor);
            }
            Node markers =
                    ((Element) tree).getElementsByTagName("markerSequence").item(0);
            notes.forEach((key, value) -> {
                if (key.isEmpty() || key.contains(": ")) {
                    throw new IllegalArgumentException("not a JPEG note key: '" + key + "'");
                }
                IIOMetadataNode comment = new IIOMetadataNode("com");
                comment.setAttribute("comment", key + ": " + value);
                markers.appendChild(comment);
            });
            metadata.setFromTree(JPEG_METADATA, tree);
            writer.write(null, new IIOImage(image, null, metadata), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot encode a " + image.getWidth() + "x" + image.getHeight() + " JPEG", e);
        } finally {
            writer.dispose();
        }
    }

    /**
     * The {@code COM} segments of JPEG bytes that read {@code key: value}, key to value (Latin-1), in file order; the
     * first of a repeated key wins. Reads the segments before the image data only; empty for bytes that are no JPEG.
     */
    public static Map<String, String> notes(byte[] jpeg) {
        Map<String, String> notes = new LinkedHashMap<>();
        if (jpeg == null || jpeg.length < 4 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
            return notes;
        }
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xff) == 0xFF) {
            int marker = jpeg[at + 1] & 0xff;
            if (marker == 0xFF) {
                at++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break; // start of scan or end of image: no more header segments
            }
            int length = ((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff);
            if (length < 2 || at + 2 + length > jpeg.length) {
                break;
            }
            if (marker == 0xFE) {
                String text = new String(jpeg, at + 4, length - 2, StandardCharsets.ISO_8859_1);
                int colon = text.indexOf(": ");
                if (colon > 0) {
                    notes.putIfAbsent(text.substring(0, colon), text.substring(colon + 2));
                }
            }
            at += 2 + length;
        }
        return notes;
    }
}
