package org.stegoehealth.web.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.stegoehealth.processors.StegoConfig;

/**
 * The console's replays: {@code stego replay} (X-ray mode) started for a range of the X-ray topic and a set of verified
 * model versions, run one at a time in the background, each followed by its progress lines and, once done, its table
 * and the report {@code replay} writes ({@code report.html}, {@code replay.json} and the grids of the worst images).
 *
 * <p>The replay itself lives in the lab module, which depends on this one; it is found at start through
 * {@link ServiceLoader} ({@link Provider}), so this module needs no dependency on it. Without it (a classpath without
 * the lab module) the page says so and starts nothing.
 */
public final class ReplayDesk implements AutoCloseable {

    /** The most X-rays one replay started from the console reads (the command line's own default is 100). */
    public static final int MAX_LIMIT = 1000;
    /** The most versions one replay compares. */
    public static final int MAX_VERSIONS = 4;
    /** Progress lines kept per replay. */
    static final int PROGRESS_LINES = 200;

    /** Report files served: the page, its figures, and the grids it shows (never the replayed pairs). */
    private static final Pattern REPORT_FILE =
            Pattern.compile("report\\.html|replay\\.json|[A-Za-z0-9._-]+-worst-[0-9]+\\.png");

    private static final DateTimeFormatter ID =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** What to replay: the X-ray topic's range (as {@code stego replay} takes it) and the versions to compare. */
    public record Request(
            List<String> versions, Long fromOffset, Long toOffset, Instant since, Instant until, int limit) {

        /** The command line this request is, without {@code --out}: what the page and the audit event show. */
        public List<String> arguments() {
            List<String> args = new ArrayList<>();
            versions.forEach(v -> {
                args.add("--version");
                args.add(v);
            });
            if (fromOffset != null) {
                args.add("--from-offset");
                args.add(fromOffset.toString());
            }
            if (toOffset != null) {
                args.add("--to-offset");
                args.add(toOffset.toString());
            }
            if (since != null) {
                args.add("--since");
                args.add(since.toString());
            }
            if (until != null) {
                args.add("--until");
                args.add(until.toString());
            }
            args.add("--limit");
            args.add(Integer.toString(limit));
            return args;
        }

        public String commandLine() {
            return "stego replay " + String.join(" ", arguments());
        }
    }

    /** Runs one replay: writes its report to {@code out}, says how it goes on {@code progress}, returns its table. */
    @FunctionalInterface
    public interface Runner {
        String run(Request request, Path out, Consumer<String> progress) throws Exception;
    }

    /** What the lab module offers through {@link ServiceLoader}: the replay of the cluster {@code config} names. */
    public interface Provider {
        Runner runner(StegoConfig config);
    }

    /** The replay of the installed lab module, if there is one on the classpath. */
    public static Optional<Runner> installed(StegoConfig config) {
        return ServiceLoader.load(Provider.class).findFirst().map(p -> p.runner(config));
    }

    public enum State {
        WAITING,
        RUNNING,
        DONE,
        FAILED
    }

    /** One replay started from the console. */
    public static final class Run {
        private final String id;
        private final Request request;
        private final String by;
        private final Instant requested;
        private final Path out;
        private final Deque<String> progress = new ArrayDeque<>();
        private volatile State state = State.WAITING;
        private volatile Instant finished;
        private volatile String table = "";
        private volatile String error = "";

        Run(String id, Request request, String by, Instant requested, Path out) {
            this.id = id;
            this.request = request;
            this.by = by;
            this.requested = requested;
            this.out = out;
        }

        public String id() {
            return id;
        }

        public Request request() {
            return request;
        }

        public String by() {
            return by;
        }

        public Instant requested() {
            return requested;
        }

        public State state() {
            return state;
        }

        public Instant finished() {
            return finished;
        }

        /** The table {@code replay} printed, once done. */
        public String table() {
            return table;
        }

        /** Why it failed, in one line. */
        public String error() {
            return error;
        }

        public synchronized List<String> progress() {
            return List.copyOf(progress);
        }

        synchronized void progress(String line) {
            if (line.isBlank()) {
                return;
            }
            progress.addLast(line.strip());
            while (progress.size() > PROGRESS_LINES) {
                progress.removeFirst();
            }
        }

        public boolean finishedOrFailed() {
            return state == State.DONE || state == State.FAILED;
        }
    }

