package org.stegoehealth.stack;

import org.stegoehealth.errors.StegoException;

/** A local broker or registry could not be started or used; the message says which, why, and where its log is. */
public class LocalStackException extends StegoException {

    public LocalStackException(String message) {
        super(message);
    }

    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
