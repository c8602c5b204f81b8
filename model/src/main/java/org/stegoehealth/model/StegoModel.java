package org.stegoehealth.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
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
 * padded by edge replication and cropped back. Images larger than a tile run in overlapping tiles, a memory budget's
 * worth per pass ({@link Tiling}), with the same result as a whole-image pass; smaller ones run whole.
 *
 * <p>Passes are serialised, one at a time per model, by a fair lock that a tiled image takes per pass of tiles: a
 * small batch from another thread waits for at most one such pass, not for the whole large image. Every tensor of a
 * pass (input batches, outputs) is closed before it returns, so off-heap memory does not wait for the garbage
 * collector on the streaming hot path.
 */
public final class StegoModel implements HidingModel {

    private final NetworkConfig config;
    private final String version;
    private final SameDiff embedder;
    private final SameDiff extractor;
    private final Map<String, INDArray> weights;
    private final Refinement refinement;
    private final Tiling tiling;
    /** One pass at a time; fair, so a waiting small batch gets in between the passes of a tiled image. */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Refinement graphs by batch shape, the two most recently used. */
    private final Map<List<Long>, SameDiff> refiners = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Long>, SameDiff> eldest) {
            return size() > 2;
        }
    };

    public StegoModel(NetworkConfig config, Map<String, INDArray> weights, String version) {
        this(config, weights, version, Refinement.OFF, Tiling.defaults());
    }

    private StegoModel(
            NetworkConfig config, Map<String, INDArray> weights, String version, Refinement refinement, Tiling tiling) {
        this.config = config;
        this.version = version;
        this.weights = weights;
        this.refinement = refinement;
        this.tiling = tiling;
        this.embedder = StegoNetwork.embedder(config, weights);
        this.extractor = StegoNetwork.extractor(config, weights);
    }

    /** This model, embedding with {@code refinement} after the network's pass (the extractor is unchanged). */
    public StegoModel refining(Refinement refinement) {
        return new StegoModel(config, weights, version, refinement, tiling);
    }

    /** This model, running images larger than a tile as {@code tiling} says. */
    public StegoModel tiled(Tiling tiling) {
        return new StegoModel(config, weights, version, refinement, tiling);
    }

    public Tiling tiling() {
        return tiling;
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
    public List<FloatImage> embed(List<FloatImage> covers, List<FloatImage> secrets) {
        return embed(covers, secrets, StegoNetwork.STEGO, refinement.steps() > 0);
    }

    /**
     * The network's stego images before the clip to [0, 1] (and without refinement): what the network would send if
     * images had no range. For measuring what the clip costs; never sent.
     */
    public List<FloatImage> embedUnclipped(List<FloatImage> covers, List<FloatImage> secrets) {
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
        int width = covers.get(0).width();
        int height = covers.get(0).height();
        if (!tiling.splits(width, height)) {
            return cropAll(embedPass(c, s, output, refine), width, height);
        }
        Tiling.Pass pass = refine ? Tiling.Pass.EMBED_REFINED : Tiling.Pass.EMBED;
        List<FloatImage> out = new ArrayList<>(c.size());
        for (int i = 0; i < c.size(); i++) {
            FloatImage cover = c.get(i);
            FloatImage secret = s.get(i);
            out.add(cropTo(
                    tiled(
                            cover,
                            pass,
                            tiles -> embedPass(
                                    tiles.stream()
                                            .map(t -> cover.crop(t.x(), t.y(), t.width(), t.height()))
                                            .toList(),
                                    tiles.stream()
                                            .map(t -> secret.crop(t.x(), t.y(), t.width(), t.height()))
                                            .toList(),
                                    output,
                                    refine)),
                    width,
                    height));
        }
        return out;
    }

    /** One pass of the embedder over padded images of one geometry. */
    private List<FloatImage> embedPass(List<FloatImage> c, List<FloatImage> s, String output, boolean refine) {
        lock.lock();
        try (INDArray coverBatch = Tensors.stack(c);
                INDArray secretBatch = Tensors.stack(s);
                INDArray out = embedder.outputSingle(
                        Map.of(StegoNetwork.COVER, coverBatch, StegoNetwork.SECRET, secretBatch), output)) {
            if (refine) {
                refine(coverBatch, secretBatch, out);
            }
            return Tensors.unstack(out);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code pass} over the tiles of the padded image {@code image}, as many tiles per call as the memory
     * budget allows, and assembles the cores of the outputs into an image of {@code image}'s size.
     */
    private FloatImage tiled(FloatImage image, Tiling.Pass pass, Function<List<Tiling.Tile>, List<FloatImage>> run) {
        List<Tiling.Tile> tiles =
                tiling.tiles(image.width(), image.height(), Tiling.margin(config, pass), config.sizeMultiple());
        Tiling.Tile first = tiles.get(0);
        int perPass = tiling.tilesPerPass(config, pass, first.width(), first.height());
        float[] out = null;
        int channels = 0;
        for (int from = 0; from < tiles.size(); from += perPass) {
            if (Thread.currentThread().isInterrupted()) {
                throw new ModelException(
                        "interrupted after " + from + " of " + tiles.size() + " tiles of " + image.describe());
            }
            List<Tiling.Tile> chunk = tiles.subList(from, Math.min(tiles.size(), from + perPass));
            List<FloatImage> results = run.apply(chunk);
            for (int k = 0; k < chunk.size(); k++) {
                FloatImage result = results.get(k);
                if (out == null) {
                    channels = result.channels();
                    out = new float[image.width() * image.height() * channels];
                }
                paste(chunk.get(k), result, out, image.width());
            }
        }
        return new FloatImage(image.width(), image.height(), channels, out);
    }

    /** Copies the core of {@code tile}'s output into the image-sized array {@code out}. */
    private static void paste(Tiling.Tile tile, FloatImage result, float[] out, int imageWidth) {
        int c = result.channels();
        int row = tile.coreWidth() * c;
        for (int y = tile.coreY(); y < tile.coreY() + tile.coreHeight(); y++) {
            int src = ((y - tile.y()) * result.width() + (tile.coreX() - tile.x())) * c;
            System.arraycopy(result.data(), src, out, (y * imageWidth + tile.coreX()) * c, row);
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
            refiner = TrainingGraph.refinement(config, weights, refinement.beta(), stego.dup());
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
    public List<FloatImage> extract(List<FloatImage> stegos) {
        if (stegos.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        List<FloatImage> padded = new ArrayList<>();
        for (FloatImage stego : stegos) {
            padded.add(pad(stego.toRgb()));
        }
        int width = stegos.get(0).width();
        int height = stegos.get(0).height();
        if (!tiling.splits(width, height)) {
            return cropAll(extractPass(padded), width, height);
        }
        List<FloatImage> out = new ArrayList<>(padded.size());
        for (FloatImage stego : padded) {
            out.add(cropTo(
                    tiled(
                            stego,
                            Tiling.Pass.EXTRACT,
                            tiles -> extractPass(tiles.stream()
                                    .map(t -> stego.crop(t.x(), t.y(), t.width(), t.height()))
                                    .toList())),
                    width,
                    height));
        }
        return out;
    }

    /** One pass of the extractor over padded images of one geometry. */
    private List<FloatImage> extractPass(List<FloatImage> stegos) {
        lock.lock();
        try (INDArray stegoBatch = Tensors.stack(stegos);
                INDArray out = extractor.outputSingle(Map.of(StegoNetwork.STEGO, stegoBatch), StegoNetwork.REVEALED)) {
            return Tensors.unstack(out);
        } finally {
            lock.unlock();
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
            out.add(cropTo(image, w, h));
        }
        return out;
    }

    private static FloatImage cropTo(FloatImage image, int w, int h) {
        return image.width() == w && image.height() == h ? image : image.crop(0, 0, w, h);
    }
}
