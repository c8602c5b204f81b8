package org.stegoehealth.model;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Something that happens to a stego image on its way, before extraction: JPEG re-encoding ({@code jpeg90}: quality
 * 90, the JDK's encoder with its default 4:2:0 chroma subsampling; {@code jpeg444q90}: the same without chroma
 * subsampling), resizing by a factor and back to the original
 * size ({@code resize0.9}, bicubic both ways) or additive Gaussian noise ({@code noise2}: sigma 2 grey levels). Every
 * result is rounded to 8 bits, as a received file would be.
 */
public record Attack(String name, Kind kind, double amount) {

    /** The kinds of attack, each named by its prefix and an amount. */
    public enum Kind {
        /** JPEG with the encoder's default 4:2:0 chroma subsampling. */
        JPEG("jpeg"),
        /** JPEG without chroma subsampling (4:4:4). */
        JPEG444("jpeg444q"),
        RESIZE("resize"),
        NOISE("noise");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    /** The attacks of the robustness table when none are named. */
    public static final String DEFAULTS = "jpeg95,jpeg90,jpeg75,jpeg444q95,resize0.9,noise1,noise2";

    public Attack {
        boolean ok = switch (kind) {
            case JPEG, JPEG444 -> amount >= 1 && amount <= 100;
            case RESIZE -> amount >= 0.1 && amount <= 4 && amount != 1;
            case NOISE -> amount > 0 && amount <= 64;
        };
        if (!ok) {
            throw new IllegalArgumentException(
                    "attack " + name + " out of range (jpeg1..jpeg100, resize0.1..resize4, " + "noise0..noise64)");
        }
    }

    /** Parses {@code jpeg95}, {@code resize0.9} or {@code noise2}. */
    public static Attack parse(String spec) {
        String s = spec.trim();
        for (Kind k : new Kind[] {Kind.JPEG444, Kind.JPEG, Kind.RESIZE, Kind.NOISE}) {
            String prefix = k.prefix;
            if (s.startsWith(prefix) && s.length() > prefix.length()) {
                try {
                    return new Attack(s, k, Double.parseDouble(s.substring(prefix.length())));
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new IllegalArgumentException("unknown attack '" + spec + "': expected jpegQ, jpeg444qQ, resizeF or "
                + "noiseS, "
                + "for example " + DEFAULTS);
    }

    /** Parses a comma-separated list. */
    public static List<Attack> parseList(String specs) {
        List<Attack> out = new ArrayList<>();
        for (String s : specs.split(",")) {
            if (!s.isBlank()) {
                out.add(parse(s));
            }
        }
        return out;
    }

    /**
     * The attacked image, rounded to 8 bits.
     *
     * @param seed makes the noise of one image reproducible
     */
    public FloatImage apply(FloatImage stego, long seed) {
        return switch (kind) {
            case JPEG -> jpeg(stego, (float) (amount / 100), false);
            case JPEG444 -> jpeg(stego, (float) (amount / 100), true);
            case RESIZE ->
                stego.resize(Math.max(1, (int) Math.round(stego.width() * amount)), Math.max(1, (int)
                                Math.round(stego.height() * amount)))
                        .resize(stego.width(), stego.height())
                        .quantize8();
            case NOISE -> noise(stego, amount / 255.0, seed);
        };
    }

    private static FloatImage jpeg(FloatImage image, float quality, boolean fullChroma) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            BufferedImage buffered = image.toBufferedImage();
            IIOMetadata metadata = null;
            if (fullChroma) {
                metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(buffered), param);
                String format = "javax_imageio_jpeg_image_1.0";
                Node tree = metadata.getAsTree(format);
                NodeList specs = ((Element) tree).getElementsByTagName("componentSpec");
                for (int i = 0; i < specs.getLength(); i++) {
                    Element spec = (Element) specs.item(i);
                    spec.setAttribute("HsamplingFactor", "1");
                    spec.setAttribute("VsamplingFactor", "1");
                }
                metadata.setFromTree(format, tree);
            }
            writer.write(null, new IIOImage(buffered, null, metadata), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        FloatImage decoded = FloatImage.of(Images.decode(bytes.toByteArray(), "JPEG-encoded stego image"));
        return decoded.withChannels(image.channels());
    }

    private static FloatImage noise(FloatImage image, double sigma, long seed) {
        Random rnd = new Random(seed);
        float[] d = image.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) (d[i] + sigma * rnd.nextGaussian());
        }
        return new FloatImage(image.width(), image.height(), image.channels(), out).quantize8();
    }
}
