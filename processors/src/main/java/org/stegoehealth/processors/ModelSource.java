package org.stegoehealth.processors;

import java.util.Optional;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ModelException;

/**
 * Where the inference topologies get their models: the embedder asks for the version to embed with now (it may change
 * between batches), the extractor for the version a stego image names. In production a registry fed from the model
 * topics ({@code ModelRegistry}); in tests and for a model given on the command line, one fixed model.
 */
public interface ModelSource {

    /** The model new images are embedded with now, or empty while no usable version is promoted. */
    Optional<HidingModel> current();

    /** Whether {@code version} has arrived (retired versions included: their images must still be extracted). */
    boolean has(String version);

    /**
     * Whether new images may be embedded with {@code version} (an X-ray or the embedder's configuration may name one
     * other than the promoted version): it has arrived, verified, and is not retired.
     */
    boolean embeddable(String version);

    /**
     * The model of an arrived version.
     *
     * @throws ModelException when it has not arrived or cannot be loaded
     */
    HidingModel model(String version);

    /**
     * Whether versions not held yet may still arrive (a registry following the model topic), so a stego image that
     * names one should wait for it; a fixed model never changes, so such an image is refused at once.
     */
    boolean followsPublications();

    /**
     * One model that answers for every version: each stego image is extracted with it whatever version it names
     * (for replaying images through a version other than the one that made them).
     */
    static ModelSource forced(HidingModel model) {
        return new ModelSource() {
            @Override
            public Optional<HidingModel> current() {
                return Optional.of(model);
            }

            @Override
            public boolean has(String version) {
                return true;
            }

            @Override
            public boolean embeddable(String version) {
                return true;
            }

            @Override
            public HidingModel model(String version) {
                return model;
            }

            @Override
            public boolean followsPublications() {
                return false;
            }

            @Override
            public String toString() {
                return model.version() + " (forced)";
            }
        };
    }

    /** One model, always current. */
    static ModelSource fixed(HidingModel model) {
        return new ModelSource() {
            @Override
            public Optional<HidingModel> current() {
                return Optional.of(model);
            }

            @Override
            public boolean has(String version) {
                return model.version().equals(version);
            }

            @Override
            public boolean embeddable(String version) {
                return has(version);
            }

            @Override
            public HidingModel model(String version) {
                if (!has(version)) {
                    throw new ModelException(
                            "model " + version + " is not held; this application holds " + model.version());
                }
                return model;
            }

            @Override
            public boolean followsPublications() {
                return false;
            }

            @Override
            public String toString() {
                return model.version();
            }
        };
    }
}
