package org.stegoehealth.stack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Java child process: output appended to a log file, stopped by {@link #close()} or, failing that, by a shutdown
 * hook of this JVM; if this JVM dies without running hooks, {@link ParentWatchdog} inside the child ends it.
 */
final class ChildJvm implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::stop, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code mainClass} in a new JVM under {@link ParentWatchdog}.
     *
     * @param classpath entries; a folder ending in {@code /*} means every jar in it
     */
    static ChildJvm start(
            String name,
            Path workDir,
            Path logFile,
            List<String> classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args) {
        return start(name, workDir, logFile, classpath, jvmOptions, Map.of(), mainClass, args);
    }

    /** As {@link #start(String, Path, Path, List, List, String, List)}, with {@code environment} added to ours. */
    static ChildJvm start(
            String name,
            Path workDir,
            Path logFile,
            List<String> classpath,
            List<String> jvmOptions,
            Map<String, String> environment,
            String mainClass,
            List<String> args) {
        Process process = launch(workDir, logFile, classpath, jvmOptions, environment, mainClass, args);
        return new ChildJvm(name, process, logFile);
    }

    /** Runs {@code mainClass} in a new JVM to completion and returns its exit code. */
    static int run(
            String name,
            Path workDir,
            Path logFile,
            List<String> classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Duration timeout) {
        Process process = launch(workDir, logFile, classpath, jvmOptions, Map.of(), mainClass, args);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new LocalStackException(
                        name + " did not finish within " + timeout.toSeconds() + " s; see " + logFile);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while running " + name, e);
        }
    }

    private static Process launch(
            Path workDir,
            Path logFile,
            List<String> classpath,
            List<String> jvmOptions,
            Map<String, String> environment,
            String mainClass,
            List<String> args) {
        List<String> cp = new ArrayList<>();
        cp.add(watchdogClassRoot(workDir).toString());
        cp.addAll(classpath);
        List<String> command = new ArrayList<>();
        if (LocalSupport.posix(workDir.toAbsolutePath())) {
            // the child writes X-rays to disk (broker logs): owner-only, whatever this process's umask
            command.addAll(List.of("/bin/sh", "-c", "umask 077 && exec \"$@\"", "sh"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, cp));
        command.add(ParentWatchdog.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        try {
            LocalSupport.createPrivateDirectory(logFile.toAbsolutePath().getParent());
            if (!Files.exists(logFile)) {
                LocalSupport.writePrivate(logFile, "");
            }
            Files.writeString(
                    logFile,
                    "---- " + LocalDateTime.now() + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            return builder.directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new LocalStackException("cannot start " + mainClass + ": " + e.getMessage(), e);
        }
    }

    /** Copies the watchdog's class file into {@code workDir/launcher}, the child's first classpath entry. */
    private static Path watchdogClassRoot(Path workDir) {
        Path root = workDir.resolve("launcher");
        String resource = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        Path target = root.resolve(resource);
        try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new LocalStackException("class file " + resource + " not found on this classpath");
            }
            LocalSupport.createPrivateDirectory(root);
            LocalSupport.createPrivateDirectory(target.getParent());
            try (OutputStream out = LocalSupport.newPrivateFile(target)) {
                in.transferTo(out);
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + resource + " to " + target, e);
        }
    }

    /**
     * JVM options of a child server: the heap bounds, the serial collector (a small, short-lived process on a shared
     * machine), headless AWT, then {@code extra}.
     */
    static List<String> serverOptions(String minHeap, String maxHeap, String... extra) {
        List<String> options = new ArrayList<>(
                List.of("-Xms" + minHeap, "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        options.addAll(List.of(extra));
        return options;
    }

    /** The slf4j-simple settings of the Kafka tools' logs: timestamps to the millisecond, info and above. */
    static List<String> simpleLoggerOptions() {
        return List.of(
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    }

    /**
     * Polls {@code ready} every {@code pollMillis} until it answers true, at most until {@code timeout} after
     * {@code startedNanos}; stops the process if it never does.
     *
     * @param what the service in messages, e.g. {@code "Kafka broker"}
     * @throws LocalStackException when the process ends while starting (with the last error of its log) or the time
     *     runs out, naming the log
     */
    void awaitReady(String what, long startedNanos, Duration timeout, long pollMillis, Readiness ready) {
        long deadline = startedNanos + timeout.toNanos();
        try {
            while (true) {
                checkStarting(what);
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new LocalStackException(
                            what + " did not become ready within " + timeout.toSeconds() + " s; see " + logFile);
                }
                if (ready.probe(remaining)) {
                    return;
                }
                LocalSupport.sleep(pollMillis);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** One readiness probe of a starting child. */
    @FunctionalInterface
    interface Readiness {
        /**
         * @param remainingNanos how long the wait may still last; a probe that blocks stays within it
         * @return whether the service answers
         */
        boolean probe(long remainingNanos);
    }

    /** @throws LocalStackException when the process has ended while starting, with the last error of its log */
    void checkStarting(String what) {
        if (!process.isAlive()) {
            throw new LocalStackException(
                    what + " exited with code " + exitCode() + " while starting" + lastError() + "; see " + logFile);
        }
    }

    /**
     * @param what the service and where it listens, e.g. {@code "the Kafka broker on 127.0.0.1:9092"}
     * @throws LocalStackException when the process has ended, naming its pid, exit code, last error and log
     */
    void checkAlive(String what) {
        if (!process.isAlive()) {
            throw new LocalStackException(
                    what + " (pid " + pid() + ") exited with code " + exitCode() + lastError() + "; see " + logFile);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while running. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * The last log line that reports an error, as {@code ": <line>"} for appending to a one-line message, or an empty
     * string.
     */
    String lastError() {
        String last = "";
        try (Stream<String> all = Files.lines(logFile, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) all::iterator) {
                if (line.contains("ERROR") || line.contains("Exception") || line.contains("Error:")) {
                    last = line.strip();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
        if (last.isEmpty()) {
            return "";
        }
        return ": " + (last.length() > 240 ? last.substring(0, 240) + "..." : last);
    }

    /** Kills the process at once (SIGKILL, no shutdown hooks run) and waits for it to end. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after a grace period) and waits for it. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // this JVM is already shutting down; the hook runs (or ran) stop() itself
        }
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
