package org.stegoehealth.trainer;

import java.util.List;
import java.util.Random;
import org.stegoehealth.model.Channel;

/**
 * Which channel each training batch goes through ({@link Channel}), brought in gradually: at step t, a batch is
 * attacked with probability {@code share * min(1, t / ramp)}, otherwise it passes unchanged; an attacked batch gets one
 * of {@code kinds}, chosen uniformly, with a strength drawn uniformly from its range:
 *
 * <ul>
 *   <li>{@code jpeg}: JPEG with 4:2:0 chroma at a quality from 50 to 95;
 *   <li>{@code resize}: resizing by a scale from 0.5 to 0.95 and back;
 *   <li>{@code noise}: Gaussian noise of sigma 0.5 to 5 grey levels.
 * </ul>
 *
 * @param kinds the attacks to train with (a subset of {@link #KINDS})
 * @param ramp  steps over which the attacked share rises to {@code share}
 * @param share the share of attacked batches after the ramp, in (0, 1]
 */
public record ChannelSchedule(List<String> kinds, int ramp, double share) {

    /** The attacks training can put in the loop. */
    public static final List<String> KINDS = List.of("jpeg", "resize", "noise");

    public ChannelSchedule {
        kinds = List.copyOf(kinds);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a channel schedule needs at least one of " + KINDS);
        }
        for (String kind : kinds) {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("unknown channel '" + kind + "': expected one of " + KINDS);
            }
        }
        if (ramp < 0 || !(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("the channel ramp must be 0 or more and its share in (0, 1]");
        }
    }

    /** Parses {@code jpeg,resize,noise}. */
    public static ChannelSchedule parse(String kinds, int ramp, double share) {
        return new ChannelSchedule(List.of(kinds.trim().split("\\s*,\\s*")), ramp, share);
    }

    /** The share of batches attacked at {@code step}. */
    public double attackedShare(int step) {
        return ramp == 0 ? share : share * Math.min(1.0, (double) step / ramp);
    }

    /** This batch's channel, for square crops of {@code side}, drawn from {@code random}. */
    public Channel.Draw draw(int step, Random random, int side) {
        if (random.nextDouble() >= attackedShare(step)) {
            return Channel.identity(side, side);
        }
        String kind = kinds.get(random.nextInt(kinds.size()));
        return switch (kind) {
            case "jpeg" -> Channel.jpeg(side, side, 50 + random.nextInt(46));
            case "resize" -> Channel.resize(side, side, 0.5 + 0.45 * random.nextDouble());
            case "noise" -> Channel.noise(side, side, 0.5 + 4.5 * random.nextDouble());
            default -> throw new IllegalStateException(kind);
        };
    }

    /** One line for a model's metadata. */
    public String describe() {
        return String.join(", ", kinds) + " on " + Math.round(share * 100) + " % of the batches (ramped in over "
                + ramp + " steps): JPEG 4:2:0 at quality 50-95, resizing by 0.5-0.95 and back, noise of sigma 0.5-5"
                + " grey levels";
    }
}
