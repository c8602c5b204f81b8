package org.stegoehealth.ops.deadletters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.cli.CliRun;

/** A bad reason or time is refused while the command line is read, before any broker is contacted. */
class DeadLettersCommandTest {

    // a port nothing listens on: a command that got as far as Kafka would fail differently
    private static final String[] NO_BROKER = {"--bootstrap-servers", "127.0.0.1:1"};

    private static CliRun run(String... args) {
        String[] all = new String[args.length + NO_BROKER.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(NO_BROKER, 0, all, args.length, NO_BROKER.length);
        return CliRun.run(new DeadLettersCommand(), all);
    }

    @Test
    void replay_anUnknownReason_isRefused_listingTheReasons() {
        CliRun run = run("replay", "--reason", "NOPE");
        assertEquals(2, run.code(), run.toString());
        assertTrue(
                run.err()
                        .startsWith("error: Invalid value for option '--reason': 'NOPE' is not a"
                                + " dead-letter reason: give one of DESERIALIZATION, DECODE,"),
                run.toString());
        for (ErrorType type : ErrorType.values()) {
            assertTrue(run.err().contains(type.name()), type + " missing: " + run);
        }
        assertTrue(run.err().contains("(see 'dead-letters replay --help')"), run.toString());
    }

    @Test
    void list_anUnknownReason_isRefusedToo() {
        CliRun run = run("list", "--reason", "late");
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("'late' is not a dead-letter reason"), run.toString());
    }

    @Test
    void aReason_isAcceptedInAnyCase_asTheRecordedName() {
        assertEquals("UNKNOWN_MODEL", new DeadLettersCommand.Reason().convert("unknown_model"));
    }

    @Test
    void list_sinceNotATime_saysWhichFormatIsAccepted() {
        CliRun run = run("list", "--since", "yesterday");
        assertEquals(2, run.code(), run.toString());
        assertTrue(
                run.err()
                        .startsWith("error: Invalid value for option '--since': 'yesterday' is not a"
                                + " time: give an ISO-8601 time in UTC, e.g. 2026-11-29T08:00:00Z"),
                run.toString());
        assertFalse(run.err().contains("java.time"), run.toString());
    }

    @Test
    void theHelp_listsTheReasons() {
        CliRun run = CliRun.run(new DeadLettersCommand(), "replay", "--help");
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("NOT_FOR_THIS_CLINIC"), run.out());
    }
}
