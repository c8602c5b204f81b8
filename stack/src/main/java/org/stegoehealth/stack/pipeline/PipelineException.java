package org.stegoehealth.stack.pipeline;

import org.stegoehealth.errors.StegoException;

/** An end-to-end run could not complete; the message is one line saying what did not happen and why. */
public final class PipelineException extends StegoException {

    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
