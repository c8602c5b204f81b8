package org.stegoehealth.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class StegoExceptionTest {

    /** An outage as the modules define one: a service the input depends on cannot be reached. */
    private static final class Unreachable extends StegoException {
        Unreachable(String message) {
            super(message, null, 3);
        }

        @Override
        public boolean isOutage() {
            return true;
        }
    }

    /** A frequent, fully described rejection that leaves its stack trace out. */
    private static final class Rejected extends StegoException {
        Rejected(String message, Throwable cause) {
            super(message, cause, false);
        }
    }

    @Test
    void aPlainFailure_endsACommandWithExitCode2_andIsNoOutage() {
        StegoException e = new StegoException("covers/a.png: not a supported image");

        assertEquals(2, StegoException.EXIT_FAILURE);
        assertEquals(StegoException.EXIT_FAILURE, e.exitCode());
        assertFalse(e.isOutage());
        assertFalse(StegoException.isOutage(e));
        assertEquals("covers/a.png: not a supported image", e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void theCause_isKept_andTheMessageIsNotChanged() {
        IOException cause = new IOException("disk full");
        StegoException e = new StegoException("cannot write runs/x/report.html", cause);

        assertSame(cause, e.getCause());
        assertEquals("cannot write runs/x/report.html", e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void aSubclass_setsItsOwnExitCode_andReportsAnOutage() {
        StegoException e = new Unreachable("schema registry at http://localhost:8081 cannot be reached");

        assertEquals(3, e.exitCode());
        assertTrue(e.isOutage());
        assertTrue(StegoException.isOutage(e));
    }

    @Test
    void isOutage_isFalseForAnyOtherThrowable_andForNull() {
        assertFalse(StegoException.isOutage(new IllegalStateException("broker down")));
        assertFalse(StegoException.isOutage(new RuntimeException(new Unreachable("wrapped"))));
        assertFalse(StegoException.isOutage(null));
    }

    @Test
    void aFailureWithoutStackTrace_hasNone_butKeepsMessageCauseAndExitCode() {
        IllegalArgumentException cause = new IllegalArgumentException("width 0");
        StegoException e = new Rejected("x-17: image 0x12 is below the 8 px minimum", cause);

        assertEquals(0, e.getStackTrace().length);
        assertEquals("x-17: image 0x12 is below the 8 px minimum", e.getMessage());
        assertSame(cause, e.getCause());
        assertEquals(StegoException.EXIT_FAILURE, e.exitCode());
        assertFalse(e.isOutage());
    }

    @Test
    void aPlainFailure_keepsItsStackTrace() {
        assertTrue(new StegoException("bad").getStackTrace().length > 0);
    }
}
