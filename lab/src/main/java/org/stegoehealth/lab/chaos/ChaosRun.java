package org.stegoehealth.lab.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.security.Png;
import org.stegoehealth.stack.KafkaSecurity.Principal;
import org.stegoehealth.stack.LocalMirror;
import org.stegoehealth.stack.LocalStack;
import org.stegoehealth.stack.pipeline.ClusterContents;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineException;
import org.stegoehealth.stack.pipeline.PipelineInstance;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * One chaos run (see {@link ChaosCommand}): a local stack, the embedder and the extractor as child JVMs, X-rays sent
 * in as many bursts as there are kills plus one, each kill at a random moment while a burst is being processed,
 * followed by an immediate restart whose recovery is timed.
 */
final class ChaosRun {

    static final String EMBEDDER = PipelineInstance.EMBEDDER;
    static final String EXTRACTOR = PipelineInstance.EXTRACTOR;
    static final String MIRROR = "mirror";
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /** What a run does; see the options of {@link ChaosCommand}. */
    record Settings(
            Path xrays,
            Path covers,
            int count,
            int size,
            int kills,
            int mirrorKills,
            int embedders,
            int extractors,
            int partitions,
            int standbyReplicas,
            Duration maxDelay,
            Duration recoveryTimeout,
            boolean registryOutage,
            boolean brokerOutage,
            boolean secure,
            Duration outage,
            Duration timeout,
            long seed,
            Path workDir,
            Path home) {}

    /**
     * One kill (or outage: {@code pid} 0) and what followed.
     *
     * @param readyS       seconds from the restart to {@code /health/ready} answering 200 (NaN: never)
     * @param nextRecordS  seconds from the restart to the first record of the restarted application's own output that
     *                     it wrote after the restart (the embedder's stego records, the extractor's recovered ones;
     *                     after an outage, recovered records), as the checker read it (NaN: nothing was pending for it)
     * @param recoveredAtKill sent X-rays recovered when the kill (or outage) came: the count its progress line shows
     */
    record Kill(int number, String app, double atS, long pid, double readyS, double nextRecordS, int recoveredAtKill) {}

    private final Settings settings;
    private final StegoConfig base;
    private final PrintWriter out;
    private final Progress progress;
    private final Random random;
    private final long startedNanos = System.nanoTime();
    private final Map<String, PipelineInstance> apps = new LinkedHashMap<>();
    private PipelineOutputs outputs;

    ChaosRun(Settings settings, StegoConfig base, PrintWriter out, PrintStream err) {
        this.settings = settings;
        this.base = base;
        this.out = out;
        this.progress = new Progress(err);
        this.random = new Random(settings.seed());
    }

    /** The stack a run needs: two clusters when the mirror is killed, each secured when {@code secure}. */
    static PipelineCluster.Stack stack(boolean secure, int mirrorKills) {
        if (mirrorKills > 0) {
            return secure ? PipelineCluster.Stack.SECURE_TWO_CLUSTERS : PipelineCluster.Stack.TWO_CLUSTERS;
        }
        return secure ? PipelineCluster.Stack.SECURE : PipelineCluster.Stack.ONE_CLUSTER;
    }

