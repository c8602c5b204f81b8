package org.stegoehealth.security;

/** A keyring cannot be created, read or used; the message says which file or key and what to do. */
public class KeyringException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KeyringException(String message) {
        super(message);
    }

    public KeyringException(String message, Throwable cause) {
        super(message, cause);
    }
}
