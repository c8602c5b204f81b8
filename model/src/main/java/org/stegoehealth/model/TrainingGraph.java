package org.stegoehealth.model;

import static org.stegoehealth.model.StegoNetwork.ADVERSARY;
import static org.stegoehealth.model.StegoNetwork.COVER;
import static org.stegoehealth.model.StegoNetwork.COVER_DSSIM;
import static org.stegoehealth.model.StegoNetwork.COVER_MSE;
import static org.stegoehealth.model.StegoNetwork.CRITIC;
import static org.stegoehealth.model.StegoNetwork.LOSS;
import static org.stegoehealth.model.StegoNetwork.NOISE;
import static org.stegoehealth.model.StegoNetwork.OUT_OF_RANGE;
import static org.stegoehealth.model.StegoNetwork.REVEALED;
import static org.stegoehealth.model.StegoNetwork.SECRET;
import static org.stegoehealth.model.StegoNetwork.SECRET_DSSIM;
import static org.stegoehealth.model.StegoNetwork.SECRET_MSE;
import static org.stegoehealth.model.StegoNetwork.STEGO;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The graphs that train the hiding network's weights ({@link StegoNetwork} names them): the joint training graph
 * (cover and secret in, loss out) and the per-image refinement objective. Both extract the secret from the stego
 * image as it is sent, clipped to [0, 1] with the 8-bit rounding as noise.
 */
public final class TrainingGraph {

    /** Seed of the critic's initial weights (the critic is rebuilt from scratch for every run). */
    static final long CRITIC_SEED = 0x5eedL;

    private TrainingGraph() {}

    /**
     * The joint training graph; its loss is {@code objective}'s ({@link TrainingObjective}), plus the critic's own
     * loss when it has one. The revealed image is extracted from {@code clip(stego) + noise}, what is sent: the stego
     * image clipped to [0, 1], and uniform noise of half a grey level that stands in for the 8-bit rounding.
     */
    public static SameDiff training(NetworkConfig config, Map<String, INDArray> weights, TrainingObjective objective) {
        return training(config, weights, objective, 0);
    }

    /**
     * {@link #training(NetworkConfig, Map, TrainingObjective)} with the channel in the loop: the stego image, clipped
     * as sent, goes through {@link Channel} (its placeholders say what each batch's channel does) and is clipped
     * again, as a decoder clips, before the rounding noise and extraction.
     *
     * @param channelSide side of the square training crops the channel works on; 0 = no channel
     */
    public static SameDiff training(
            NetworkConfig config, Map<String, INDArray> weights, TrainingObjective objective, int channelSide) {
        SameDiff sd = SameDiff.create();
        SDVariable cover = sd.placeHolder(COVER, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        SDVariable secret = sd.placeHolder(SECRET, DataType.FLOAT, -1, -1, -1, config.secretChannels());
        SDVariable noise = sd.placeHolder(NOISE, DataType.FLOAT, -1, -1, -1, NetworkConfig.COVER_CHANNELS);
        StegoNetwork.Layers layers = new StegoNetwork.Layers(sd, config, weights);
        // The stego image itself stays unclipped, with a penalty on what leaves [0, 1]: a hard clip has no gradient,
        // so a residual pushed past white or black could never be pulled back by the cover's loss alone. The
        // extractor sees the clipped image, as sent: without it the networks learn to hide part of the secret
        // outside [0, 1], where the clip before sending destroys it (about 1.6 % of the values, 0.6 dB of secret).
        SDVariable stego = layers.embed(cover, secret, STEGO);
        SDVariable received = channelSide > 0 ? throughChannel(stego, noise, channelSide) : asSent(stego, noise);
        SDVariable revealed = layers.extract(received, REVEALED);
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
        SDVariable revealed = new StegoNetwork.Layers(sd, config, weights).extract(asSent(stego, noise), REVEALED);
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

    /** The stego image clipped as sent, through the channel, clipped as decoded, plus the rounding (and channel) noise. */
    private static SDVariable throughChannel(SDVariable stego, SDVariable noise, int side) {
        SameDiff sd = stego.getSameDiff();
        SDVariable sent = sd.math().clipByValue(stego, 0.0, 1.0);
        return sd.math().clipByValue(Channel.apply(sent, side), 0.0, 1.0).add(noise);
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
}
