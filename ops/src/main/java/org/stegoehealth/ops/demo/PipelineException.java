package org.stegoehealth.ops.demo;

/** An end-to-end run could not complete; the message is one line saying what did not happen and why. */
public final class PipelineException extends RuntimeException {

    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
