package org.stegoehealth.processors;

import org.stegoehealth.errors.StegoException;

/** A record that cannot be processed, with the category and a one-line reason for its dead letter. */
public final class RecordRejectedException extends StegoException {

    private final ErrorType type;

    public RecordRejectedException(ErrorType type, String reason) {
        this(type, reason, null);
    }

    public RecordRejectedException(ErrorType type, String reason, Throwable cause) {
        super(reason, cause, false);
        this.type = type;
    }

    public ErrorType type() {
        return type;
    }
}
