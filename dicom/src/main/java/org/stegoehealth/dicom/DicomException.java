package org.stegoehealth.dicom;

import org.stegoehealth.errors.StegoException;

/** A DICOM file that cannot be used, with a one-line message naming the file and the problem. */
public final class DicomException extends StegoException {

    /** What kind of problem it is, so callers can tell a file still being written from one that never will do. */
    public enum Problem {
        /** The file ends before what its header announces: possibly still being copied. */
        TRUNCATED,
        /** Not a DICOM Part 10 file, or a malformed one. */
        MALFORMED,
        /** A well-formed file this reader does not take: compressed transfer syntax, colour, several frames. */
        UNSUPPORTED,
        /** A well-formed file whose image breaks a limit (size) or whose pixel data does not match its header. */
        OUT_OF_LIMITS
    }

    private final Problem problem;

    public DicomException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
