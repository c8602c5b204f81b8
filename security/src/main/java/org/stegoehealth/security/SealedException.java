package org.stegoehealth.security;

import org.stegoehealth.errors.StegoException;

/** A sealed stego image cannot be made or opened; {@link #reason()} says which kind of failure it is. */
public class SealedException extends StegoException {

    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason {
        /** Sealed to another clinic's keys (or to keys this keyring never held). */
        NOT_FOR_THIS_KEY,
        /** The image, its header or its payload was altered: it no longer authenticates. */
        TAMPERED,
        /** The payload does not fit the cover within the bits-per-channel budget and the size limit. */
        CAPACITY
    }

    private final Reason reason;

    public SealedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SealedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
