package org.stegoehealth.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A loaded hiding model: embeds secrets into covers and extracts them again, a batch at a time. Images of any
 * size work (the network is fully convolutional); sides that are not a multiple of the unshuffle factor are
 * padded by edge replication and cropped back. Calls are serialised: one inference at a time per model. Every
 * tensor of a call (input batches, outputs) is closed before it returns, so off-heap memory does not wait for the
 * garbage collector on the streaming hot path.
 */
public final class StegoModel implements HidingModel {

    private final NetworkConfig config;
    private final String version;
    private final SameDiff embedder;
    private final SameDiff extractor;
    private final Map<String, INDArray> weights;
    private final Refinement refinement;
    /** Refinement graphs by batch shape, the two most recently used. */
    private final Map<List<Long>, SameDiff> refiners = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Long>, SameDiff> eldest) {
            return size() > 2;
        }
    };

    public StegoModel(NetworkConfig config, Map<String, INDArray> weights, String version) {
        this(config, weights, version, Refinement.OFF);
    }

    private StegoModel(NetworkConfig config, Map<String, INDArray> weights, String version, Refinement refinement) {
        this.config = config;
        this.version = version;
        this.weights = weights;
        this.refinement = refinement;
        this.embedder = StegoNetwork.embedder(config, weights);
        this.extractor = StegoNetwork.extractor(config, weights);
    }

    /** This model, embedding with {@code refinement} after the network's pass (the extractor is unchanged). */
    public StegoModel refining(Refinement refinement) {
        return new StegoModel(config, weights, version, refinement);
    }

    public Refinement refinement() {
        return refinement;
    }

    public NetworkConfig config() {
        return config;
    }

    @Override
    public int secretChannels() {
        return config.secretChannels();
    }

    @Override
    public String version() {
        return version;
    }

    /**
     * Hides each secret in the cover at the same index. Covers and secrets must share one geometry within the
     * batch; secrets are converted to the model's secret channels (gray or replicated RGB).
     *
     * @return stego images, RGB, same size as the covers, not yet rounded to 8 bits
     */
    @Override
    public synchronized List<FloatImage> embed(List<FloatImage> covers, List<FloatImage> secrets) {
        return embed(covers, secrets, StegoNetwork.STEGO, refinement.steps() > 0);
    }

    /**
     * The network's stego images before the clip to [0, 1] (and without refinement): what the network would send if
     * images had no range. For measuring what the clip costs; never sent.
     */
    public synchronized List<FloatImage> embedUnclipped(List<FloatImage> covers, List<FloatImage> secrets) {
        return embed(covers, secrets, StegoNetwork.STEGO_RAW, false);
    }

    private List<FloatImage> embed(List<FloatImage> covers, List<FloatImage> secrets, String output, boolean refine) {
        if (covers.size() != secrets.size() || covers.isEmpty()) {
            throw new IllegalArgumentException("need as many covers as secrets, and at least one");
        }
        List<FloatImage> c = new ArrayList<>();
        List<FloatImage> s = new ArrayList<>();
        for (int i = 0; i < covers.size(); i++) {
            FloatImage cover = covers.get(i).toRgb();
            FloatImage secret = secrets.get(i).withChannels(config.secretChannels());
            if (cover.width() != secret.width() || cover.height() != secret.height()) {
                throw new IllegalArgumentException(
                        "cover " + cover.describe() + " and secret " + secret.describe() + " differ in size");
            }
            c.add(pad(cover));
            s.add(pad(secret));
        }
        try (INDArray coverBatch = Tensors.stack(c);
                INDArray secretBatch = Tensors.stack(s);
                INDArray out = embedder.outputSingle(
                        Map.of(StegoNetwork.COVER, coverBatch, StegoNetwork.SECRET, secretBatch), output)) {
            if (refine) {
                refine(coverBatch, secretBatch, out);
            }
            return cropAll(
                    Tensors.unstack(out), covers.get(0).width(), covers.get(0).height());
        }
    }

    /**
     * Adam steps on the stego pixels themselves, in place: each lowers the refinement loss
     * ({@link StegoNetwork#refinement}) with fresh uniform noise of half a grey level standing in for the 8-bit
     * rounding, so the gain survives it. Ends clipped to [0, 1], like the network's output.
     */
    private void refine(INDArray cover, INDArray secret, INDArray stego) {
        // a graph per batch shape, built and differentiated once and kept for the next batch of that shape: the
        // stego image is the graph's variable, whose array the graph owns and each call overwrites
        List<Long> shape = Arrays.stream(stego.shape()).boxed().toList();
        SameDiff refiner = refiners.get(shape);
        if (refiner == null) {
            refiner = StegoNetwork.refinement(config, weights, refinement.beta(), stego.dup());
            refiners.put(shape, refiner);
        } else {
            refiner.getVariable(StegoNetwork.STEGO).getArr().assign(stego);
        }
        SDVariable variable = refiner.getVariable(StegoNetwork.STEGO);
        long n = stego.length();
        GradientUpdater<?> adam;
        try (INDArray state = Nd4j.zeros(DataType.FLOAT, 1, 2 * n)) {
            adam = new Adam(refinement.learningRate()).instantiate(state, true);
            for (int step = 0; step < refinement.steps(); step++) {
                try (INDArray noise =
                        Nd4j.rand(DataType.FLOAT, stego.shape()).subi(0.5).divi(255.0)) {
                    INDArray grad = refiner.calculateGradients(
                                    Map.of(
                                            StegoNetwork.COVER, cover,
                                            StegoNetwork.SECRET, secret,
                                            StegoNetwork.NOISE, noise),
                                    StegoNetwork.STEGO)
                            .get(StegoNetwork.STEGO);
                    adam.applyUpdater(grad, step, 0);
                    variable.getArr().subi(grad); // the gradient array belongs to the graph's session: not closed
                }
            }
        }
        stego.assign(variable.getArr());
        Transforms.max(stego, 0.0, false); // in place
        Transforms.min(stego, 1.0, false);
    }

    /** Recovers the secret from each stego image (RGB, one geometry per batch). */
    @Override
    public synchronized List<FloatImage> extract(List<FloatImage> stegos) {
        if (stegos.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        List<FloatImage> padded = new ArrayList<>();
        for (FloatImage stego : stegos) {
            padded.add(pad(stego.toRgb()));
        }
        try (INDArray stegoBatch = Tensors.stack(padded);
                INDArray out = extractor.outputSingle(Map.of(StegoNetwork.STEGO, stegoBatch), StegoNetwork.REVEALED)) {
            return cropAll(
                    Tensors.unstack(out), stegos.get(0).width(), stegos.get(0).height());
        }
    }

    private FloatImage pad(FloatImage image) {
        int m = config.sizeMultiple();
        int w = (image.width() + m - 1) / m * m;
        int h = (image.height() + m - 1) / m * m;
        if (w == image.width() && h == image.height()) {
            return image;
        }
        int c = image.channels();
        float[] out = new float[w * h * c];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(y, image.height() - 1);
            for (int x = 0; x < w; x++) {
                int sx = Math.min(x, image.width() - 1);
                System.arraycopy(image.data(), (sy * image.width() + sx) * c, out, (y * w + x) * c, c);
            }
        }
        return new FloatImage(w, h, c, out);
    }

    private static List<FloatImage> cropAll(List<FloatImage> images, int w, int h) {
        List<FloatImage> out = new ArrayList<>(images.size());
        for (FloatImage image : images) {
            out.add(image.width() == w && image.height() == h ? image : image.crop(0, 0, w, h));
        }
        return out;
    }
}
