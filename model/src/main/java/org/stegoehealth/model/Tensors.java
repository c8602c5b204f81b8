package org.stegoehealth.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Batches of {@link FloatImage} to and from NHWC tensors. */
public final class Tensors {
    private Tensors() {}

    /** Stacks images of one geometry into a [N, H, W, C] tensor. */
    public static INDArray stack(List<FloatImage> images) {
        FloatImage first = images.get(0);
        int per = first.data().length;
        float[] all = new float[per * images.size()];
        for (int i = 0; i < images.size(); i++) {
            FloatImage image = images.get(i);
            first.requireSameGeometry(image);
            System.arraycopy(image.data(), 0, all, i * per, per);
        }
        return Nd4j.create(all, new long[] {images.size(), first.height(), first.width(), first.channels()}, 'c');
    }

    /** Splits a [N, H, W, C] tensor into images. */
    public static List<FloatImage> unstack(INDArray batch) {
        long[] s = batch.shape();
        int n = (int) s[0];
        int h = (int) s[1];
        int w = (int) s[2];
        int c = (int) s[3];
        float[] all;
        try (INDArray contiguous = batch.dup('c')) {
            all = contiguous.data().asFloat();
        }
        int per = h * w * c;
        List<FloatImage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] one = new float[per];
            System.arraycopy(all, i * per, one, 0, per);
            out.add(new FloatImage(w, h, c, one));
        }
        return out;
    }
}
