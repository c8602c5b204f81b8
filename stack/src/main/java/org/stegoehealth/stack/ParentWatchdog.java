package org.stegoehealth.stack;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Entry point of the child JVMs: ends the child when the JVM that started it ends, even one killed without running
 * its shutdown hooks, then runs the real main class. Usage: {@code ParentWatchdog <parent pid> <main class> [args]}.
 * It is copied as a lone class file onto the child's classpath, so it uses nothing but the JDK and has no nested
 * classes.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parent pid> <main class> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        ProcessHandle.of(parentPid)
                .ifPresentOrElse(
                        parent -> parent.onExit().thenRun(() -> parentEnded(parentPid)), () -> parentEnded(parentPid));
        try {
            Class.forName(args[1]).getMethod("main", String[].class).invoke(null, (Object)
                    Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void parentEnded(long parentPid) {
        System.err.println("parent process " + parentPid + " has ended; stopping");
        // exit, not halt: the child's own shutdown hooks still close its files cleanly
        System.exit(143);
    }
}
