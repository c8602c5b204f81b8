package org.stegoehealth.model;

import org.stegoehealth.errors.StegoException;

/** A model artifact that is missing, corrupt, tampered with or incompatible. */
public class ModelException extends StegoException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
