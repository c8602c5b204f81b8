package org.stegoehealth.processors;

/** A record that cannot be processed, with the category and a one-line reason for its dead letter. */
public final class RecordRejectedException extends RuntimeException {

    private final ErrorType type;

    public RecordRejectedException(ErrorType type, String reason) {
        super(reason, null, false, false);
        this.type = type;
    }

    public RecordRejectedException(ErrorType type, String reason, Throwable cause) {
        super(reason, cause, false, false);
        this.type = type;
    }

    public ErrorType type() {
        return type;
    }
}
