package org.stegoehealth.stack.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The work directory of demo, chaos and bench pipeline: locked for a run, never wiped unless asked. */
class WorkDirTest {

    @TempDir
    Path tmp;

    private static String lockHolder(Path dir) throws Exception {
        return Files.readString(dir.resolve(WorkDir.LOCK_FILE), StandardCharsets.UTF_8);
    }

    @Test
    void aNewFolder_isCreatedAndLocked_withThisProcessAsHolder() throws Exception {
        Path dir = tmp.resolve("runs").resolve("demo");
        try (WorkDir held = WorkDir.claim(dir, false)) {
            assertEquals(dir.toAbsolutePath(), held.path());
            assertEquals(Long.toString(ProcessHandle.current().pid()), lockHolder(dir));
        }
        assertEquals("", lockHolder(dir), "released");
    }

    @Test
    void aSecondRunOnAFolderInUse_isRefusedInOneLine_namingTheFolderAndThePid() {
        Path dir = tmp.resolve("demo");
        try (WorkDir held = WorkDir.claim(dir, false)) {
            PipelineException refused = assertThrows(PipelineException.class, () -> WorkDir.claim(dir, true));
            assertEquals(
                    dir.toAbsolutePath() + " is in use by another run (pid "
                            + ProcessHandle.current().pid() + "); wait for it to end or give another --work-dir",
                    refused.getMessage());
        }
    }

    @Test
    void aFolderWithAnEarlierRunsData_isRefusedWithoutFresh_andLeftAsItWas() throws Exception {
        Path dir = tmp.resolve("demo");
        try (WorkDir held = WorkDir.claim(dir, false)) {
            Files.createDirectories(held.path().resolve("stack").resolve("kafka"));
            Files.writeString(held.path().resolve("stack").resolve("kafka").resolve("log"), "11 X-rays in flight");
            Files.createDirectories(held.path().resolve("streams"));
        }
        PipelineException refused = assertThrows(PipelineException.class, () -> WorkDir.claim(dir, false));
        assertEquals(
                dir.toAbsolutePath() + " holds data of an earlier run (stack, streams); give --fresh to wipe it first,"
                        + " or another --work-dir",
                refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"));
        assertTrue(Files.exists(dir.resolve("stack").resolve("kafka").resolve("log")), "nothing deleted");

        // and it can be claimed again: the refusal released the lock
        try (WorkDir again = WorkDir.claim(dir, true)) {
            try (var entries = Files.list(again.path())) {
                assertEquals(
                        List.of(WorkDir.LOCK_FILE),
                        entries.map(p -> p.getFileName().toString()).toList(),
                        "--fresh wipes everything but the lock");
            }
        }
    }

    /** Holds the work directory named by its argument until its standard input closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (WorkDir held = WorkDir.claim(Path.of(args[0]), false)) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void aFolderHeldByAnotherProcess_isRefusedWithItsPid_andFreedWhenThatProcessDies() throws Exception {
        Path dir = tmp.resolve("chaos");
        Process other = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Holder.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("held")) {
                // the child's log lines, if any
            }
            assertEquals("held", line, "the other process took the lock");

            PipelineException refused = assertThrows(PipelineException.class, () -> WorkDir.claim(dir, true));
            assertTrue(
                    refused.getMessage().contains("is in use by another run (pid " + other.pid() + ")"),
                    refused.getMessage());

            // killed without a chance to clean up: the operating system releases its lock
            other.destroyForcibly();
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
            try (WorkDir mine = WorkDir.claim(dir, false)) {
                assertEquals(Long.toString(ProcessHandle.current().pid()), lockHolder(dir));
            }
        } finally {
            other.destroyForcibly();
        }
    }
}
