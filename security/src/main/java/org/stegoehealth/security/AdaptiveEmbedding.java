package org.stegoehealth.security;

import java.util.Random;

/**
 * Content-adaptive embedding of message bits into 8-bit RGB samples: the message becomes the syndrome of the LSBs of
 * the chosen samples, the changes picked by {@link Stc} to cost least under {@link HillCosts} of each sample's colour
 * channel; a change is +-1 (away from the ends of the range, at random otherwise). The covert method writes its
 * sealed payload this way; the steganalysis lab writes random bits this way to measure detectability by rate.
 */
public final class AdaptiveEmbedding {

    private AdaptiveEmbedding() {}

    /**
     * Writes {@code message} (bits, 0 or 1) into {@code samples} (interleaved RGB, {@code w} x {@code h}) at
     * {@code slots} (sample indices).
     *
     * @return the number of samples changed
     */
    public static int write(int[] samples, int w, int h, int[] slots, byte[] message, Stc stc, Random random) {
        double[][] channelCosts = new double[3][];
        for (int c = 0; c < 3; c++) {
            int[] channel = new int[w * h];
            for (int p = 0; p < channel.length; p++) {
                channel[p] = samples[3 * p + c];
            }
            channelCosts[c] = HillCosts.of(channel, w, h);
        }
        byte[] cover = new byte[slots.length];
        double[] costs = new double[slots.length];
        for (int i = 0; i < slots.length; i++) {
            cover[i] = (byte) (samples[slots[i]] & 1);
            costs[i] = channelCosts[slots[i] % 3][slots[i] / 3];
        }
        byte[] stego = stc.embed(cover, costs, message);
        int changed = 0;
        for (int i = 0; i < slots.length; i++) {
            if (stego[i] != cover[i]) {
                int v = samples[slots[i]];
                samples[slots[i]] = v == 0 ? 1 : v == 255 ? 254 : v + (random.nextBoolean() ? 1 : -1);
                changed++;
            }
        }
        return changed;
    }
}
