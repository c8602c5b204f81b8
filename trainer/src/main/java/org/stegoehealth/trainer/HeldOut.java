package org.stegoehealth.trainer;

import java.util.List;
import org.stegoehealth.model.Attack;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.Metrics;

/**
 * The fixed held-out check of training and of the retraining gate: the first {@code n} held-out X-rays, each with the
 * held-out cover at the same position (cycled), stego image rounded to 8 bits as when sent. Two models measured with
 * the same {@code n} and data see exactly the same pairs.
 */
public final class HeldOut {

    /** Mean PSNR of both sides, in dB. */
    public record Psnr(double cover, double secret) {}

    private HeldOut() {}

    public static Psnr measure(HidingModel model, TrainingData data, int n) {
        return measure(model, data, n, null);
    }

    /**
     * {@link #measure(HidingModel, TrainingData, int)} with {@code attack} (null = none) applied to each stego image
     * before extraction: the cover figure is still the stego image's as sent, the secret figure what survives the
     * attack.
     */
    public static Psnr measure(HidingModel model, TrainingData data, int n, Attack attack) {
        List<FloatImage> xrays = data.validationXrays();
        List<FloatImage> covers = data.validationCovers();
        int count = Math.min(n, xrays.size());
        if (count == 0 || covers.isEmpty()) {
            throw new IllegalArgumentException("no held-out images to measure on");
        }
        double coverPsnr = 0;
        double secretPsnr = 0;
        for (int i = 0; i < count; i++) {
            FloatImage cover = covers.get(i % covers.size());
            FloatImage secret = xrays.get(i).withChannels(model.secretChannels());
            FloatImage stego =
                    model.embed(List.of(cover), List.of(secret)).get(0).quantize8();
            FloatImage received = attack == null ? stego : attack.apply(stego, i);
            FloatImage revealed = model.extract(List.of(received)).get(0);
            coverPsnr += Metrics.psnr(cover, stego);
            secretPsnr += Metrics.psnr(secret, revealed);
        }
        return new Psnr(coverPsnr / count, secretPsnr / count);
    }

    /** Pairs {@link #measure} uses for {@code n}. */
    public static int pairs(TrainingData data, int n) {
        return Math.min(n, data.validationXrays().size());
    }
}
