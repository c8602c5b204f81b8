package org.stegoehealth.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Growing a trained network: the weights of a wider or deeper network, or of one hiding an RGB secret, that start out
 * computing what the trained one computes, so a larger network is fine-tuned instead of trained from scratch.
 */
public final class NetworkGrowth {

    private NetworkGrowth() {}

    /**
     * The weights of a paper-mode network (a 3-channel secret) that computes exactly what the grayscale network
     * {@code gray} computes when the secret is a gray image replicated to RGB: the first secret layer's weights are
     * shared equally by the three channels, and the extraction output is repeated for each. A paper-mode run can
     * start from a grayscale model this way.
     */
    public static Map<String, INDArray> withRgbSecret(NetworkConfig gray, Map<String, INDArray> weights) {
        if (gray.secretChannels() != 1) {
            throw new IllegalArgumentException("the network already hides " + gray.secretChannels() + " channels");
        }
        Map<String, INDArray> out = new LinkedHashMap<>(weights);
        INDArray first = weights.get("prepSecret0_W");
        INDArray outW = weights.get("extractOut_W");
        INDArray outB = weights.get("extractOut_b");
        long blocks = first.size(2);
        INDArray first3 = Nd4j.create(first.dataType(), first.size(0), first.size(1), 3 * blocks, first.size(3));
        INDArray outW3 = Nd4j.create(outW.dataType(), outW.size(0), outW.size(1), outW.size(2), 3 * blocks);
        INDArray outB3 = Nd4j.create(outB.dataType(), 3 * blocks);
        for (long p = 0; p < blocks; p++) {
            for (int c = 0; c < 3; c++) {
                // depth-to-space order: channel = block position * channels + colour
                long q = p * 3 + c;
                first3.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(q), NDArrayIndex.all())
                        .assign(first.get(
                                        NDArrayIndex.all(),
                                        NDArrayIndex.all(),
                                        NDArrayIndex.point(p),
                                        NDArrayIndex.all())
                                .div(3.0));
                outW3.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(q))
                        .assign(outW.get(
                                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(p)));
                outB3.putScalar(q, outB.getDouble(p));
            }
        }
        out.put("prepSecret0_W", first3);
        out.put("extractOut_W", outW3);
        out.put("extractOut_b", outB3);
        return out;
    }

    /**
     * The weights of a wider and/or deeper network {@code to} that starts out computing (almost) what the trained
     * network {@code from} computes, so a larger network can be fine-tuned from a trained one instead of trained from
     * scratch (after Net2Net, Chen, Goodfellow and Shlens, 2016). A new channel of a stack copies a random existing
     * one: its incoming weights are copied (with 1 % noise, so the copies can learn apart) and the outgoing weights of
     * the original and its copies are shared between them. A new layer, appended to a residual stack, starts with
     * weights near zero, so it adds almost nothing until it learns to.
     *
     * @throws IllegalArgumentException unless {@code to} differs from {@code from} only by more width, preprocessing
     *     width or depth
     */
    public static Map<String, INDArray> grow(
            NetworkConfig from, Map<String, INDArray> weights, NetworkConfig to, long seed) {
        return grow(from, weights, to, seed, 0.01);
    }

    /** {@link #grow}, with the copies' incoming weights scaled by 1 + {@code noise} x N(0, 1). */
    static Map<String, INDArray> grow(
            NetworkConfig from, Map<String, INDArray> weights, NetworkConfig to, long seed, double noise) {
        if (to.secretChannels() != from.secretChannels()
                || to.unshuffle() != from.unshuffle()
                || to.residualScale() != from.residualScale()
                || to.width() < from.width()
                || to.prepWidth() < from.prepWidth()
                || to.depth() < from.depth()
                || to.extractLayers() < from.extractLayers()) {
            throw new IllegalArgumentException("a network can only grow wider or deeper: " + from + " -> " + to);
        }
        Random random = new Random(seed);
        int f2 = from.unshuffle() * from.unshuffle();
        int[] cover = channelMap(NetworkConfig.COVER_CHANNELS * f2, NetworkConfig.COVER_CHANNELS * f2, random);
        int[] secret = channelMap(from.secretChannels() * f2, from.secretChannels() * f2, random);
        int[] prep = channelMap(from.prepWidth(), to.prepWidth(), random);
        int[] width = channelMap(from.width(), to.width(), random);
        int[] merged = new int[cover.length + 2 * prep.length];
        for (int i = 0; i < merged.length; i++) {
            int p = i - cover.length;
            merged[i] = i < cover.length
                    ? i
                    : p < prep.length
                            ? cover.length + prep[p]
                            : cover.length + from.prepWidth() + prep[p - prep.length];
        }
        Map<String, INDArray> fresh = StegoNetwork.initialWeights(to, seed);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (StegoNetwork.ConvSpec spec : StegoNetwork.layers(to)) {
            String name = spec.name();
            if (!weights.containsKey(name + "_W")) {
                out.put(name + "_W", fresh.get(name + "_W").muli(0.01));
                out.put(name + "_b", fresh.get(name + "_b"));
                continue;
            }
            boolean first = name.endsWith("0");
            int[] in = name.startsWith("prepCover")
                    ? (first ? cover : prep)
                    : name.startsWith("prepSecret")
                            ? (first ? secret : prep)
                            : name.equals("embed0") ? merged : name.equals("extract0") ? cover : width;
            int[] outs = name.startsWith("prep")
                    ? prep
                    : name.equals("embedOut") ? cover : name.equals("extractOut") ? secret : width;
            out.put(name + "_W", remap(weights.get(name + "_W"), in, outs, random, noise));
            INDArray b = weights.get(name + "_b");
            INDArray nb = Nd4j.create(b.dataType(), outs.length);
            for (int j = 0; j < outs.length; j++) {
                nb.putScalar(j, b.getDouble(outs[j]));
            }
            out.put(name + "_b", nb);
        }
        return out;
    }

    /** New channel index -> the old channel it copies: the old ones first, then random copies. */
    private static int[] channelMap(int oldCount, int newCount, Random random) {
        int[] map = new int[newCount];
        for (int j = 0; j < newCount; j++) {
            map[j] = j < oldCount ? j : random.nextInt(oldCount);
        }
        return map;
    }

    /** Convolution weights [k, k, in, out] of a grown layer (see {@link #grow}). */
    private static INDArray remap(INDArray w, int[] in, int[] out, Random random, double noise) {
        int k = (int) w.size(0);
        int oldIn = (int) w.size(2);
        int oldOut = (int) w.size(3);
        float[] old = w.dup('c').data().asFloat();
        int[] copies = new int[oldIn];
        for (int i : in) {
            copies[i]++;
        }
        float[] grown = new float[k * k * in.length * out.length];
        for (int yx = 0; yx < k * k; yx++) {
            for (int i = 0; i < in.length; i++) {
                for (int j = 0; j < out.length; j++) {
                    double v = old[(yx * oldIn + in[i]) * oldOut + out[j]] / (double) copies[in[i]];
                    if (j >= oldOut) {
                        v *= 1 + noise * random.nextGaussian();
                    }
                    grown[(yx * in.length + i) * out.length + j] = (float) v;
                }
            }
        }
        return Nd4j.create(grown, new long[] {k, k, in.length, out.length}, 'c');
    }
}