    int run() throws IOException {
        Path work = settings.workDir().toAbsolutePath();
        progress.message("chaos: " + settings.count() + " X-ray(s) at " + settings.size() + " px, " + settings.kills()
                + " kill(s) of each application, " + settings.embedders() + " embedder(s) and " + settings.extractors()
                + " extractor(s) on " + settings.partitions() + " partition(s), seed " + settings.seed()
                + ", work dir " + work);
        List<Path> files = prepareXrays(work.resolve("xrays"));
        ChaosSchedule schedule = ChaosSchedule.of(
                settings.kills(), settings.embedders(), settings.extractors(), settings.mirrorKills(), random);
        try (PipelineCluster cluster = PipelineCluster.open(
                base.with(Map.of(StegoConfig.TOPIC_PARTITIONS, Integer.toString(settings.partitions()))),
                false,
                false,
                work,
                "chaos",
                stack(settings.secure(), settings.mirrorKills()))) {
            StegoConfig config = cluster.config();
            progress.message("Kafka " + config.bootstrapServers()
                    + (cluster.twoClusters()
                            ? " (hospital), " + cluster.clinicConfig().bootstrapServers()
                                    + " (clinic, fed by MirrorMaker 2)"
                            : "")
                    + ", schema registry " + config.schemaRegistryUrl()
                    + (cluster.secure() ? " (secure: SASL/SCRAM over TLS, a Kafka user per application)" : ""));
            cluster.createTopics();
            cluster.publishCovers(settings.covers());
            PipelineKeys keys = PipelineKeys.under(work.resolve("keys"));
            String version = cluster.publishAndPromote(
                    config.modelPathOrDefault(), "bundled default model, published by stego chaos", keys.hospital());
            progress.message("published and promoted model " + version);
            for (String name : schedule.allInstances()) {
                String role = ChaosSchedule.roleOf(name);
                apps.put(
                        name,
                        app(
                                name,
                                role,
                                cluster.config(role.equals(EMBEDDER) ? Principal.EMBEDDER : Principal.EXTRACTOR),
                                work,
                                keys));
            }
            try (PipelineOutputs o = new PipelineOutputs(cluster, "stego-chaos-checker")) {
                outputs = o;
                List<PipelineInstance> initial =
                        schedule.initial().stream().map(apps::get).toList();
                for (PipelineInstance a : initial) {
                    start(a);
                }
                for (PipelineInstance a : initial) {
                    double s = awaitReady(a, System.nanoTime());
                    if (Double.isNaN(s)) {
                        throw new PipelineException(a.name() + " did not become ready within "
                                + settings.recoveryTimeout().toSeconds() + " s; see "
                                + a.process().logFile());
                    }
                    progress.message(
                            a.name() + " ready (pid " + a.process().pid() + ", metrics port " + a.metricsPort() + ")");
                }
                List<Kill> kills = killLoop(cluster, files, cluster.localStack().orElseThrow(), schedule);
                awaitAll(cluster);
                ExactlyOnceCheck check = ExactlyOnceCheck.of(sent, outputs.recoveredCounts(), deadLetterKeys());
                report(kills, check);
                if (cluster.twoClusters()) {
                    reportMirrorCopies(cluster);
                }
                return check.passed() ? 0 : 1;
            } finally {
                for (PipelineInstance a : apps.values()) {
                    if (a.process() != null) {
                        a.process().close();
                    }
                }
            }
        }
    }

    private final Set<String> sent = new LinkedHashSet<>();

    /**
     * Sends the X-rays in bursts; before each burst after the first, kills one instance (or the mirror) and times its
     * restart, or adds an instance and times its joining.
     */
    private List<Kill> killLoop(PipelineCluster cluster, List<Path> files, LocalStack stack, ChaosSchedule schedule)
            throws IOException {
        List<ChaosSchedule.Event> victims = schedule.events();
        int bursts = victims.size() + 1;
        List<Kill> kills = new ArrayList<>();
        int next = 0;
        for (int b = 0; b < bursts; b++) {
            int end = (int) Math.round((double) files.size() * (b + 1) / bursts);
            for (; next < end; next++) {
                sent.add(cluster.publishXray(files.get(next), null));
            }
            if (b == victims.size() / 2) {
                if (settings.registryOutage()) {
                    kills.add(outage(kills.size() + 1, "registry outage", stack::stopRegistry, stack::startRegistry));
                }
                if (settings.brokerOutage()) {
                    kills.add(outage(kills.size() + 1, "broker outage", stack::stopKafka, stack::startKafka));
                }
            }
            if (b == victims.size()) {
                break;
            }
            awaitRandomMoment();
            ChaosSchedule.Event event = victims.get(b);
            kills.add(
                    switch (event.action()) {
                        case MIRROR_KILL -> killAndRestartMirror(kills.size() + 1, stack);
                        case KILL -> killAndRestart(kills.size() + 1, apps.get(event.instance()));
                        case ADD -> add(kills.size() + 1, apps.get(event.instance()));
                    });
        }
        return kills;
    }

