package org.stegoehealth.security;

import org.stegoehealth.errors.StegoException;

/** A signature is missing, made by a key this keyring does not trust, or does not match the signed data. */
public class SignatureInvalidException extends StegoException {

    private static final long serialVersionUID = 1L;

    public SignatureInvalidException(String message) {
        super(message);
    }
}
