package org.stegoehealth.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Something that happens to a stego image on its way, before extraction: JPEG re-encoding by the project's JPEG
 * writer ({@link Jpeg}; {@code jpeg90}: quality 90 with 4:2:0 chroma subsampling, the JDK encoder's default and
 * exactly what the embedder sends with {@code stego.format=jpeg}; {@code jpeg444q90}: the same without chroma
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
            case JPEG -> jpeg(stego, amount, Jpeg.Chroma.SUBSAMPLED_420);
            case JPEG444 -> jpeg(stego, amount, Jpeg.Chroma.FULL_444);
            case RESIZE ->
                stego.resize(Math.max(1, (int) Math.round(stego.width() * amount)), Math.max(1, (int)
                                Math.round(stego.height() * amount)))
                        .resize(stego.width(), stego.height())
                        .quantize8();
            case NOISE -> noise(stego, amount / 255.0, seed);
        };
    }

    private static FloatImage jpeg(FloatImage image, double quality, Jpeg.Chroma chroma) {
        byte[] bytes = Jpeg.encode(image.withChannels(3).toBufferedImage(), quality, chroma, Map.of());
        FloatImage decoded = FloatImage.of(Images.decode(bytes, "JPEG-encoded stego image"));
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