    /**
     * Waits for a random moment while X-rays are in flight: after a random number of the pending ones has come out,
     * or after a random delay up to {@code --max-delay}, whichever is first, so that a kill rarely finds nothing to do.
     */
    private void awaitRandomMoment() {
        long pendingNow = pending();
        int target = recoveredSent() + (pendingNow > 0 ? random.nextInt((int) pendingNow) : 0);
        long until = System.nanoTime()
                + (long) (random.nextDouble() * settings.maxDelay().toNanos());
        do {
            pollOnce();
        } while (System.nanoTime() < until && recoveredSent() < target);
    }

    /**
     * Stops a part of the stack for the configured time while reading what comes out, starts it again, and times how
     * long until both applications are ready and the next record is recovered.
     */
    private Kill outage(int number, String what, Runnable stop, Runnable start) {
        double at = (System.nanoTime() - startedNanos) / 1e9;
        int recoveredAtOutage = recoveredSent();
        progress.message(String.format(
                "%d: %s of %d s at %.1f s with %d of %d X-ray(s) recovered",
                number, what, settings.outage().toSeconds(), at, recoveredAtOutage, sent.size()));
        stop.run();
        pollFor(settings.outage());
        Instant backAt = Instant.now();
        long back = System.nanoTime();
        start.run();
        double ready = 0;
        for (PipelineInstance a : apps.values()) {
            if (a.process() != null) {
                ready = Math.max(ready, awaitReady(a, back));
            }
        }
        // the pipeline's own output: recovered records the extractor wrote once the service was back
        double nextRecord = awaitOwnOutput(EXTRACTOR, back, backAt);
        progress.message(String.format(
                "%d: %s over; applications ready %s s and next recovered record %s s after the restart",
                number, what, fmt(ready), fmt(nextRecord)));
        return new Kill(number, what, at, 0, ready, nextRecord, recoveredAtOutage);
    }

    private Kill killAndRestart(int number, PipelineInstance app) {
        double at = (System.nanoTime() - startedNanos) / 1e9;
        long pid = app.process().pid();
        app.process().kill();
        int recoveredAtKill = recoveredSent();
        progress.message(String.format(
                "kill %d: %s (pid %d) killed at %.1f s with %d of %d X-ray(s) recovered; restarting",
                number, app.name(), pid, at, recoveredAtKill, sent.size()));
        Instant restartedAt = Instant.now();
        long restarted = System.nanoTime();
        start(app);
        double ready = awaitReady(app, restarted);
        double nextRecord = awaitOwnOutput(app.role(), restarted, restartedAt);
        progress.message(String.format(
                "kill %d: %s ready after %s s, its next %s record after %s s",
                number, app.name(), fmt(ready), app.role().equals(EMBEDDER) ? "stego" : "recovered", fmt(nextRecord)));
        return new Kill(number, app.name(), at, pid, ready, nextRecord, recoveredAtKill);
    }

    /**
     * Starts an instance that has not run yet while the others work: its application's group rebalances and hands it
     * tasks. Times how long until it is ready (it is RUNNING, so the rebalance is over) and from its start to the
     * application's first record written after that.
     */
    private Kill add(int number, PipelineInstance app) {
        double at = (System.nanoTime() - startedNanos) / 1e9;
        int recoveredAtAdd = recoveredSent();
        progress.message(String.format(
                "%d: %s added at %.1f s with %d of %d X-ray(s) recovered",
                number, app.name(), at, recoveredAtAdd, sent.size()));
        long started = System.nanoTime();
        start(app);
        double ready = awaitReady(app, started);
        double nextRecord = Double.NaN;
        if (!Double.isNaN(ready)) {
            long readyNanos = started + Math.round(ready * 1e9);
            Instant readyAt = Instant.now().minusNanos(System.nanoTime() - readyNanos);
            nextRecord = ready + awaitOwnOutput(app.role(), readyNanos, readyAt);
        }
        progress.message(String.format(
                "%d: %s (pid %d) ready after %s s, the %s's next record after %s s",
                number, app.name(), app.process().pid(), fmt(ready), app.role(), fmt(nextRecord)));
        return new Kill(number, app.name() + " added", at, app.process().pid(), ready, nextRecord, recoveredAtAdd);
    }

