package org.stegoehealth.lab.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.stack.LocalStack;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineInstance;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * Throughput and latency of the pipeline run as several instances of each application, one configuration after the
 * other on the same local stack, each on topics of its own with the same partition count: N embedder and N extractor
 * JVMs ({@link BenchInstances}) with the model's native compute threads of each limited to T. Per configuration:
 * a warm-up, one burst for throughput ({@link PipelineBenchmark#burstRate}), split over the instances by the images
 * each one's model processed in the burst ({@code stego_images_processed_total}), and the latency at half of it.
 * With {@code rebalance}, the last configuration then measures the pause an embedder joining, and then the same one
 * leaving, causes while X-rays flow at half capacity ({@link PipelineBenchmark#pauseAround}).
 */
final class ScaleOutBenchmark {

    /** N instances of each application with T compute threads each. */
    record Setup(int instances, int computeThreads) {}

    /**
     * One configuration's figures.
     *
     * @param perInstance images per second of each instance ({@code embedder-1}...), its share of the burst times the
     *                    total rate
     * @param join        the pause an embedder joining caused (null: not measured)
     * @param leave       the pause the same embedder leaving caused (null: not measured)
     */
    record Result(
            Setup setup,
            int partitions,
            int size,
            int images,
            double imagesPerS,
            Map<String, Double> perInstance,
            double latencyP50Ms,
            double latencyP99Ms,
            PipelineBenchmark.Pause join,
            PipelineBenchmark.Pause leave) {

        /** The documented JSON row. */
        Map<String, Object> toJson(Result baseline) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("instances", setup.instances());
            row.put("compute_threads", setup.computeThreads());
            row.put("partitions", partitions);
            row.put("size", size);
            row.put("images", images);
            row.put("pipeline_images_per_s", imagesPerS);
            row.put("vs_first", imagesPerS / baseline.imagesPerS());
            row.put("per_instance_images_per_s", perInstance);
            row.put("latency_p50_ms", latencyP50Ms);
            row.put("latency_p99_ms", latencyP99Ms);
            if (join != null) {
                row.put("join", pauseJson(join));
                row.put("leave", pauseJson(leave));
            }
            return row;
        }

        private static Map<String, Object> pauseJson(PipelineBenchmark.Pause p) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steady_longest_gap_s", p.steadyGapS());
            m.put("pause_s", p.pauseS());
            m.put("event_s", p.eventS());
            m.put("max_latency_s", p.maxLatencyS());
            m.put("xrays_sent_from_event", p.sentFromEvent());
            return m;
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration BEFORE_EVENT = Duration.ofSeconds(15);
    // longer than session.timeout.ms (10 s): a member that stopped without leaving is noticed within it
    private static final Duration AFTER_EVENT = Duration.ofSeconds(20);

    private final LocalStack stack;
    private final StegoConfig base;
    private final StegoModel model;
    private final Path modelDir;
    private final Path home;
    private final Path covers;
    private final Path work;
    private final Duration timeout;
    private final Progress progress;
    private int run;

    ScaleOutBenchmark(
            LocalStack stack,
            StegoConfig base,
            StegoModel model,
            Path modelDir,
            Path home,
            Path covers,
            Path work,
            Duration timeout,
            Progress progress) {
        this.stack = stack;
        this.base = base;
        this.model = model;
        this.modelDir = modelDir;
        this.home = home;
        this.covers = covers;
        this.work = work;
        this.timeout = timeout;
        this.progress = progress;
    }

    /** Runs one configuration on {@code partitions} partitions at {@code size} px. */
    Result measure(Setup setup, int partitions, int size, int images, boolean rebalance) throws IOException {
        String name = String.format("scale-%d-n%d-t%d", ++run, setup.instances(), setup.computeThreads());
        progress.message(String.format(
                "%d embedder(s) and %d extractor(s), %d compute thread(s) each, %d partition(s)",
                setup.instances(), setup.instances(), setup.computeThreads(), partitions));
        Path dir = work.resolve(name);
        StegoConfig config = base.with(Map.of(StegoConfig.TOPIC_PARTITIONS, Integer.toString(partitions)));
        try (PipelineCluster cluster = PipelineCluster.on(stack, config, dir, name)) {
            cluster.createTopics();
            cluster.publishCovers(covers);
            PipelineKeys keys = PipelineKeys.under(dir.resolve("keys"));
            cluster.publishAndPromote(modelDir, "published by stego bench pipeline", keys.hospital());
            try (BenchInstances apps = new BenchInstances(
                            cluster.config(), keys, dir.resolve("apps"), home, setup.computeThreads());
                    PipelineOutputs outputs = new PipelineOutputs(cluster, name + "-reader")) {
                for (int i = 0; i < setup.instances(); i++) {
                    apps.start(BenchInstances.EMBEDDER);
                    apps.start(BenchInstances.EXTRACTOR);
                }
                apps.awaitReady(READY_TIMEOUT);
                PipelineBenchmark bench = new PipelineBenchmark(
                        cluster,
                        model,
                        apps::checkHealthy,
                        outputs,
                        Evaluation.imageFiles(home.resolve("samples").resolve("xray"), n -> true),
                        Evaluation.imageFiles(covers, n -> true),
                        dir.resolve("images"),
                        timeout,
                        progress);
                int batch = cluster.config().batchSettings().batchSizeFor(size, size);
                // every task fills a batch or two, so each instance's model has run before the burst
                bench.warmUp(size, Math.max(2 * batch, 2 * partitions));
                List<PipelineInstance> instances = apps.running();
                double[] before = processed(apps, instances);
                double rate = bench.burstRate(size, images);
                double[] after = processed(apps, instances);
                Map<String, Double> perInstance = perInstance(instances, before, after, rate);
                double[] latencies = bench.steadyLatencies(size, images, rate / 2);
                PipelineBenchmark.Pause join = null;
                PipelineBenchmark.Pause leave = null;
                if (rebalance) {
                    PipelineInstance[] added = new PipelineInstance[1];
                    progress.message("rebalance: an embedder joins while X-rays flow at half capacity");
                    join = bench.pauseAround(
                            size,
                            rate / 2,
                            BEFORE_EVENT,
                            new PipelineBenchmark.Event() {
                                @Override
                                public void start() {
                                    try {
                                        added[0] = apps.start(BenchInstances.EMBEDDER);
                                    } catch (IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    }
                                }

                                @Override
                                public boolean done() {
                                    return added[0].ready();
                                }
                            },
                            AFTER_EVENT);
                    progress.message("rebalance: the same embedder leaves (SIGTERM) while X-rays flow");
                    CompletableFuture<?>[] stopping = new CompletableFuture<?>[1];
                    leave = bench.pauseAround(
                            size,
                            rate / 2,
                            BEFORE_EVENT,
                            new PipelineBenchmark.Event() {
                                @Override
                                public void start() {
                                    stopping[0] = CompletableFuture.runAsync(() -> apps.stop(added[0]));
                                }

                                @Override
                                public boolean done() {
                                    return stopping[0].isDone();
                                }
                            },
                            AFTER_EVENT);
                }
                return new Result(
                        setup,
                        partitions,
                        size,
                        images,
                        rate,
                        perInstance,
                        PipelineBenchmark.percentile(latencies, 50),
                        PipelineBenchmark.percentile(latencies, 99),
                        join,
                        leave);
            }
        }
    }

    private static double[] processed(BenchInstances apps, List<PipelineInstance> instances) {
        double[] counts = new double[instances.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = apps.imagesProcessed(instances.get(i));
        }
        return counts;
    }

    /**
     * Each instance's images per second: its share of the images its application processed between {@code before}
     * and {@code after}, times the pipeline's {@code rate}.
     */
    static Map<String, Double> perInstance(
            List<PipelineInstance> instances, double[] before, double[] after, double rate) {
        Map<String, Double> total = new LinkedHashMap<>();
        for (int i = 0; i < instances.size(); i++) {
            total.merge(instances.get(i).role(), after[i] - before[i], Double::sum);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < instances.size(); i++) {
            PipelineInstance instance = instances.get(i);
            double all = total.get(instance.role());
            out.put(instance.name(), all > 0 ? rate * (after[i] - before[i]) / all : 0.0);
        }
        return out;
    }

    /** The setups of {@code --instances} and {@code --compute-threads} (one count for all, or one per setup). */
    static List<Setup> setups(List<Integer> instances, List<Integer> computeThreads, int cores) {
        if (computeThreads != null && computeThreads.size() != 1 && computeThreads.size() != instances.size()) {
            throw new IllegalArgumentException("--compute-threads takes one count, or one per --instances count ("
                    + instances.size() + "), not " + computeThreads.size());
        }
        List<Setup> setups = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            int n = instances.get(i);
            int threads = computeThreads == null
                    ? Math.max(1, cores / n)
                    : computeThreads.get(computeThreads.size() == 1 ? 0 : i);
            setups.add(new Setup(n, threads));
        }
        return setups;
    }
}
