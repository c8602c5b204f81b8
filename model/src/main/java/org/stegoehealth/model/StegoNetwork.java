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
 * The hiding network's architecture: its layers and their named weights, and the two inference graphs built from
 * them, the embedder (cover and secret in, stego out) and the extractor (stego in, secret out). All tensors are NHWC
 * float32 in [0, 1]. Inference graphs are built from the weights alone, so a model artifact needs nothing but its
 * weights and {@link NetworkConfig}. The graphs that train the same weights are {@link TrainingGraph}'s; a trained
 * network is widened, deepened or given an RGB secret by {@link NetworkGrowth}.
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

    /** Stego image in, recovered secret (clipped to [0, 1]) out. */
    public static SameDiff extractor(NetworkConfig config, Map<String, INDArray> weights) {
        SameDiff sd = SameDiff.create();
        SDVariable stego = sd.placeHolder(STEGO, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable raw = new Layers(sd, config, weights).extract(stego, "revealedRaw");
        sd.math().clipByValue(REVEALED, raw, 0.0, 1.0);
        return sd;
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
    static final class Layers {
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
