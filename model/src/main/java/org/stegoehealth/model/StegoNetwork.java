package org.stegoehealth.model;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.DataFormat;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Builds the hiding network as SameDiff graphs. All tensors are NHWC float32 in [0, 1].
 *
 * <p>Three graphs share one set of named weights: the training graph (cover and secret in, loss out), the
 * embedder (cover and secret in, stego out) and the extractor (stego in, secret out). Inference graphs are
 * built from the weights alone, so a model artifact needs nothing but its weights and {@link NetworkConfig}.
 */
public final class StegoNetwork {

    public static final String COVER = "cover";
    public static final String SECRET = "secret";
    public static final String STEGO = "stego";
    /** The embedder's output before the clip to [0, 1]. */
    public static final String STEGO_RAW = "stegoRaw";

    public static final String NOISE = "noise";
    public static final String REVEALED = "revealed";
    public static final String LOSS = "loss";
    public static final String COVER_MSE = "coverMse";
    public static final String SECRET_MSE = "secretMse";
    public static final String OUT_OF_RANGE = "outOfRange";
    /** 1 - SSIM(cover, stego), when the objective weighs SSIM. */
    public static final String COVER_DSSIM = "coverDssim";
    /** 1 - SSIM(secret, revealed), when the objective weighs SSIM. */
    public static final String SECRET_DSSIM = "secretDssim";
    /** The critic's log-loss at calling the stego image clean, which the hiding network lowers. */
    public static final String ADVERSARY = "adversary";
    /** The critic's own log-loss at telling covers from stego images, which trains the critic. */
    public static final String CRITIC = "critic";
    /** Seed of the critic's initial weights (the critic is rebuilt from scratch for every run). */
    static final long CRITIC_SEED = 0x5eedL;

    private StegoNetwork() {}

