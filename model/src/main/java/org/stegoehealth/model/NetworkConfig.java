package org.stegoehealth.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Architecture of the hiding network. Stored in every model artifact so a model can be rebuilt exactly.
 *
 * <p>The network follows the paper's three parts (a preprocessing module over cover and secret, an embedding
 * network, an extraction network) but runs on a pixel-unshuffled grid: {@code unshuffle} x {@code unshuffle}
 * pixel blocks become channels, so the convolutions see a wider neighbourhood at a fraction of the cost.
 *
 * @param secretChannels 1 for the grayscale X-ray mode, 3 for the paper's mode (gray replicated to RGB)
 * @param unshuffle      side of the pixel blocks folded into channels (1 = full resolution)
 * @param prepWidth      channels of the three preprocessing convolutions
 * @param width          channels of the embedding and extraction convolutions
 * @param depth          3x3 convolutions in the embedding network
 * @param residualScale  the stego image is {@code cover + residualScale * embedding output}
 * @param extractDepth   3x3 convolutions in the extraction network where it differs from {@code depth}; 0 means as
 *                       deep as the embedding network, and is what a model of equal depths records, so its metadata
 *                       reads the same as before the depths could differ (see {@link #extractLayers()})
 */
public record NetworkConfig(
        int secretChannels,
        int unshuffle,
        int prepWidth,
        int width,
        int depth,
        double residualScale,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int extractDepth) {

    public static final int COVER_CHANNELS = 3;
    public static final int PREP_LAYERS = 3;

    public NetworkConfig {
        if (secretChannels != 1 && secretChannels != 3) {
            throw new IllegalArgumentException("secretChannels must be 1 or 3, was " + secretChannels);
        }
        if (unshuffle < 1 || unshuffle > 8) {
            throw new IllegalArgumentException("unshuffle must be 1..8, was " + unshuffle);
        }
        if (extractDepth == depth) {
            extractDepth = 0;
        }
        if (prepWidth < 1 || width < 1 || depth < 1 || extractDepth < 0) {
            throw new IllegalArgumentException("widths and depths must be positive");
        }
        if (!(residualScale > 0)) {
            throw new IllegalArgumentException("residualScale must be positive");
        }
    }

    /** Embedding and extraction networks of the same depth. */
    public NetworkConfig(int secretChannels, int unshuffle, int prepWidth, int width, int depth, double residualScale) {
        this(secretChannels, unshuffle, prepWidth, width, depth, residualScale, 0);
    }

    /** 3x3 convolutions in the extraction network. */
    public int extractLayers() {
        return extractDepth == 0 ? depth : extractDepth;
    }

    /** This architecture with an extraction network of {@code layers} 3x3 convolutions. */
    public NetworkConfig withExtractDepth(int layers) {
        return new NetworkConfig(secretChannels, unshuffle, prepWidth, width, depth, residualScale, layers);
    }

    /** The default product network: grayscale secret, 2x2 unshuffle, 64 channels, 4-layer stacks. */
    public static NetworkConfig defaults() {
        return new NetworkConfig(1, 2, 32, 64, 4, 0.1);
    }

    /** Image sides must be a multiple of this. Callers pad or crop to it. */
    public int sizeMultiple() {
        return unshuffle;
    }
}
