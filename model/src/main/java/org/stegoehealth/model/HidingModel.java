package org.stegoehealth.model;

import java.util.List;

/**
 * What the streaming system needs of a model: embed a batch, extract a batch, and say which version it is.
 * {@link StegoModel} is the real one.
 */
public interface HidingModel {

    /** Immutable version id; stego events carry it so the clinic uses the matching extractor. */
    String version();

    /** 1 when the hidden image is grayscale, 3 when RGB. */
    int secretChannels();

    /**
     * Hides {@code secrets[i]} in {@code covers[i]}. Within one call all images share one width and height.
     *
     * @return RGB stego images the size of the covers, not yet rounded to 8 bits
     */
    List<FloatImage> embed(List<FloatImage> covers, List<FloatImage> secrets);

    /** Recovers the hidden image from each stego image (one geometry per call). */
    List<FloatImage> extract(List<FloatImage> stegos);
}