    /** He-initialised weights for {@code config}, reproducible from {@code seed}. */
    public static Map<String, INDArray> initialWeights(NetworkConfig config, long seed) {
        Map<String, INDArray> weights = new LinkedHashMap<>();
        Random random = new Random(seed);
        for (ConvSpec spec : layers(config)) {
            int fanIn = spec.kernel * spec.kernel * spec.in;
            double std = spec.relu ? Math.sqrt(2.0 / fanIn) : Math.sqrt(1.0 / fanIn) * 0.1;
            float[] w = new float[spec.kernel * spec.kernel * spec.in * spec.out];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (random.nextGaussian() * std);
            }
            weights.put(
                    spec.name + "_W", Nd4j.create(w, new long[] {spec.kernel, spec.kernel, spec.in, spec.out}, 'c'));
            weights.put(spec.name + "_b", Nd4j.zeros(DataType.FLOAT, spec.out));
        }
        return weights;
    }

    /**
     * The joint training graph; its loss is {@code objective}'s ({@link TrainingObjective}), plus the critic's own
     * loss when it has one. The revealed image is extracted from {@code clip(stego) + noise}, what is sent: the stego
     * image clipped to [0, 1], and uniform noise of half a grey level that stands in for the 8-bit rounding.
     */
    public static SameDiff training(NetworkConfig config, Map<String, INDArray> weights, TrainingObjective objective) {
        SameDiff sd = SameDiff.create();
        SDVariable cover = sd.placeHolder(COVER, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable secret = sd.placeHolder(SECRET, DataType.FLOAT, -1, -1, -1, config.secretChannels());
        SDVariable noise = sd.placeHolder(NOISE, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        Layers layers = new Layers(sd, config, weights);
        // The stego image itself stays unclipped, with a penalty on what leaves [0, 1]: a hard clip has no gradient,
        // so a residual pushed past white or black could never be pulled back by the cover's loss alone. The
        // extractor sees the clipped image, as sent: without it the networks learn to hide part of the secret
        // outside [0, 1], where the clip before sending destroys it (about 1.6 % of the values, 0.6 dB of secret).
        SDVariable stego = layers.embed(cover, secret, STEGO);
        SDVariable revealed = layers.extract(asSent(stego, noise), REVEALED);
        Map<String, SDVariable> terms = new LinkedHashMap<>();
        terms.put(COVER_MSE, sd.math().squaredDifference(stego, cover).mean(COVER_MSE));
        terms.put(SECRET_MSE, sd.math().squaredDifference(revealed, secret).mean(SECRET_MSE));
        terms.put(OUT_OF_RANGE, outOfRange(stego).rename(OUT_OF_RANGE));
        if (objective.ssimWeight() > 0) {
            terms.put(COVER_DSSIM, dssim(sd, cover, stego, NetworkConfig.COVER_CHANNELS, COVER_DSSIM));
            terms.put(SECRET_DSSIM, dssim(sd, secret, revealed, config.secretChannels(), SECRET_DSSIM));
        }
        SDVariable criticLoss = null;
        if (objective.hasCritic()) {
            Critic critic = new Critic(sd, CRITIC_SEED);
            // the critic compares the stego image with its cover as they leave the embedder, without the rounding
            // noise: a critic that saw noise on one side only could tell them apart by the noise alone
            terms.put(ADVERSARY, critic.fooled(stego, ADVERSARY));
            criticLoss = critic.loss(cover, stego, CRITIC);
        }
        SDVariable loss = null;
        for (Map.Entry<String, Double> term : objective.terms().entrySet()) {
            SDVariable weighted = terms.get(term.getKey()).mul(term.getValue());
            loss = loss == null ? weighted : loss.add(weighted);
        }
        if (criticLoss != null) {
            loss = loss.add(criticLoss);
        }
        loss.rename(LOSS);
        sd.setLossVariables(LOSS);
        return sd;
    }

    /**
     * {@code 1 - SSIM(x, y)} over NHWC images in [0, 1], computed as {@link Metrics#ssim} does (11x11 Gaussian
     * window of sigma 1.5, K1 = 0.01, K2 = 0.03, the valid region, the mean over channels and images).
     */
    static SDVariable dssim(SameDiff sd, SDVariable x, SDVariable y, int channels, String name) {
        double[] g = Metrics.gaussian(11, 1.5);
        float[] k = new float[g.length * channels];
        for (int i = 0; i < g.length; i++) {
            for (int c = 0; c < channels; c++) {
                k[i * channels + c] = (float) g[i];
            }
        }
        SDVariable rows = sd.constant(name + "Rows", Nd4j.create(k, new long[] {g.length, 1, channels, 1}, 'c'));
        SDVariable cols = sd.constant(name + "Cols", Nd4j.create(k, new long[] {1, g.length, channels, 1}, 'c'));
        Conv2DConfig rowCfg = Conv2DConfig.builder()
                .kH(g.length)
                .kW(1)
                .paddingMode(PaddingMode.VALID)
                .dataFormat("NHWC")
                .build();
        Conv2DConfig colCfg = Conv2DConfig.builder()
                .kH(1)
                .kW(g.length)
                .paddingMode(PaddingMode.VALID)
                .dataFormat("NHWC")
                .build();
        UnaryOperator<SDVariable> blur =
                v -> sd.cnn().depthWiseConv2d(sd.cnn().depthWiseConv2d(v, rows, rowCfg), cols, colCfg);
        SDVariable mx = blur.apply(x);
        SDVariable my = blur.apply(y);
        SDVariable mxy = mx.mul(my);
        SDVariable mxx = mx.mul(mx);
        SDVariable myy = my.mul(my);
        SDVariable vx = blur.apply(x.mul(x)).sub(mxx);
        SDVariable vy = blur.apply(y.mul(y)).sub(myy);
        SDVariable cov = blur.apply(x.mul(y)).sub(mxy);
        double c1 = 0.01 * 0.01;
        double c2 = 0.03 * 0.03;
        SDVariable num = mxy.mul(2).add(c1).mul(cov.mul(2).add(c2));
        SDVariable den = mxx.add(myy).add(c1).mul(vx.add(vy).add(c2));
        return num.div(den).mean().rsub(1.0).rename(name);
    }

    /**
     * Cover + secret in, stego image (same size as the cover, clipped to [0, 1]) out as {@link #STEGO}, and the same
     * before the clip as {@link #STEGO_RAW}.
     */
    public static SameDiff embedder(NetworkConfig config, Map<String, INDArray> weights) {
        SameDiff sd = SameDiff.create();
        SDVariable cover = sd.placeHolder(COVER, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable secret = sd.placeHolder(SECRET, DataType.FLOAT, -1, -1, -1, config.secretChannels());
        SDVariable raw = new Layers(sd, config, weights).embed(cover, secret, STEGO_RAW);
        sd.math().clipByValue(STEGO, raw, 0.0, 1.0);
        return sd;
    }

    /**
     * The per-image refinement objective: the loss of a candidate stego image against its cover and secret, with the
     * stego image {@code start} as the graph's variable so its gradient can be taken,
     * {@code MSE(cover, stego) + beta * MSE(secret, extract(clip(stego) + noise)) + 10 * mean(out-of-range stego^2)}.
     * As in {@link #training}, the secret is extracted from the image as it is sent, clipped to [0, 1], so the
     * optimisation cannot place part of the secret where the clip before sending would destroy it.
     */
    public static SameDiff refinement(
            NetworkConfig config, Map<String, INDArray> weights, double beta, INDArray start) {
        SameDiff sd = SameDiff.create();
        SDVariable cover = sd.placeHolder(COVER, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable secret = sd.placeHolder(SECRET, DataType.FLOAT, -1, -1, -1, config.secretChannels());
        SDVariable stego = sd.var(STEGO, start);
        SDVariable noise = sd.placeHolder(NOISE, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable revealed = new Layers(sd, config, weights).extract(asSent(stego, noise), REVEALED);
        SDVariable loss = sd.math()
                .squaredDifference(stego, cover)
                .mean()
                .add(sd.math().squaredDifference(revealed, secret).mean().mul(beta))
                .add(outOfRange(stego).mul(TrainingObjective.RANGE_WEIGHT))
                .rename(LOSS);
        sd.setLossVariables(LOSS);
        differentiate(sd);
        return sd;
    }

    /**
     * The stego image as the extractor receives it: clipped to [0, 1] as every sent image is, plus {@code noise} (uniform,
     * half a grey level) standing in for the 8-bit rounding. Training and refinement both extract from this.
     */
    private static SDVariable asSent(SDVariable stego, SDVariable noise) {
        return stego.getSameDiff().math().clipByValue(stego, 0.0, 1.0).add(noise);
    }

    /** The mean squared excursion of the stego values outside [0, 1]. */
    private static SDVariable outOfRange(SDVariable stego) {
        SameDiff sd = stego.getSameDiff();
        SDVariable over = sd.nn().relu(stego.sub(1.0), 0.0);
        SDVariable under = sd.nn().relu(stego.neg(), 0.0);
        return over.mul(over).add(under.mul(under)).mean();
    }

    /**
     * Creates {@code sd}'s gradient function, quietly: SameDiff M2.1 prints a line per op to {@code System.out} while
     * it differentiates a graph, which would mix into a command's output.
     */
    public static synchronized void differentiate(SameDiff sd) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(out);
        }
    }

    /** Stego image in, recovered secret (clipped to [0, 1]) out. */
    public static SameDiff extractor(NetworkConfig config, Map<String, INDArray> weights) {
        SameDiff sd = SameDiff.create();
        SDVariable stego = sd.placeHolder(STEGO, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable raw = new Layers(sd, config, weights).extract(stego, "revealedRaw");
        sd.math().clipByValue(REVEALED, raw, 0.0, 1.0);
        return sd;
    }

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
        Map<String, INDArray> fresh = initialWeights(to, seed);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (ConvSpec spec : layers(to)) {
            String name = spec.name;
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

    /** A stride-1 {@code kernel x kernel} convolution with SAME padding, NHWC, weights [kH, kW, in, out]. */
    static SDVariable conv(SameDiff sd, SDVariable x, SDVariable w, SDVariable b, int kernel) {
        Conv2DConfig cfg = Conv2DConfig.builder()
                .kH(kernel)
                .kW(kernel)
                .sH(1)
                .sW(1)
                .paddingMode(PaddingMode.SAME)
                .dataFormat("NHWC")
                .weightsFormat(WeightsFormat.YXIO)
                .build();
        return sd.cnn().conv2d(x, w, b, cfg);
    }

    /** The variables of a graph of {@code config} that make the stego image: the preprocessing and embedding weights. */
    public static List<SDVariable> embedderWeights(NetworkConfig config, SameDiff graph) {
        List<SDVariable> out = new ArrayList<>();
        for (ConvSpec spec : layers(config)) {
            if (!spec.name.startsWith("extract")) {
                out.add(graph.getVariable(spec.name + "_W"));
                out.add(graph.getVariable(spec.name + "_b"));
            }
        }
        return out;
    }

    /** Multiply-accumulates per input pixel of one embedding pass (for GFLOP/s reports). */
    public static long embedMacsPerPixel(NetworkConfig config) {
        return macsPerPixel(config, "prep", "embed");
    }

    /** Multiply-accumulates per input pixel of one extraction pass. */
    public static long extractMacsPerPixel(NetworkConfig config) {
        return macsPerPixel(config, "extract");
    }

    private static long macsPerPixel(NetworkConfig config, String... prefixes) {
        long macsPerCell = 0;
        for (ConvSpec spec : layers(config)) {
            for (String prefix : prefixes) {
                if (spec.name.startsWith(prefix)) {
                    macsPerCell += (long) spec.kernel * spec.kernel * spec.in * spec.out;
                }
            }
        }
        return macsPerCell / ((long) config.unshuffle() * config.unshuffle());
    }

    /** Every convolution of the network, in order. Names are the weight keys. */
    static List<ConvSpec> layers(NetworkConfig c) {
        int f2 = c.unshuffle() * c.unshuffle();
        int coverCh = NetworkConfig.COVER_CHANNELS * f2;
        int secretCh = c.secretChannels() * f2;
        List<ConvSpec> specs = new ArrayList<>();
        for (int i = 0; i < NetworkConfig.PREP_LAYERS; i++) {
            specs.add(new ConvSpec("prepCover" + i, 3, i == 0 ? coverCh : c.prepWidth(), c.prepWidth(), true));
        }
        for (int i = 0; i < NetworkConfig.PREP_LAYERS; i++) {
            specs.add(new ConvSpec("prepSecret" + i, 3, i == 0 ? secretCh : c.prepWidth(), c.prepWidth(), true));
        }
        int merged = coverCh + 2 * c.prepWidth();
        for (int i = 0; i < c.depth(); i++) {
            specs.add(new ConvSpec("embed" + i, 3, i == 0 ? merged : c.width(), c.width(), true));
        }
        specs.add(new ConvSpec("embedOut", 1, c.width(), coverCh, false));
        for (int i = 0; i < c.extractLayers(); i++) {
            specs.add(new ConvSpec("extract" + i, 3, i == 0 ? coverCh : c.width(), c.width(), true));
        }
        specs.add(new ConvSpec("extractOut", 1, c.width(), secretCh, false));
        return specs;
    }

    record ConvSpec(String name, int kernel, int in, int out, boolean relu) {}

    /** Graph construction over one SameDiff instance. */
    private static final class Layers {
        private final SameDiff sd;
        private final NetworkConfig config;
        private final Map<String, INDArray> weights;
        private final Map<String, ConvSpec> specs = new LinkedHashMap<>();

        Layers(SameDiff sd, NetworkConfig config, Map<String, INDArray> weights) {
            this.sd = sd;
            this.config = config;
            this.weights = weights;
            for (ConvSpec spec : layers(config)) {
                specs.put(spec.name, spec);
            }
        }

        /** The stego image before the clip to [0, 1]. */
        SDVariable embed(SDVariable cover, SDVariable secret, String outName) {
            SDVariable c = unshuffle(cover);
            SDVariable pc = stack("prepCover", NetworkConfig.PREP_LAYERS, c);
            SDVariable ps = stack("prepSecret", NetworkConfig.PREP_LAYERS, unshuffle(secret));
            SDVariable merged = sd.concat(3, c, pc, ps);
            SDVariable residual = conv("embedOut", stack("embed", config.depth(), merged));
            SDVariable stego = shuffle(c.add(residual.mul(config.residualScale())));
            return stego.rename(outName);
        }

        SDVariable extract(SDVariable stego, String outName) {
            SDVariable features = stack("extract", config.extractLayers(), unshuffle(stego));
            return shuffle(conv("extractOut", features)).rename(outName);
        }

        /** A stack of 3x3 ReLU convolutions; every layer after the first is residual. */
        private SDVariable stack(String prefix, int count, SDVariable x) {
            SDVariable h = conv(prefix + 0, x);
            for (int i = 1; i < count; i++) {
                h = h.add(conv(prefix + i, h));
            }
            return h;
        }

        private SDVariable conv(String name, SDVariable x) {
            ConvSpec spec = specs.get(name);
            SDVariable w = sd.var(name + "_W", weights.get(name + "_W"));
            SDVariable b = sd.var(name + "_b", weights.get(name + "_b"));
            SDVariable out = StegoNetwork.conv(sd, x, w, b, spec.kernel);
            return spec.relu ? sd.nn().relu(out, 0.0) : out;
        }

        private SDVariable unshuffle(SDVariable x) {
            return config.unshuffle() == 1 ? x : sd.cnn().spaceToDepth(x, config.unshuffle(), DataFormat.NHWC);
        }

        private SDVariable shuffle(SDVariable x) {
            return config.unshuffle() == 1 ? x : sd.cnn().depthToSpace(x, config.unshuffle(), DataFormat.NHWC);
        }
    }
}