    /**
     * Kills MirrorMaker 2 (SIGKILL) and starts it again at once; times how long until the extractor writes its next
     * recovered record, which needs the restarted mirror to copy it first.
     */
    private Kill killAndRestartMirror(int number, LocalStack stack) {
        double at = (System.nanoTime() - startedNanos) / 1e9;
        long pid = stack.mirror().orElseThrow().pid();
        int recoveredAtKill = recoveredSent();
        Instant restartedAt = Instant.now();
        long restarted = System.nanoTime();
        long newPid = stack.killAndRestartMirror().pid();
        progress.message(String.format(
                "kill %d: MirrorMaker 2 (pid %d) killed at %.1f s with %d of %d X-ray(s) recovered; restarted as pid %d",
                number, pid, at, recoveredAtKill, sent.size(), newPid));
        double nextRecord = awaitOwnOutput(EXTRACTOR, restarted, restartedAt);
        progress.message(
                String.format("kill %d: the extractor's next recovered record after %s s", number, fmt(nextRecord)));
        return new Kill(number, MIRROR, at, pid, 0, nextRecord, recoveredAtKill);
    }

    /**
     * Prints how many stego records MirrorMaker 2 copied more than once: per message id, the clinic's copies beyond
     * the records the hospital's topic holds (aborted transactions included on both sides). A killed mirror copies
     * again what it copied since its last offset commit; the clinic's recovered-id store keeps recovery once.
     */
    private void reportMirrorCopies(PipelineCluster cluster) {
        String topic = cluster.topics().stego.name();
        Map<String, Integer> hospital = recordsPerKey(cluster.config(), topic);
        Map<String, Integer> clinic = recordsPerKey(cluster.clinicConfig(), topic);
        int copiedAgain = 0;
        for (Map.Entry<String, Integer> e : clinic.entrySet()) {
            copiedAgain += Math.max(0, e.getValue() - hospital.getOrDefault(e.getKey(), 0));
        }
        int hospitalRecords =
                hospital.values().stream().mapToInt(Integer::intValue).sum();
        int clinicRecords = clinic.values().stream().mapToInt(Integer::intValue).sum();
        out.printf(
                "mirror: %d stego record(s) at the hospital, %d at the clinic, %d copied again after %d mirror kill(s)"
                        + " (offset flush interval %d s); recovered once each at the clinic: see above%n",
                hospitalRecords,
                clinicRecords,
                copiedAgain,
                settings.mirrorKills(),
                LocalMirror.OFFSET_FLUSH_INTERVAL_MS / 1000);
        out.flush();
    }

    private static Map<String, Integer> recordsPerKey(StegoConfig config, String topic) {
        Map<String, Integer> counts = new HashMap<>();
        ClusterContents.read(config, r -> {
            if (r.topic().equals(topic) && r.key() != null) {
                counts.merge(HexFormat.of().formatHex(r.key()), 1, Integer::sum);
            }
        });
        return counts;
    }

