package org.stegoehealth.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A small steganalysis network trained alongside the hiding network (when {@link TrainingObjective#hasCritic()}).
 * Its front is fixed, as in learned steganalysers: every colour channel (in grey levels) goes through the 5x5
 * "KV" high-pass filter of the spatial rich model and a soft truncation to about +-3 levels, which removes the
 * image content and keeps the noise the hiding adds. Three 3x3 ReLU convolutions (16, 32, 32 channels, the first
 * mixing the colour channels, 2x2 average pooling between them), a global average and a linear unit give one
 * logit per image: above 0 means "stego".
 *
 * <p>The critic learns from its own loss only ({@link #loss}): the stego images it learns from come through a
 * stop-gradient. The hiding network learns from {@link #fooled}, which runs the critic with stop-gradient weights,
 * so raising the critic's error never trains the critic to err.
 */
final class Critic {

    static final String PREFIX = "critic";
    private static final int[] WIDTHS = {16, 32, 32};
    /** Residuals are softly truncated to about this many grey levels. */
    private static final double TRUNCATION = 3.0;

    private static final double[][] KV = {
        {-1, 2, -2, 2, -1},
        {2, -6, 8, -6, 2},
        {-2, 8, -12, 8, -2},
        {2, -6, 8, -6, 2},
        {-1, 2, -2, 2, -1}
    };

    private final SameDiff sd;
    private final Map<String, SDVariable> weights = new LinkedHashMap<>();
    private final Map<String, SDVariable> frozen = new LinkedHashMap<>();
    private final SDVariable highPass;

    Critic(SameDiff sd, long seed) {
        this.sd = sd;
        for (Map.Entry<String, INDArray> w : initialWeights(seed).entrySet()) {
            SDVariable v = sd.var(w.getKey(), w.getValue());
            weights.put(w.getKey(), v);
            frozen.put(w.getKey(), new StopGradient(sd, v).outputVariable());
        }
        float[] kv = new float[5 * 5 * NetworkConfig.COVER_CHANNELS];
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                for (int c = 0; c < NetworkConfig.COVER_CHANNELS; c++) {
                    kv[(y * 5 + x) * NetworkConfig.COVER_CHANNELS + c] = (float) (KV[y][x] / 12.0 * 255.0);
                }
            }
        }
        highPass = sd.constant(
                PREFIX + "HighPass", Nd4j.create(kv, new long[] {5, 5, NetworkConfig.COVER_CHANNELS, 1}, 'c'));
    }

    /** The critic's log-loss at calling {@code cover} clean and {@code stego} stego; trains the critic only. */
    SDVariable loss(SDVariable cover, SDVariable stego, String name) {
        SDVariable onCovers = sd.nn().softplus(logits(cover, weights)).mean();
        SDVariable onStego = sd.nn()
                .softplus(logits(new StopGradient(sd, stego).outputVariable(), weights)
                        .neg())
                .mean();
        return onCovers.add(onStego).mul(0.5).rename(name);
    }

    /** The critic's log-loss at calling {@code stego} clean, for the hiding network to lower; trains it only. */
    SDVariable fooled(SDVariable stego, String name) {
        return sd.nn().softplus(logits(stego, frozen)).mean(name);
    }

    private SDVariable logits(SDVariable image, Map<String, SDVariable> w) {
        Conv2DConfig hp = Conv2DConfig.builder()
                .kH(5)
                .kW(5)
                .sH(1)
                .sW(1)
                .paddingMode(PaddingMode.VALID)
                .dataFormat("NHWC")
                .build();
        SDVariable residual = sd.cnn().depthWiseConv2d(image, highPass, hp);
        SDVariable h = sd.math().tanh(residual.div(TRUNCATION)).mul(TRUNCATION);
        for (int i = 0; i < WIDTHS.length; i++) {
            if (i > 0) {
                h = sd.cnn()
                        .avgPooling2d(
                                h,
                                Pooling2DConfig.builder()
                                        .kH(2)
                                        .kW(2)
                                        .sH(2)
                                        .sW(2)
                                        .isNHWC(true)
                                        .build());
            }
            h = sd.nn().relu(StegoNetwork.conv(sd, h, w.get(PREFIX + i + "_W"), w.get(PREFIX + i + "_b"), 3), 0.0);
        }
        SDVariable pooled = h.mean(1, 2);
        return pooled.mmul(w.get(PREFIX + "Out_W")).add(w.get(PREFIX + "Out_b"));
    }

    /** He-initialised critic weights, reproducible from {@code seed}. */
    static Map<String, INDArray> initialWeights(long seed) {
        Random random = new Random(seed);
        Map<String, INDArray> out = new LinkedHashMap<>();
        int in = NetworkConfig.COVER_CHANNELS;
        for (int i = 0; i < WIDTHS.length; i++) {
            out.put(PREFIX + i + "_W", gaussian(random, Math.sqrt(2.0 / (9 * in)), 3, 3, in, WIDTHS[i]));
            out.put(PREFIX + i + "_b", Nd4j.zeros(DataType.FLOAT, WIDTHS[i]));
            in = WIDTHS[i];
        }
        out.put(PREFIX + "Out_W", gaussian(random, Math.sqrt(1.0 / in), in, 1));
        out.put(PREFIX + "Out_b", Nd4j.zeros(DataType.FLOAT, 1, 1));
        return out;
    }

    private static INDArray gaussian(Random random, double std, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] w = new float[(int) n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        return Nd4j.create(w, shape, 'c');
    }
}
