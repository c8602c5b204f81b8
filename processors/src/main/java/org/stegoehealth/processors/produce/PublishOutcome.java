package org.stegoehealth.processors.produce;

import java.nio.file.Path;

/**
 * What happened to one file: published under {@code key}, or refused with a one-line {@code problem}.
 */
public record PublishOutcome(Path file, String key, String problem) {

    public static PublishOutcome published(Path file, String key) {
        return new PublishOutcome(file, key, null);
    }

    public static PublishOutcome refused(Path file, String problem) {
        return new PublishOutcome(file, null, problem);
    }

    public boolean ok() {
        return problem == null;
    }

    @Override
    public String toString() {
        return ok() ? "published " + file + " as " + key : "error: " + file + ": " + problem;
    }
}
