package org.stegoehealth.schemas;

/** The registry refused a request or could not be reached; the message says which and why. */
public class SchemaRegistryException extends RuntimeException {
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
}