    /**
     * Seconds from the restart to the first record of {@code app}'s own output written after it (see
     * {@link #firstWrittenSince}); NaN when nothing is left for {@code app} to do or none came in time.
     */
    private double awaitOwnOutput(String app, long restartedNanos, Instant restartedAt) {
        List<PipelineOutputs.Arrival> own =
                app.equals(EMBEDDER) ? outputs.stegoArrivals() : outputs.recoveredArrivals();
        long deadline = restartedNanos + settings.recoveryTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            double s = firstWrittenSince(own, restartedAt, restartedNanos);
            if (!Double.isNaN(s)) {
                return s;
            }
            if (pendingFor(app) == 0) {
                return Double.NaN;
            }
            pollOnce();
        }
        return Double.NaN;
    }

    /**
     * Seconds from {@code restartedNanos} to the reading of the first of {@code arrivals} that its application wrote
     * at or after {@code restartedAt}: records written before the kill (by the old process, or by the other
     * application) do not count, however late they are read. NaN when there is none.
     */
    static double firstWrittenSince(List<PipelineOutputs.Arrival> arrivals, Instant restartedAt, long restartedNanos) {
        Instant since = restartedAt.truncatedTo(ChronoUnit.MILLIS);
        return arrivals.stream()
                .filter(a -> !a.writtenAt().isBefore(since))
                .mapToLong(PipelineOutputs.Arrival::readNanos)
                .min()
                .stream()
                .mapToDouble(read -> Math.max(0, read - restartedNanos) / 1e9)
                .findFirst()
                .orElse(Double.NaN);
    }

    /** Waits for every sent X-ray, then a little longer so that a late duplicate would be seen. */
    private void awaitAll(PipelineCluster cluster) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (pending() > 0 && System.nanoTime() < deadline) {
            progress.update("recovering X-rays", sent.size() - pending(), sent.size(), "");
            pollOnce();
        }
        pollFor(SETTLE);
        progress.update("recovering X-rays", sent.size() - pending(), sent.size(), "");
    }

    private void report(List<Kill> kills, ExactlyOnceCheck check) {
        out.println();
        out.println(
                "| kill | application | at s | pid | ready after s | own next record after s | recovered at kill |");
        out.println("|---:|---|---:|---:|---:|---:|---:|");
        for (Kill k : kills) {
            out.println(row(k, sent.size()));
        }
        out.println();
        out.println(
                "| what | times | ready after s (min / median / max) | own next record after s (min / median / max) |");
        out.println("|---|---:|---|---|");
        for (String name :
                kills.stream().map(ChaosRun::group).distinct().sorted().toList()) {
            List<Kill> mine = kills.stream().filter(k -> group(k).equals(name)).toList();
            out.printf(
                    "| %s | %d | %s | %s |%n",
                    name,
                    mine.size(),
                    spread(mine.stream().mapToDouble(Kill::readyS).toArray()),
                    spread(mine.stream().mapToDouble(Kill::nextRecordS).toArray()));
        }
        out.println();
        out.printf(
                "%s: %s (%.0f s in all, seed %d; %d embedder(s), %d extractor(s), %d partition(s), %d standby"
                        + " replica(s))%n",
                check.passed() ? "PASSED" : "FAILED",
                check.summary(),
                (System.nanoTime() - startedNanos) / 1e9,
                settings.seed(),
                settings.embedders(),
                settings.extractors(),
                settings.partitions(),
                settings.standbyReplicas());
        out.flush();
    }

    /**
     * The summary line a kill belongs to: the application for a kill of any of its instances ({@code embedder} for
     * {@code embedder-2}), {@code embedder added} for an added instance, the outage or the mirror otherwise.
     */
    static String group(Kill k) {
        String app = k.app();
        if (app.endsWith(" added")) {
            return ChaosSchedule.roleOf(app.substring(0, app.length() - " added".length())) + " added";
        }
        return app.startsWith(EMBEDDER) || app.startsWith(EXTRACTOR) ? ChaosSchedule.roleOf(app) : app;
    }

    /** One line of the kill table; the recovered count is the one the kill's progress line gave, of {@code sent}. */
    static String row(Kill k, int sent) {
        return String.format(
                Locale.ROOT,
                "| %d | %s | %.1f | %s | %s | %s | %d of %d |",
                k.number(),
                k.app(),
                k.atS(),
                k.pid() == 0 ? "-" : Long.toString(k.pid()),
                fmt(k.readyS()),
                fmt(k.nextRecordS()),
                k.recoveredAtKill(),
                sent);
    }

    /** {@code min / median / max} of the finite values, or {@code -}. */
    static String spread(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return "-";
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return fmt(v[0]) + " / " + fmt(median) + " / " + fmt(v[v.length - 1]);
    }

    static String fmt(double seconds) {
        return Double.isFinite(seconds) ? String.format("%.1f", seconds) : "-";
    }

    private List<String> deadLetterKeys() {
        return outputs.deadLetters().stream().map(ChaosRun::describe).toList();
    }

    private static String describe(DeadLetterEvent d) {
        String key = PipelineOutputs.originalKey(d);
        return (key == null ? "(no key)" : key) + " (" + d.getApplication() + ", " + d.getErrorType() + ": "
                + d.getReason() + ")";
    }

    /** Sent X-rays that have been recovered (each counted once, whatever the number of its records). */
    private int recoveredSent() {
        return (int) sent.stream().filter(outputs.recovered()::containsKey).count();
    }

    /** Sent X-rays not recovered yet. */
    private long pending() {
        return sent.size() - recoveredSent();
    }

    /** Sent X-rays still waiting for {@code app}: not embedded yet for the embedder, not recovered for the extractor. */
    private long pendingFor(String app) {
        if (app.equals(EMBEDDER)) {
            return sent.stream().filter(id -> !outputs.stego().containsKey(id)).count();
        }
        return pending();
    }

    private void pollFor(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        do {
            pollOnce();
        } while (System.nanoTime() < until);
    }

    /** Reads what came out and checks that no application died on its own. */
    private void pollOnce() {
        for (PipelineInstance a : apps.values()) {
            if (a.process() != null && !a.process().isAlive()) {
                throw new PipelineException(a.name() + " exited with code "
                        + a.process().exitCode() + " without being" + " killed"
                        + a.process().lastError() + "; see " + a.process().logFile());
            }
        }
        outputs.poll(POLL);
    }

    /** Seconds from {@code sinceNanos} until the app's readiness endpoint answers 200, polling outputs meanwhile. */
    private double awaitReady(PipelineInstance app, long sinceNanos) {
        long deadline = sinceNanos + settings.recoveryTimeout().toNanos();
        long lastProbe = 0;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() - lastProbe > 100_000_000L) {
                lastProbe = System.nanoTime();
                if (app.ready()) {
                    return (System.nanoTime() - sinceNanos) / 1e9;
                }
            }
            pollOnce();
        }
        return Double.NaN;
    }

    private void start(PipelineInstance app) {
        app.start(settings.home(), 0);
    }

    /**
     * The application's own folder {@code apps/<name>} and properties file (see {@link PipelineInstance#write}), with
     * its instance id and the standby replicas of its tasks.
     */
    private PipelineInstance app(String name, String role, StegoConfig config, Path work, PipelineKeys keys)
            throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(StegoConfig.INSTANCE_ID, "chaos-" + name);
        if (settings.standbyReplicas() > 0) {
            // a warm copy of each task's stores on another instance: a task moved after a kill resumes from it
            extra.put(StegoConfig.KAFKA_PREFIX + "num.standby.replicas", Integer.toString(settings.standbyReplicas()));
        }
        return PipelineInstance.write(
                name, role, work.resolve("apps").resolve(name), config, keys, extra, "stego chaos: " + name);
    }

    /** The first {@code count} X-rays of the folder, centre-cropped to squares of {@code size} px, as PNG files. */
    private List<Path> prepareXrays(Path dir) throws IOException {
        List<Path> sources = Evaluation.imageFiles(settings.xrays(), n -> true);
        if (sources.size() < settings.count()) {
            throw new PipelineException(settings.xrays() + " holds " + sources.size() + " image(s), fewer than --count "
                    + settings.count());
        }
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path source : sources) {
            if (files.size() == settings.count()) {
                break;
            }
            byte[] png = Png.encode(Images.squareAt(Images.read(source), settings.size())
                    .withChannels(1)
                    .quantize8()
                    .toBufferedImage());
            // equal content means an equal message id: keep one of each so that every id is sent once
            if (!seen.add(sha256(png))) {
                continue;
            }
            Path file = dir.resolve(String.format("xray-%04d.png", files.size()));
            Files.write(file, png);
            files.add(file);
        }
        if (files.size() < settings.count()) {
            throw new PipelineException(settings.xrays() + " holds only " + files.size() + " distinct image(s) at "
                    + settings.size() + " px, fewer than --count " + settings.count());
        }
        return files;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
