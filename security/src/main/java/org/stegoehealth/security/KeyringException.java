package org.stegoehealth.security;

import org.stegoehealth.errors.StegoException;

/** A keyring cannot be created, read or used; the message says which file or key and what to do. */
public class KeyringException extends StegoException {

    private static final long serialVersionUID = 1L;

    public KeyringException(String message) {
        super(message);
    }

    public KeyringException(String message, Throwable cause) {
        super(message, cause);
    }
}
