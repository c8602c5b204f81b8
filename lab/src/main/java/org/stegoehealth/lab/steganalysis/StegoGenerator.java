package org.stegoehealth.lab.steganalysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.stegoehealth.model.Baseline;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.SpreadLsb;
import org.stegoehealth.security.AdaptiveEmbedding;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.SealedHiding;
import org.stegoehealth.security.Stc;

/**
 * A way of making stego images from 8-bit RGB covers for the detector to face: the network, a classical baseline
 * hiding the X-ray, the sealed method, or random bits written by LSB replacement or LSB matching at a given payload.
 */
public interface StegoGenerator {

    String name();

    /** Secret bits per cover sample; nominal for the network. */
    double bitsPerChannel();

    /**
     * A stego image and the clean image it is to be told apart from: the cover itself, or the crop of it that a
     * method using only the area its payload needs wrote into.
     */
    record Hidden(FloatImage clean, FloatImage stego) {}

    /**
     * 8-bit stego images, one per cover, each with its clean counterpart.
     *
     * @param secrets gray secrets of the covers' size (ignored by the random-bit methods)
     * @param seed    makes random bits reproducible
     */
    List<Hidden> hide(List<FloatImage> covers, List<FloatImage> secrets, long seed);

    /**
     * The methods run when none are named: the network, every spread-LSB layout, the sealed and covert methods, LSB
     * matching of random bits at three payloads.
     */
    static String defaults() {
        StringBuilder sb = new StringBuilder("neural");
        SpreadLsb.STANDARD.forEach(m -> sb.append(',').append(m.name()));
        return sb.append(",sealed,covert,lsbm-0.1,lsbm-0.4,lsbm-1").toString();
    }

