package org.stegoehealth.trainer;

import java.nio.file.Path;

/**
 * Where the periodic trainer finds the promoted version and sends what it makes: in production the model topics
 * (signed events), in tests an in-memory hub.
 */
public interface ModelHub {

    /** The promoted version and its verified artifact directory. */
    record Promoted(String version, Path artifact) {}

    /** The version embedders use now. */
    Promoted promoted();

    /** Publishes a candidate artifact, fine-tuned from {@code parent}. */
    void publish(Path artifact, String parent);

    /** Promotes a published version. */
    void promote(String version, String reason);

    /** Records a finished round, promoted or not. */
    void record(RoundRecord round);
}
