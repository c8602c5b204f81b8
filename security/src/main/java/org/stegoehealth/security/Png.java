package org.stegoehealth.security;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The project's one PNG writer: lossless encoding of a raster (8- or 16-bit, gray or colour) with the pixels only, no
 * metadata from a source file. Reading stays with {@code org.stegoehealth.model.Images}, the one decoder.
 *
 * <p>It lives here, in the lowest module that every writer's user sees: the sealed envelope (this module) needs it,
 * and the topologies, benchmarks and reports reach it through their dependency on this module; the image module
 * would drag the tensor libraries into the crypto module.
 */
public final class Png {

    private Png() {}

    /** PNG bytes at the writer's default deflate level: what the topologies send and the tools write. */
    public static byte[] encode(BufferedImage image) {
        return write(image, false);
    }

    /** PNG bytes at the strongest deflate level: smallest bytes, slower, for payloads whose size matters. */
    public static byte[] encodeSmallest(BufferedImage image) {
        return write(image, true);
    }

    private static byte[] write(BufferedImage image, boolean smallest) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
                ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (smallest && param.canWriteCompressed()) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0f);
            }
            writer.write(null, new IIOImage(image, null, null), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + image.getWidth() + "x" + image.getHeight() + " PNG", e);
        } finally {
            writer.dispose();
        }
    }

    /** Decodes PNG bytes; null if they are not an image. */
    static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}
