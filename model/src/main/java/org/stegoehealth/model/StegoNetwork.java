package org.stegoehealth.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.DataFormat;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

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
    public static final String NOISE = "noise";
    public static final String REVEALED = "revealed";
    public static final String LOSS = "loss";
    public static final String COVER_MSE = "coverMse";
    public static final String SECRET_MSE = "secretMse";
    public static final String OUT_OF_RANGE = "outOfRange";
    /** Weight of the penalty on stego values outside [0, 1] during training. */
    static final double RANGE_WEIGHT = 10.0;

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
     * The joint training graph: loss = MSE(cover, stego) + beta * MSE(secret, revealed). The revealed image is
     * extracted from {@code stego + noise}; feeding uniform noise of half a grey level makes the model robust to
     * the 8-bit rounding the stego image gets before it is sent.
     */
    public static SameDiff training(NetworkConfig config, Map<String, INDArray> weights, double beta) {
        SameDiff sd = SameDiff.create();
        SDVariable cover = sd.placeHolder(COVER, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable secret = sd.placeHolder(SECRET, DataType.FLOAT, -1, -1, -1, config.secretChannels());
        SDVariable noise = sd.placeHolder(NOISE, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        Layers layers = new Layers(sd, config, weights);
        // Unclipped during training: a hard clip has no gradient, so a residual pushed past white or black in a
        // saturated part of the cover could never be pulled back, and the secret hidden there would be lost.
        // A penalty keeps the stego image inside [0, 1] instead, so the clip at inference changes (almost) nothing.
        SDVariable stego = layers.embed(cover, secret, STEGO, false);
        SDVariable revealed = layers.extract(stego.add(noise), REVEALED);
        SDVariable coverMse = sd.math().squaredDifference(stego, cover).mean(COVER_MSE);
        SDVariable secretMse = sd.math().squaredDifference(revealed, secret).mean(SECRET_MSE);
        SDVariable over = sd.nn().relu(stego.sub(1.0), 0.0);
        SDVariable under = sd.nn().relu(stego.neg(), 0.0);
        SDVariable outOfRange = over.mul(over).add(under.mul(under)).mean(OUT_OF_RANGE);
        coverMse.add(secretMse.mul(beta)).add(outOfRange.mul(RANGE_WEIGHT)).rename(LOSS);
        sd.setLossVariables(LOSS);
        return sd;
    }

    /**
     * The training loss from its three terms, added up as the training graph adds them ({@link #LOSS}). While it
     * fits, SameDiff computes the terms (the backward pass needs them) but not their sum, so a training listener
     * takes the terms and uses this.
     */
    public static double loss(double coverMse, double secretMse, double outOfRange, double beta) {
        return coverMse + beta * secretMse + RANGE_WEIGHT * outOfRange;
    }

    /** Cover + secret in, stego image (same size as the cover, clipped to [0, 1]) out. */
    public static SameDiff embedder(NetworkConfig config, Map<String, INDArray> weights) {
        SameDiff sd = SameDiff.create();
        SDVariable cover = sd.placeHolder(COVER, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable secret = sd.placeHolder(SECRET, DataType.FLOAT, -1, -1, -1, config.secretChannels());
        new Layers(sd, config, weights).embed(cover, secret, STEGO, true);
        return sd;
    }

    /** Stego image in, recovered secret (clipped to [0, 1]) out. */
    public static SameDiff extractor(NetworkConfig config, Map<String, INDArray> weights) {
        SameDiff sd = SameDiff.create();
        SDVariable stego = sd.placeHolder(STEGO, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable raw = new Layers(sd, config, weights).extract(stego, "revealedRaw");
        sd.math().clipByValue(REVEALED, raw, 0.0, 1.0);
        return sd;
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
        for (int i = 0; i < c.depth(); i++) {
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

        SDVariable embed(SDVariable cover, SDVariable secret, String outName, boolean clip) {
            SDVariable c = unshuffle(cover);
            SDVariable pc = stack("prepCover", NetworkConfig.PREP_LAYERS, c);
            SDVariable ps = stack("prepSecret", NetworkConfig.PREP_LAYERS, unshuffle(secret));
            SDVariable merged = sd.concat(3, c, pc, ps);
            SDVariable residual = conv("embedOut", stack("embed", config.depth(), merged));
            SDVariable stego = shuffle(c.add(residual.mul(config.residualScale())));
            return clip ? sd.math().clipByValue(outName, stego, 0.0, 1.0) : stego.rename(outName);
        }

        SDVariable extract(SDVariable stego, String outName) {
            SDVariable features = stack("extract", config.depth(), unshuffle(stego));
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
            Conv2DConfig cfg = Conv2DConfig.builder()
                    .kH(spec.kernel)
                    .kW(spec.kernel)
                    .sH(1)
                    .sW(1)
                    .paddingMode(PaddingMode.SAME)
                    .dataFormat("NHWC")
                    .weightsFormat(WeightsFormat.YXIO)
                    .build();
            SDVariable out = sd.cnn().conv2d(x, w, b, cfg);
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
