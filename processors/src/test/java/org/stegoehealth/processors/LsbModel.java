package org.stegoehealth.processors;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.Lsb;

/**
 * A real, if classical, hiding model for tests: 4-bit LSB substitution. Every call is recorded, so tests can check
 * how records were batched, and it can be told to fail on chosen secrets.
 */
final class LsbModel implements HidingModel {

    /** One model call: how many images, of which geometry. */
    record Call(String kind, int size, int width, int height) {}

    private final String version;
    private final int secretChannels;
    final List<Call> calls = new ArrayList<>();
    private Predicate<FloatImage> poison = s -> false;

    LsbModel(String version, int secretChannels) {
        this.version = version;
        this.secretChannels = secretChannels;
    }

    LsbModel() {
        this("lsb4-test", 1);
    }

    /** Makes {@link #embed} throw whenever a secret matches. */
    LsbModel failingOn(Predicate<FloatImage> secret) {
        this.poison = secret;
        return this;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public int secretChannels() {
        return secretChannels;
    }

    @Override
    public List<FloatImage> embed(List<FloatImage> covers, List<FloatImage> secrets) {
        record(covers, "embed");
        List<FloatImage> out = new ArrayList<>();
        for (int i = 0; i < covers.size(); i++) {
            if (poison.test(secrets.get(i))) {
                throw new IllegalStateException("model diverged on this input");
            }
            if (secrets.get(i).channels() != secretChannels) {
                throw new IllegalArgumentException(
                        "secret has " + secrets.get(i).channels() + " channels");
            }
            out.add(Lsb.embed(covers.get(i), secrets.get(i).withChannels(3), 4));
        }
        return out;
    }

    @Override
    public List<FloatImage> extract(List<FloatImage> stegos) {
        record(stegos, "extract");
        List<FloatImage> out = new ArrayList<>();
        for (FloatImage s : stegos) {
            FloatImage rgb = Lsb.extract(s, 4);
            out.add(secretChannels == 1 ? firstChannel(rgb) : rgb);
        }
        return out;
    }

    private static FloatImage firstChannel(FloatImage rgb) {
        float[] g = new float[rgb.width() * rgb.height()];
        for (int i = 0; i < g.length; i++) {
            g[i] = rgb.data()[3 * i];
        }
        return new FloatImage(rgb.width(), rgb.height(), 1, g);
    }

    private void record(List<FloatImage> images, String kind) {
        FloatImage first = images.get(0);
        for (FloatImage f : images) {
            if (f.width() != first.width() || f.height() != first.height()) {
                throw new IllegalArgumentException("mixed geometries in one call");
            }
        }
        calls.add(new Call(kind, images.size(), first.width(), first.height()));
    }
}
