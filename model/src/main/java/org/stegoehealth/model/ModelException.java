package org.stegoehealth.model;

/** A model artifact that is missing, corrupt, tampered with or incompatible. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
