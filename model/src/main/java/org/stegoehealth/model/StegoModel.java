package org.stegoehealth.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

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

    public StegoModel(NetworkConfig config, Map<String, INDArray> weights, String version) {
        this.config = config;
        this.version = version;
        this.embedder = StegoNetwork.embedder(config, weights);
        this.extractor = StegoNetwork.extractor(config, weights);
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
                        Map.of(StegoNetwork.COVER, coverBatch, StegoNetwork.SECRET, secretBatch), StegoNetwork.STEGO)) {
            return cropAll(
                    Tensors.unstack(out), covers.get(0).width(), covers.get(0).height());
        }
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
