package org.stegoehealth.model;

import org.stegoehealth.errors.StegoException;

/** An image (or model) input that cannot be used: unreadable, empty, not an image, or of an absurd size. */
public class ImageInputException extends StegoException {

    /** Whether the bytes are no readable image at all, or a readable image that breaks a limit. */
    public enum Problem {
        /** Missing, empty, not an image, corrupt. */
        UNREADABLE,
        /** A readable image outside the size limits. */
        OUT_OF_LIMITS
    }

    private final Problem problem;

    public ImageInputException(String message) {
        this(Problem.UNREADABLE, message, null);
    }

    public ImageInputException(String message, Throwable cause) {
        this(Problem.UNREADABLE, message, cause);
    }

    public ImageInputException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
