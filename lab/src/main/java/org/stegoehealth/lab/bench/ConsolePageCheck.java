package org.stegoehealth.lab.bench;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.MonitoringServer;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.web.console.PipelineDesk;

/**
 * The hospital console's pipeline page on a benchmark's own run: this process's {@code /metrics} served as
 * {@code stego embedder} serves them, read through the page's code ({@link PipelineDesk}, one row per application)
 * every 2 s as the page refreshes, and its figures set beside the benchmark's.
 *
 * <ul>
 *   <li><b>Images</b>: each row's images processed grows by exactly the X-rays the measurement sent (warm-up, burst and
 *       steady phase), read on the last page refresh before the measurement and the first after it.</li>
 *   <li><b>Throughput</b>: the extractor row's throughput on the refreshes that fall inside the burst's steady window
 *       (from its first recovered X-ray to its last), averaged over the time each covers, against the benchmark's
 *       pipeline images per second; they agree within {@link #THROUGHPUT_TOLERANCE}.</li>
 *   <li><b>Latency</b>: the rows' batch p50 and p99 at the end, printed beside the benchmark's end-to-end p50 and
 *       p99: one batch per stage is part of each X-ray's way, so the stages' sum stays below the end-to-end figure.</li>
 * </ul>
 */
final class ConsolePageCheck implements AutoCloseable {

    /** How far the page's burst throughput may be from the benchmark's, relative to the benchmark's. */
    static final double THROUGHPUT_TOLERANCE = 0.2;

    static final Duration REFRESH = Duration.ofSeconds(2);

    /** One page refresh: when ({@link System#nanoTime()}, after the read) and the two rows. */
    record Refresh(long nanos, PipelineDesk.AppRow embedder, PipelineDesk.AppRow extractor) {}

    /** The comparison of one measurement; {@link #agrees()} when the images and the throughput agree. */
    record Comparison(
            int size,
            long sent,
            long embedderImages,
            long extractorImages,
            int refreshesInBurst,
            double burstSeconds,
            double pageImagesPerS,
            double benchImagesPerS,
            String embedderP50,
            String embedderP99,
            String extractorP50,
            String extractorP99,
            double benchP50Ms,
            double benchP99Ms) {

        boolean imagesAgree() {
            return embedderImages == sent && extractorImages == sent;
        }

        boolean throughputAgrees() {
            return refreshesInBurst >= 1
                    && Math.abs(pageImagesPerS - benchImagesPerS) <= THROUGHPUT_TOLERANCE * benchImagesPerS;
        }

        boolean agrees() {
            return imagesAgree() && throughputAgrees();
        }

        String describe() {
            String throughput = refreshesInBurst == 0
                    ? "no page refresh fell inside the burst's steady window: use more --images"
                    : String.format(
                            Locale.ROOT,
                            "extractor %.2f /s on %d refresh(es) over %.1f s of the burst, the benchmark's %.2f /s:"
                                    + " %+.0f %%, %s",
                            pageImagesPerS,
                            refreshesInBurst,
                            burstSeconds,
                            benchImagesPerS,
                            100 * (pageImagesPerS - benchImagesPerS) / benchImagesPerS,
                            throughputAgrees() ? "agree" : "DIFFER");
            return String.format(
                    Locale.ROOT,
                    "%d px, console pipeline page: images embedder %d, extractor %d of %d sent: %s; throughput %s;"
                            + " batch p50/p99 embedder %s / %s, extractor %s / %s, end to end %.0f / %.0f ms",
                    size,
                    embedderImages,
                    extractorImages,
                    sent,
                    imagesAgree() ? "agree" : "DIFFER",
                    throughput,
                    embedderP50,
                    embedderP99,
                    extractorP50,
                    extractorP99,
                    benchP50Ms,
                    benchP99Ms);
        }
    }

    private final MonitoringServer monitoring;
    private final PipelineDesk desk;
    private final ScheduledExecutorService refresher;
    private final List<Refresh> refreshes = new ArrayList<>();
    private volatile RuntimeException failure;

