package org.stegoehealth.processors.models;

import org.stegoehealth.errors.StegoException;

/** The model topics cannot be read or written (a missing topic, an unreachable or refusing broker). */
public final class ModelTopicException extends StegoException {

    public ModelTopicException(String message) {
        super(message);
    }

    public ModelTopicException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isOutage() {
        return true;
    }
}
