package org.stegoehealth.processors.models;

import org.stegoehealth.errors.StegoException;

/** A model or promotion event that must not be used: bad checksum, bad signature, or inconsistent fields. */
public final class ModelEventRefusedException extends StegoException {

    public ModelEventRefusedException(String message) {
        super(message);
    }

    public ModelEventRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
