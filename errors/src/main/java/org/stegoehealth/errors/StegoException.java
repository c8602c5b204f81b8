package org.stegoehealth.errors;

/**
 * A failure a user or operator can act on: its message is one line that names the input and says what is wrong,
 * and it carries the exit code a command ends with. Every user-facing failure of the project is one of these, so
 * the command line reports them in one place and the streaming applications tell them apart by property, not by
 * type.
 *
 * <p>{@link #isOutage()} separates "something this input depends on is unavailable" (a registry or broker that
 * cannot be reached: retry later, never set the input aside) from "this input is bad" (report it, dead-letter it).
 */
public class StegoException extends RuntimeException {

    /** Exit code of a command that failed on bad input, a bad setting or an unavailable service. */
    public static final int EXIT_FAILURE = 2;

    private final int exitCode;

    public StegoException(String message) {
        this(message, null);
    }

    public StegoException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = EXIT_FAILURE;
    }

    /** A failure that ends a command with {@code exitCode} instead of {@link #EXIT_FAILURE}. */
    protected StegoException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /**
     * For failures that occur often and are fully described by their message (a rejected record), the stack trace
     * can be left out: it would cost more than the work that failed.
     */
    protected StegoException(String message, Throwable cause, boolean withStackTrace) {
        super(message, cause, false, withStackTrace);
        this.exitCode = EXIT_FAILURE;
    }

    /** The exit code of a command that ends on this failure. */
    public int exitCode() {
        return exitCode;
    }

    /**
     * Whether the failure is an outage of something the input depends on rather than a fault of the input: the
     * work must be retried later, and the input must not be reported as bad.
     */
    public boolean isOutage() {
        return false;
    }

    /** Whether {@code e} is a {@link StegoException} that reports an outage. */
    public static boolean isOutage(Throwable e) {
        return e instanceof StegoException s && s.isOutage();
    }
}
