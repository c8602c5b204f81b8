package org.stegoehealth.ops.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Which stacks the pipeline integration tests run on, from the system property {@value #PROPERTY} or the environment
 * variable {@value #ENV}:
 *
 * <ul>
 *   <li>{@code auto} (the default): the local stack always, the containers where a Docker daemon with the images is
 *       available; where it is not, the container variant says so in the test output and its tests are reported as
 *       skipped;
 *   <li>{@code both}: both, and the container variant fails when Docker or the images are missing (what CI runs);
 *   <li>{@code local} or {@code containers}: only that one (containers then required); the other says it did not run.
 * </ul>
 *
 * A variant that does not run always prints why, with the test class's name, in the build output.
 */
public final class StackSelection {

    public static final String PROPERTY = "stego.it.stack";
    public static final String ENV = "STEGO_IT_STACK";

    private enum Mode {
        AUTO,
        BOTH,
        LOCAL,
        CONTAINERS
    }

    private StackSelection() {}

    /**
     * Starts the stack of {@code kind} for {@code testClass} with its files under {@code workDir} and prints which
     * stack the class runs on; or, if that stack is not selected or not available and not required, prints why and
     * returns the reason (the class then skips each test with it, so the build's summary counts them as skipped); or
     * fails if the stack is required but not available.
     */
    public static Opened open(StackKind kind, String testClass, Path workDir) {
        Mode mode = mode();
        String setting = PROPERTY + "=" + mode.name().toLowerCase(Locale.ROOT);
        if (!selects(mode, kind)) {
            return notRun(testClass + ": NOT RUN on the " + kind.label() + ": " + setting + " selects the "
                    + other(kind).label() + " only");
        }
        if (kind == StackKind.CONTAINERS) {
            Optional<String> unavailable = ContainerStack.unavailable();
            if (unavailable.isPresent()) {
                if (mode != Mode.AUTO) {
                    throw new IllegalStateException(
                            testClass + ": " + setting + " requires the containers, but " + unavailable.get());
                }
                return notRun(testClass + ": NOT RUN on containers: " + unavailable.get()
                        + "; the pipeline ran on the local stack only (" + PROPERTY + "=both makes this a failure)");
            }
        }
        long started = System.nanoTime();
        TestStack stack = kind == StackKind.CONTAINERS ? ContainerStack.start(workDir) : TestStack.local(workDir);
        banner(String.format(
                Locale.ROOT,
                "%s: running on the %s (ready in %.1f s): %s",
                testClass,
                kind.label(),
                (System.nanoTime() - started) / 1e9,
                stack.description()));
        return new Opened(stack, null);
    }

    /** Either a started stack or why the class did not start one. */
    public record Opened(TestStack stack, String notRunReason) {
        /** Skips the calling test, with the reason, when there is no stack. */
        public TestStack require() {
            Assumptions.assumeTrue(stack != null, notRunReason);
            return stack;
        }
    }

    private static Opened notRun(String line) {
        banner(line);
        return new Opened(null, line);
    }

    /** First line of {@link #printDiagnosis}'s block: {@code .ci/run} repeats such blocks when the build fails. */
    public static final String DIAGNOSIS_BEGIN = "=== stack after a failed test: ";

    /** Last line of {@link #printDiagnosis}'s block. */
    public static final String DIAGNOSIS_END = "=== end of the stack's state";

    /**
     * Prints, between {@link #DIAGNOSIS_BEGIN} and {@link #DIAGNOSIS_END}, what {@code stack} says about itself after
     * {@code test} failed, and the machine's load (a starved machine and a stalled broker look alike from a client).
     */
    public static void printDiagnosis(String test, TestStack stack) {
        String load;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException | RuntimeException e) {
            load = "unknown";
        }
        String diagnosis = stack.diagnosis();
        System.out.println(DIAGNOSIS_BEGIN + test + " on the " + stack.name());
        System.out.println("load average (1, 5, 15 min; runnable/all; last pid): " + load);
        if (!diagnosis.isBlank()) {
            System.out.println(diagnosis.strip());
        }
        System.out.println(DIAGNOSIS_END);
        System.out.flush();
    }

    /** A line that stands out in the build output. */
    public static void banner(String line) {
        String rule = "=".repeat(Math.min(120, line.length()));
        System.out.println(rule);
        System.out.println(line);
        System.out.println(rule);
        System.out.flush();
    }

    private static boolean selects(Mode mode, StackKind kind) {
        return switch (mode) {
            case AUTO, BOTH -> true;
            case LOCAL -> kind == StackKind.LOCAL;
            case CONTAINERS -> kind == StackKind.CONTAINERS;
        };
    }

    private static StackKind other(StackKind kind) {
        return kind == StackKind.LOCAL ? StackKind.CONTAINERS : StackKind.LOCAL;
    }

    private static Mode mode() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(ENV);
        }
        if (value == null || value.isBlank()) {
            return Mode.AUTO;
        }
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    PROPERTY + "=" + value + " is not one of auto, both, local, containers", e);
        }
    }
}
