package org.stegoehealth.schemas;

import org.stegoehealth.errors.StegoException;

/**
 * The registry refused a request or could not be reached; the message says which and why. Not reached or a server
 * error (5xx) is an {@linkplain #isOutage() outage}: no fault of the record being read or written.
 */
public class SchemaRegistryException extends StegoException {
    private final int status;

    public SchemaRegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** HTTP status, or -1 when the registry was not reached. */
    public int status() {
        return status;
    }

    @Override
    public boolean isOutage() {
        return status < 0 || status >= 500;
    }
}