    private ConsolePageCheck(MonitoringServer monitoring, PipelineDesk desk) {
        this.monitoring = monitoring;
        this.desk = desk;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-page");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleAtFixedRate(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Serves this process's {@code /metrics} and {@code /health} on a free port and reads them as the console does
     * with {@code console.applications=embedder=...?application=EMBEDDER_ID,extractor=...?application=EXTRACTOR_ID}.
     */
    static ConsolePageCheck start(StegoConfig config, InProcessPipeline pipeline, String modelVersion) {
        MonitoringServer monitoring = MonitoringServer.start(
                0,
                config.embedderApplicationId(),
                () -> pipeline.embedder().state(),
                () -> pipeline.embedder().failed(),
                () -> null,
                List.of());
        monitoring.bind(modelVersion, List.of());
        String at = "http://127.0.0.1:" + monitoring.port();
        List<PipelineDesk.App> apps = List.of(
                new PipelineDesk.App("embedder", URI.create(at), config.embedderApplicationId()),
                new PipelineDesk.App("extractor", URI.create(at), config.extractorApplicationId()));
        ConsolePageCheck check =
                new ConsolePageCheck(monitoring, new PipelineDesk(apps, List.of(), Set.of(), Clock.systemUTC()));
        try {
            // the page's first reading, before anything is measured
            check.firstAfter(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            check.close();
            throw new IllegalStateException("interrupted before the pipeline page was first read", e);
        } catch (RuntimeException e) {
            check.close();
            throw e;
        }
        return check;
    }

    private void refresh() {
        try {
            List<PipelineDesk.AppRow> rows = desk.snapshot().apps();
            synchronized (refreshes) {
                refreshes.add(new Refresh(System.nanoTime(), rows.get(0), rows.get(1)));
                refreshes.notifyAll();
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** The latest refresh read at or before {@code nanos}. */
    Refresh lastBefore(long nanos) {
        synchronized (refreshes) {
            Refresh found = null;
            for (Refresh r : refreshes) {
                if (r.nanos() <= nanos) {
                    found = r;
                }
            }
            if (found == null) {
                throw new IllegalStateException("the pipeline page has not been read yet");
            }
            return found;
        }
    }

    /** The first refresh read after {@code nanos}, waiting for it (at most two refreshes). */
    Refresh firstAfter(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + 2 * REFRESH.toNanos() + 1_000_000_000L;
        synchronized (refreshes) {
            while (true) {
                if (failure != null) {
                    throw new IllegalStateException("cannot read the pipeline page: " + failure.getMessage(), failure);
                }
                for (Refresh r : refreshes) {
                    if (r.nanos() > nanos) {
                        return r;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(
                            "the pipeline page was not read again within " + (2 * REFRESH.toSeconds() + 1) + " s");
                }
                refreshes.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /**
     * Compares the page with one measurement.
     *
     * @param before {@link System#nanoTime()} before the measurement started
     * @param after  {@link System#nanoTime()} after it ended
     */
    Comparison compare(PipelineBenchmark.Result result, long before, long after) throws InterruptedException {
        Refresh start = lastBefore(before);
        Refresh end = firstAfter(after);
        long sent = result.batch() + 2L * result.images();
        double weighted = 0;
        double seconds = 0;
        int inside = 0;
        List<Refresh> all;
        synchronized (refreshes) {
            all = List.copyOf(refreshes);
        }
        for (int i = 1; i < all.size(); i++) {
            Refresh previous = all.get(i - 1);
            Refresh r = all.get(i);
            if (previous.nanos() >= result.burstFirstNanos() && r.nanos() <= result.burstLastNanos()) {
                double dt = (r.nanos() - previous.nanos()) / 1e9;
                weighted += rate(r.extractor().throughput()) * dt;
                seconds += dt;
                inside++;
            }
        }
        return new Comparison(
                result.size(),
                sent,
                count(end.embedder()) - count(start.embedder()),
                count(end.extractor()) - count(start.extractor()),
                inside,
                seconds,
                inside == 0 ? Double.NaN : weighted / seconds,
                result.pipelineImagesPerS(),
                end.embedder().p50(),
                end.embedder().p99(),
                end.extractor().p50(),
                end.extractor().p99(),
                result.latencyP50Ms(),
                result.latencyP99Ms());
    }

    private static long count(PipelineDesk.AppRow row) {
        return row.processed().equals("-") ? 0 : Long.parseLong(row.processed());
    }

    /** A throughput as the page shows it ({@code 12.5 /s}; {@code -} before the second read). */
    private static double rate(String shown) {
        return shown.equals("-") ? Double.NaN : Double.parseDouble(shown.substring(0, shown.indexOf(' ')));
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        monitoring.close();
    }
}
