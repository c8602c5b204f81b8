package org.stegoehealth.processors.models;

/** A model or promotion event that must not be used: bad checksum, bad signature, or inconsistent fields. */
public final class ModelEventRefusedException extends RuntimeException {

    public ModelEventRefusedException(String message) {
        super(message);
    }

    public ModelEventRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