    /**
     * Parses {@code neural}, {@code spread-lsb-R-G-B}, {@code lsb-K} (the gray secret replicated to R, G and B),
     * {@code lsbm-P} (LSB matching: each sample carries a random bit with probability P, a mismatch moves it by
     * +-1 at random), {@code lsbr-P} (LSB replacement of random bits at payload P) or {@code stc-P} (random bits at
     * payload P written as the covert method writes its sealed payload: {@link AdaptiveEmbedding}).
     *
     * @param model the network, needed only for {@code neural}
     * @param keyring a keyring to seal to, needed only for {@code sealed}
     */
    static StegoGenerator parse(String spec, HidingModel model, Keyring keyring) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("sealed") || s.equals("covert")) {
            if (keyring == null) {
                throw new IllegalArgumentException("method " + s + " needs a keyring");
            }
            return s.equals("sealed") ? sealed(keyring, SEALED_SECRET_SHARE) : covert(keyring, COVERT_SECRET_SHARE);
        }
        if (s.equals("neural")) {
            if (model == null) {
                throw new IllegalArgumentException("method neural needs a model");
            }
            return network(model);
        }
        if (s.startsWith("covert-")) {
            if (keyring == null) {
                throw new IllegalArgumentException("method " + s + " needs a keyring");
            }
            try {
                double share = Double.parseDouble(s.substring("covert-".length()));
                if (share > 0 && share <= 1) {
                    return covert(keyring, share);
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        if (s.startsWith("spread-lsb-")) {
            return of(SpreadLsb.parse(s.substring("spread-lsb-".length())));
        }
        try {
            if (s.startsWith("lsbm-")) {
                return randomBits(s, Double.parseDouble(s.substring(5)), true);
            }
            if (s.startsWith("stc-")) {
                return adaptive(s, Double.parseDouble(s.substring(4)));
            }
            if (s.startsWith("lsbr-")) {
                return randomBits(s, Double.parseDouble(s.substring(5)), false);
            }
            if (s.startsWith("lsb-")) {
                return of(Baseline.lsb(Integer.parseInt(s.substring(4))));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("unknown method '" + spec
                + "': expected neural, sealed, covert, covert-F (the X-ray's side a share F of the tile's), spread-lsb-R-G-B, "
                + "lsb-K, lsbm-P, lsbr-P or stc-P (P in 0..1), for example " + defaults());
    }

    /**
     * Side of the X-ray for {@code sealed}, as a share of the tile side (96 px for 256 px tiles), so that its sealed
     * PNG fits in the tile at the default budget.
     */
    double SEALED_SECRET_SHARE = 0.375;

    /**
     * Side of the X-ray for {@code covert}, as a share of the tile side (8 px for 256 px tiles), so that its payload
     * stays under the covert budget of the whole tile.
     */
    double COVERT_SECRET_SHARE = 0.03125;

    /**
     * The covert method ({@link SealedHiding#covert}, default budget): the X-ray, scaled to {@code secretShare} of the
     * cover's width, sealed and spread over the whole tile by syndrome-trellis codes with HILL costs.
     */
    static StegoGenerator covert(Keyring keyring, double secretShare) {
        return keyed(
                secretShare == COVERT_SECRET_SHARE ? "covert" : "covert-" + secretShare,
                SealedHiding.covert(keyring, SealedHiding.DEFAULT_COVERT_BUDGET, SealedHiding.DEFAULT_MAX_SIDE),
                keyring,
                secretShare);
    }

    /**
     * The lossless sealed method ({@link SealedHiding}, default budget): the X-ray, scaled to {@code secretShare}
     * of the cover's width so the payload fits a tile, compressed, encrypted and written by keyed LSB matching into
     * the crop of the cover the payload needs (at a corner the embedding draws).
     */
    static StegoGenerator sealed(Keyring keyring, double secretShare) {
        return keyed("sealed", new SealedHiding(keyring), keyring, secretShare);
    }

    /**
     * A keyed method sealing to {@code keyring} itself an X-ray scaled to {@code secretShare} of the tile's side. Its
     * payload per colour sample is what the X-rays it hid needed on average (the budget before any were hidden).
     */
    private static StegoGenerator keyed(String name, SealedHiding hiding, Keyring keyring, double secretShare) {
        return new StegoGenerator() {
            private double rateSum;
            private int hidden;

            @Override
            public String name() {
                return name;
            }

            @Override
            public double bitsPerChannel() {
                return hidden == 0 ? hiding.budget() : rateSum / hidden;
            }

            @Override
            public List<Hidden> hide(List<FloatImage> covers, List<FloatImage> secrets, long seed) {
                List<Hidden> out = new ArrayList<>();
                for (int i = 0; i < covers.size(); i++) {
                    int side = Math.max(8, (int) Math.round(covers.get(i).width() * secretShare));
                    FloatImage xray = secrets.get(i).toGray().resize(side, side).quantize8();
                    SealedHiding.Embedded e = hiding.embed(
                            covers.get(i).toBufferedImage(),
                            xray.toBufferedImage(),
                            "steganalysis-" + seed + "-" + i,
                            keyring.name(),
                            Optional.empty());
                    rateSum += e.bitsPerChannel();
                    hidden++;
                    out.add(new Hidden(FloatImage.of(e.cover()), FloatImage.of(e.stego())));
                }
                return out;
            }
        };
    }

    /** The network's stego images, rounded to 8 bits as they are sent. */
    static StegoGenerator network(HidingModel model) {
        return new StegoGenerator() {
            @Override
            public String name() {
                return "neural";
            }

            @Override
            public double bitsPerChannel() {
                return 8.0 * model.secretChannels() / 3;
            }

            @Override
            public List<Hidden> hide(List<FloatImage> covers, List<FloatImage> secrets, long seed) {
                List<FloatImage> s = secrets.stream()
                        .map(x -> x.withChannels(model.secretChannels()))
                        .toList();
                List<FloatImage> stego = model.embed(covers, s);
                List<Hidden> out = new ArrayList<>();
                for (int i = 0; i < covers.size(); i++) {
                    out.add(new Hidden(covers.get(i), stego.get(i).quantize8()));
                }
                return out;
            }
        };
    }

    /** A classical baseline hiding the X-ray (replicated to three channels when the baseline wants that). */
    static StegoGenerator of(Baseline baseline) {
        return new StegoGenerator() {
            @Override
            public String name() {
                return baseline.name();
            }

            @Override
            public double bitsPerChannel() {
                return baseline.bitsPerChannel();
            }

            @Override
            public List<Hidden> hide(List<FloatImage> covers, List<FloatImage> secrets, long seed) {
                List<Hidden> out = new ArrayList<>();
                for (int i = 0; i < covers.size(); i++) {
                    FloatImage s = secrets.get(i);
                    FloatImage secret = baseline instanceof SpreadLsb ? s.toGray() : s.toRgb();
                    out.add(new Hidden(covers.get(i), baseline.embed(covers.get(i), secret)));
                }
                return out;
            }
        };
    }

    /** Random bits at payload {@code p}, by LSB matching ({@code matching}) or LSB replacement. */
    static StegoGenerator randomBits(String name, double p, boolean matching) {
        return perCover(name, p, (cover, rnd) -> new Hidden(cover, randomBits(cover, p, matching, rnd)));
    }

    /**
     * Random bits at payload {@code p} written the covert method's way ({@link AdaptiveEmbedding}: syndrome-trellis
     * codes of the covert method's height, HILL costs, +-1 changes) over every sample of the cover in a random order.
     * An encrypted payload is indistinguishable from random bits, so this measures the covert method's detectability
     * at any rate, without the X-ray sizes its own generator is tied to.
     */
    static StegoGenerator adaptive(String name, double p) {
        return perCover(name, p, (photo, rnd) -> {
            FloatImage cover = photo.toRgb();
            float[] d = cover.data();
            int[] samples = new int[d.length];
            int[] slots = new int[d.length];
            for (int k = 0; k < d.length; k++) {
                samples[k] = Math.round(d[k] * 255f);
                slots[k] = k;
            }
            for (int k = slots.length - 1; k > 0; k--) {
                int j = rnd.nextInt(k + 1);
                int t = slots[k];
                slots[k] = slots[j];
                slots[j] = t;
            }
            byte[] message = new byte[(int) Math.round(p * samples.length)];
            for (int k = 0; k < message.length; k++) {
                message[k] = (byte) rnd.nextInt(2);
            }
            AdaptiveEmbedding.write(
                    samples,
                    cover.width(),
                    cover.height(),
                    slots,
                    message,
                    new Stc(SealedHiding.COVERT_STC_HEIGHT, rnd.nextLong()),
                    rnd);
            float[] stego = new float[d.length];
            for (int k = 0; k < d.length; k++) {
                stego[k] = samples[k] / 255f;
            }
            return new Hidden(cover, new FloatImage(cover.width(), cover.height(), 3, stego));
        });
    }

    /** A generator of random bits at payload {@code p} that writes each cover on its own, with its own seeded random. */
    private static StegoGenerator perCover(String name, double p, BiFunction<FloatImage, Random, Hidden> write) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("payload of " + name + " must be in (0, 1]");
        }
        return new StegoGenerator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double bitsPerChannel() {
                return p;
            }

            @Override
            public List<Hidden> hide(List<FloatImage> covers, List<FloatImage> secrets, long seed) {
                List<Hidden> out = new ArrayList<>();
                for (int i = 0; i < covers.size(); i++) {
                    out.add(write.apply(covers.get(i), new Random(seed * 1_000_003L + i)));
                }
                return out;
            }
        };
    }

    /** Writes a random bit into each sample's LSB with probability {@code p}. */
    static FloatImage randomBits(FloatImage cover, double p, boolean matching, Random rnd) {
        float[] d = cover.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            int v = Math.round(d[i] * 255f);
            if (rnd.nextDouble() < p) {
                int bit = rnd.nextInt(2);
                if ((v & 1) != bit) {
                    if (matching) {
                        v = v == 0 ? 1 : v == 255 ? 254 : v + (rnd.nextBoolean() ? 1 : -1);
                    } else {
                        v ^= 1;
                    }
                }
            }
            out[i] = v / 255f;
        }
        return new FloatImage(cover.width(), cover.height(), cover.channels(), out);
    }
}