    private final Runner runner;
    private final Path dir;
    private final Clock clock;
    private final ExecutorService worker;
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();

    /**
     * @param runner the replay, or null when none is installed
     * @param dir    where each replay writes its report, one folder per replay
     */
    public ReplayDesk(Runner runner, Path dir, Clock clock) {
        this.runner = runner;
        this.dir = dir;
        this.clock = clock;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "console-replay");
            t.setDaemon(true);
            return t;
        });
    }

    public boolean available() {
        return runner != null;
    }

    /**
     * Checks a form's fields before anything runs: one to {@value #MAX_VERSIONS} distinct versions, each one
     * {@code known}; offsets not negative and in order, times ISO-8601 and in order, a limit from 1 to
     * {@value #MAX_LIMIT} (100 when blank).
     *
     * @throws IllegalArgumentException naming the first field that is wrong
     */
    public static Request request(
            List<String> versions,
            String fromOffset,
            String toOffset,
            String since,
            String until,
            String limit,
            Predicate<String> known) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String v : versions == null ? List.<String>of() : versions) {
            if (v != null && !v.isBlank()) {
                chosen.add(v.strip());
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("choose at least one model version to replay");
        }
        if (chosen.size() > MAX_VERSIONS) {
            throw new IllegalArgumentException("at most " + MAX_VERSIONS + " versions per replay");
        }
        for (String v : chosen) {
            if (!known.test(v)) {
                throw new IllegalArgumentException(
                        "version " + v + " is not a verified version on the model topic (see the models page)");
            }
        }
        Long from = offset("from offset", fromOffset);
        Long to = offset("to offset", toOffset);
        if (from != null && to != null && to <= from) {
            throw new IllegalArgumentException(
                    "the to offset (" + to + ") must be after the from offset (" + from + ")");
        }
        Instant s = time("since", since);
        Instant u = time("until", until);
        if (s != null && u != null && !u.isAfter(s)) {
            throw new IllegalArgumentException("until (" + u + ") must be after since (" + s + ")");
        }
        int n = 100;
        if (limit != null && !limit.isBlank()) {
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit must be a whole number, not '" + limit.strip() + "'");
            }
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", not " + n);
        }
        return new Request(List.copyOf(chosen), from, to, s, u, n);
    }

    private static Long offset(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long v = Long.parseLong(value.strip());
            if (v < 0) {
                throw new IllegalArgumentException(name + " must not be negative, not " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value.strip() + "'");
        }
    }

    private static Instant time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be a time like 2026-12-07T09:00:00Z, not '" + value.strip() + "'");
        }
    }

    /** Queues {@code request} as {@code by}; replays run one at a time, in the order they were started. */
    public synchronized Run start(Request request, String by) {
        if (runner == null) {
            throw new IllegalStateException("replays need the lab module on the classpath (the stego launcher has it)");
        }
        Instant now = clock.instant();
        String id = "replay-" + ID.format(now) + "-" + sequence.incrementAndGet();
        Run run = new Run(id, request, by, now, dir.resolve(id));
        runs.put(id, run);
        worker.submit(() -> execute(run));
        return run;
    }

    private void execute(Run run) {
        run.state = State.RUNNING;
        run.progress("started: " + run.request.commandLine());
        try {
            Files.createDirectories(run.out);
            run.table = runner.run(run.request, run.out, run::progress);
            run.state = State.DONE;
            run.progress("done");
        } catch (Exception | Error e) {
            run.error = e.getMessage() == null ? e.toString() : e.getMessage();
            run.progress("failed: " + run.error);
            run.state = State.FAILED;
        } finally {
            run.finished = clock.instant();
        }
    }

    /** Every replay started since the console started, newest first. */
    public synchronized List<Run> runs() {
        List<Run> all = new ArrayList<>(runs.values());
        java.util.Collections.reverse(all);
        return all;
    }

    public synchronized Optional<Run> run(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    /**
     * A file of a finished replay's report: {@code report.html}, {@code replay.json} or one of the grids the report
     * shows; never the replayed pairs or anything else under the replay's folder.
     */
    public Optional<Path> reportFile(String id, String name) {
        Optional<Run> run = run(id);
        if (run.isEmpty()
                || run.get().state != State.DONE
                || name == null
                || !REPORT_FILE.matcher(name).matches()) {
            return Optional.empty();
        }
        Path file = run.get().out.resolve(name);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
