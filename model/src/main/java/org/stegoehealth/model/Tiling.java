package org.stegoehealth.model;

import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link StegoModel} runs images larger than a tile: in overlapping square tiles, a bounded number per pass,
 * so memory stays within a stated budget whatever the image size.
 *
 * <p>The network is fully convolutional with stride-1, SAME-padded convolutions, so an output pixel depends only on
 * the input within its receptive field; {@link #embedRadius} and {@link #extractRadius} count it from the
 * architecture (half the kernel of every convolution on the longest path, in unshuffled cells). Each tile's window
 * reaches at least that far past the part of it that is kept (its core), except where the window meets the image's
 * own border, where the zero padding is the same as for the whole image. The cores are cropped out and placed side by
 * side, so the tiled output equals the whole-image output to float rounding (no blending is needed, and there are no
 * seams). With refinement ({@link Refinement}) the steps run per tile: close to, not equal to, a whole-image
 * refinement.
 *
 * <p>Images whose longer side is at most {@link #tileSize} run whole, exactly as without tiling.
 *
 * @param tileSize       side of a tile in pixels (rounded down to the unshuffle factor); larger images are tiled
 * @param memoryBudgetMb the most memory the intermediate arrays of one pass may take, as estimated by
 *                       {@link #bytesPerPixel}: tiles per pass are chosen to fit (at least one)
 */
public record Tiling(int tileSize, int memoryBudgetMb) {

    public static final int DEFAULT_TILE_SIZE = 512;
    public static final int DEFAULT_MEMORY_BUDGET_MB = 512;
    /** The smallest tile accepted; smaller tiles would be mostly overlap. */
    public static final int MIN_TILE_SIZE = 64;

    /** Which network a pass runs. */
    public enum Pass {
        EMBED,
        EXTRACT,
        /** The embedder followed by refinement steps, which also run the extractor and its gradient. */
        EMBED_REFINED
    }

    public Tiling {
        if (tileSize < MIN_TILE_SIZE) {
            throw new IllegalArgumentException("tile size must be at least " + MIN_TILE_SIZE + " px, was " + tileSize);
        }
        if (memoryBudgetMb < 1) {
            throw new IllegalArgumentException("memory budget must be at least 1 MB, was " + memoryBudgetMb);
        }
    }

    public static Tiling defaults() {
        return new Tiling(DEFAULT_TILE_SIZE, DEFAULT_MEMORY_BUDGET_MB);
    }

    /** Whether a {@code width x height} image is tiled (its longer side exceeds the tile size). */
    public boolean splits(int width, int height) {
        return Math.max(width, height) > tileSize;
    }

    /** Receptive radius of the embedder in unshuffled cells: the longest chain of convolutions, half a kernel each. */
    public static int embedRadius(NetworkConfig config) {
        int cover = 0;
        int secret = 0;
        int embed = 0;
        for (StegoNetwork.ConvSpec spec : StegoNetwork.layers(config)) {
            int r = spec.kernel() / 2;
            if (spec.name().startsWith("prepCover")) {
                cover += r;
            } else if (spec.name().startsWith("prepSecret")) {
                secret += r;
            } else if (spec.name().startsWith("embed")) {
                embed += r;
            }
        }
        // the cover also reaches the embedding stack directly, with no preprocessing: the longer path counts
        return Math.max(cover, secret) + embed;
    }

    /** Receptive radius of the extractor in unshuffled cells. */
    public static int extractRadius(NetworkConfig config) {
        int radius = 0;
        for (StegoNetwork.ConvSpec spec : StegoNetwork.layers(config)) {
            if (spec.name().startsWith("extract")) {
                radius += spec.kernel() / 2;
            }
        }
        return radius;
    }

    /**
     * Pixels of context a tile keeps on each side of its core. A refinement step's gradient reaches through the
     * extractor and back, so refined tiles keep the embedder's radius plus twice the extractor's.
     */
    public static int margin(NetworkConfig config, Pass pass) {
        int cells = switch (pass) {
            case EMBED -> embedRadius(config);
            case EXTRACT -> extractRadius(config);
            case EMBED_REFINED -> embedRadius(config) + 2 * extractRadius(config);
        };
        return cells * config.unshuffle();
    }

    /**
     * Bytes of intermediate arrays per image pixel of one pass, counted as if every array of the graph (inputs,
     * unshuffled copies, each convolution's output, its activation and residual sum, outputs) were alive at once: an
     * upper bound, since the graph frees arrays as it goes. Refinement also keeps the gradients (about as much again)
     * and the Adam state.
     */
    public static long bytesPerPixel(NetworkConfig config, Pass pass) {
        int cells = config.unshuffle() * config.unshuffle();
        int cover = NetworkConfig.COVER_CHANNELS;
        int secret = config.secretChannels();
        // stego in (and its unshuffled copy), the extraction stack, the revealed image out (before and after the clip)
        long extract = 2L * cover + stackFloats(config, "extract") / cells + 2L * secret;
        if (pass == Pass.EXTRACT) {
            return extract * Float.BYTES;
        }
        long embedCells = stackFloats(config, "prepCover")
                + stackFloats(config, "prepSecret")
                + (long) cover * cells
                + 2L * config.prepWidth() // the concatenation
                + stackFloats(config, "embed");
        // cover and secret in (and unshuffled), the stacks, then residual scaled, added, shuffled back and clipped
        long embed = 2L * (cover + secret) + embedCells / cells + 4L * cover;
        long floats = pass == Pass.EMBED ? embed : 2 * (embed + extract) + 3L * cover; // + gradients, Adam state
        return floats * Float.BYTES;
    }

    /** Floats per unshuffled cell of one stack's convolutions: output, ReLU and residual sum of each. */
    private static long stackFloats(NetworkConfig config, String prefix) {
        long perCell = 0;
        boolean first = true;
        for (StegoNetwork.ConvSpec spec : StegoNetwork.layers(config)) {
            if (spec.name().startsWith(prefix)) {
                perCell += (long) spec.out() * (spec.relu() ? 2 : 1) + (first ? 0 : spec.out());
                first = false;
            }
        }
        return perCell;
    }

    /** Tiles of {@code tileWidth x tileHeight} pixels per pass that fit the memory budget, at least one. */
    public int tilesPerPass(NetworkConfig config, Pass pass, int tileWidth, int tileHeight) {
        long perTile = bytesPerPixel(config, pass) * tileWidth * tileHeight;
        long budget = (long) memoryBudgetMb * 1024 * 1024;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / perTile));
    }

    /**
     * One tile: the window the network sees ({@code x, y, width, height}) and the core of it that is kept
     * ({@code coreX, coreY, coreWidth, coreHeight}, in image coordinates).
     */
    public record Tile(int x, int y, int width, int height, int coreX, int coreY, int coreWidth, int coreHeight) {}

    /**
     * The tiles covering a {@code width x height} image whose sides are multiples of {@code multiple}: every window
     * has the same size ({@code tileSize} rounded down to {@code multiple}, or the image side where that is smaller),
     * starts on a multiple of {@code multiple}, and holds {@code margin} pixels of context around its core except at
     * the image border. The cores cover the image exactly once.
     *
     * @throws IllegalArgumentException when the tile leaves no core inside twice the margin
     */
    public List<Tile> tiles(int width, int height, int margin, int multiple) {
        int tile = tileSize / multiple * multiple;
        if (tile - 2 * margin < multiple) {
            throw new IllegalArgumentException("tile size " + tileSize + " px leaves nothing inside a margin of "
                    + margin + " px each side; use at least " + (2 * margin + multiple + 2 * multiple) + " px");
        }
        List<int[]> xs = spans(width, tile, margin);
        List<int[]> ys = spans(height, tile, margin);
        List<Tile> out = new ArrayList<>(xs.size() * ys.size());
        for (int[] y : ys) {
            for (int[] x : xs) {
                out.add(new Tile(x[0], y[0], x[1], y[1], x[2], y[2], x[3], y[3]));
            }
        }
        return out;
    }

    /** Windows along one axis: {start, length, core start, core length}. */
    private static List<int[]> spans(int length, int tile, int margin) {
        if (length <= tile) {
            return List.of(new int[] {0, length, 0, length});
        }
        int core = tile - 2 * margin;
        List<int[]> out = new ArrayList<>();
        int start = 0;
        // the last window ends at the image border and takes the rest: a full-size core there could end closer to
        // the window's inner edge than the margin
        while (length - start > tile - margin) {
            out.add(new int[] {Math.max(0, start - margin), tile, start, core});
            start += core;
        }
        out.add(new int[] {length - tile, tile, start, length - start});
        return out;
    }
}
