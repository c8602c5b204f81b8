package org.stegoehealth.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.XraysOption;
import org.stegoehealth.stack.LocalStack;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.LocalStackOptions;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOptions;
import org.stegoehealth.stack.pipeline.PipelineOutputs;
import org.stegoehealth.stack.pipeline.WorkDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code stego bench pipeline}: end-to-end throughput and latency against the raw model, per image size. */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = {
            "Measure end-to-end throughput through Kafka and both Kafka Streams applications (a local broker and registry, or --bootstrap-servers and --schema-registry-url) next to the raw model throughput on the same images and batch sizes in the same run, and the end-to-end latency (p50/p99) at half the measured capacity.",
            "Also reports the bytes per stego event with the image as PNG and as JPEG (stego.jpeg.quality), and their ratio: the records of the run, sent in stego.format, with the image in each format as the embedder encodes it.",
            "With --console-page, also reads this run's /metrics as the hospital console's pipeline page reads them (every 2 s, one row per application) and sets the page's figures beside the benchmark's: the images each application processed against the X-rays sent, and the extractor's throughput during the burst against the pipeline's images per second (within 20 %); it exits with 1 when they differ.",
            "With --instances, runs each application as that many JVMs instead (one configuration after the other, each with --compute-threads native compute threads per instance, on --partitions partitions) and reports the total and per-instance throughput, the latency, and each configuration's throughput against the first one's; --rebalance also measures the pause an embedder joining and leaving causes.",
            "See PipelineBenchmark and ScaleOutBenchmark for how each figure is taken."
        })
public final class PipelineBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalStackOptions common;

    @Mixin
    PipelineOptions options;

    @Option(
            names = "--sizes",
            paramLabel = "PX",
            split = ",",
            defaultValue = "256,512",
            description = "Image sides (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(
            names = "--images",
            paramLabel = "N",
            defaultValue = "32",
            description = "X-rays per measurement (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as a JSON list to this file.")
    Path json;

    @Option(
            names = "--head-of-line",
            paramLabel = "SIDE",
            description = "Instead of throughput: publish a SIDE px 16-bit X-ray (a sample upscaled), then a --sizes px"
                    + " X-ray --gap-ms later, and report each one's end-to-end latency and this process's peak"
                    + " resident memory (embedder and extractor run in it).")
    Integer headOfLine;

    @Option(
            names = "--gap-ms",
            paramLabel = "MS",
            defaultValue = "2000",
            description = "With --head-of-line: the wait between the two X-rays (default: ${DEFAULT-VALUE}).")
    long gapMs;

    @Mixin
    XraysOption xrays;

    @Option(
            names = "--console-page",
            description = "Also read this run's /metrics as the hospital console's pipeline page reads them, every 2 s,"
                    + " and compare the page's figures with the benchmark's; exit with 1 when they differ.")
    boolean consolePage;

    @Option(
            names = "--instances",
            paramLabel = "N",
            split = ",",
            description = "Run each application as N instances, one JVM each; a list (1,2) runs one configuration"
                    + " after the other in the same run, the first being the baseline.")
    List<Integer> instances;

    @Option(
            names = "--compute-threads",
            paramLabel = "T",
            split = ",",
            description = "With --instances: native compute threads of each instance's model, one count for every"
                    + " configuration or one per --instances count (default: the cores divided by the instances).")
    List<Integer> computeThreads;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            description = "With --instances: partitions of every topic (default: topic.partitions, raised to the"
                    + " largest instance count).")
    Integer partitions;

    @Option(
            names = "--rebalance",
            description = "With --instances: after the last configuration's throughput, measure the pause an embedder"
                    + " joining, and then leaving, causes while X-rays flow at half capacity.")
    boolean rebalance;

    @Override
    public Integer call() throws Exception {
        if (images < 2) {
            throw new ParameterException(spec.commandLine(), "--images must be at least 2");
        }
        if (consolePage && headOfLine != null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--console-page compares the throughput run; it does not go with --head-of-line");
        }
        for (int size : sizes) {
            if (size < 8) {
                throw new ParameterException(spec.commandLine(), "--sizes must be at least 8 px, was " + size);
            }
        }
        validateInstances();
        Path home = PipelineCluster.home();
        StegoConfig base = options.config(common);
        Path modelDir = base.modelPathOrDefault();
        StegoModel stego = ModelArtifact.load(modelDir).toModel().tiled(base.tiling());
        Progress progress = new Progress(System.err);
        if (instances != null) {
            return scaleOut(base, stego, modelDir, home, progress);
        }
        List<PipelineBenchmark.Result> results = new ArrayList<>();
        List<ConsolePageCheck.Comparison> comparisons = new ArrayList<>();
        Path covers = home.resolve("samples").resolve("covers");
        try (WorkDir held = options.claimWorkDir("bench-pipeline");
                PipelineCluster cluster = PipelineCluster.open(spec, base, held.path(), "bench")) {
            Path work = held.path();
            StegoConfig config = cluster.config();
            cluster.createTopics();
            cluster.publishCovers(covers);
            try (InProcessPipeline pipeline = InProcessPipeline.start(
                            config,
                            cluster.topics(),
                            stego,
                            PipelineKeys.under(work.resolve("keys")),
                            InProcessPipeline.START_TIMEOUT);
                    PipelineOutputs outputs =
                            new PipelineOutputs(config, cluster.topics(), config.embedderApplicationId() + "-reader")) {
                PipelineBenchmark bench = new PipelineBenchmark(
                        cluster,
                        stego,
                        pipeline::checkHealthy,
                        outputs,
                        Evaluation.imageFiles(home.resolve("samples").resolve("xray"), n -> true),
                        Evaluation.imageFiles(covers, n -> true),
                        work.resolve("images"),
                        options.timeout(),
                        progress);
                if (headOfLine != null) {
                    Path source = Evaluation.imageFiles(
                                    xrays.xrays(home.resolve("samples").resolve("xray")), n -> true)
                            .get(0);
                    Path large = FullSizeXrays.write(source, headOfLine, work.resolve("images"));
                    PipelineBenchmark.HeadOfLine r = bench.headOfLine(large, sizes.get(0), Duration.ofMillis(gapMs));
                    PrintWriter out = spec.commandLine().getOut();
                    out.printf(
                            "model %s, %d threads, heap max %d MB%n",
                            stego.version(),
                            Runtime.getRuntime().availableProcessors(),
                            Runtime.getRuntime().maxMemory() >> 20);
                    out.printf(
                            "%s (%dx%d, 16-bit) recovered %.1f s after its send; the %d px X-ray sent %d ms after it:"
                                    + " %.1f s after its own send; peak RSS of embedder + extractor %.0f MB%n",
                            r.largeFile(),
                            r.largeWidth(),
                            r.largeHeight(),
                            r.largeLatencyMs() / 1000,
                            r.smallSide(),
                            r.gapMs(),
                            r.smallLatencyMs() / 1000,
                            r.peakRssMb());
                    if (json != null) {
                        new ObjectMapper()
                                .enable(SerializationFeature.INDENT_OUTPUT)
                                .writeValue(json.toFile(), r.toJson());
                        out.println("JSON written to " + json);
                    }
                    out.flush();
                    return 0;
                }
                ConsolePageCheck page = consolePage ? ConsolePageCheck.start(config, pipeline, stego.version()) : null;
                try {
                    for (int size : sizes) {
                        long before = System.nanoTime();
                        PipelineBenchmark.Result r = bench.measure(size, images);
                        results.add(r);
                        if (page != null) {
                            comparisons.add(page.compare(r, before, System.nanoTime()));
                        }
                    }
                } finally {
                    if (page != null) {
                        page.close();
                    }
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "model %s, %d X-rays per measurement, %d threads%n",
                stego.version(), images, Runtime.getRuntime().availableProcessors());
        out.printf(
                "%5s %5s %16s %16s %7s %12s %12s %12s %12s %9s%n",
                "size",
                "batch",
                "pipeline img/s",
                "model img/s",
                "ratio",
                "p50 latency",
                "p99 latency",
                "png B/event",
                "jpeg B/event",
                "jpeg/png");
        for (PipelineBenchmark.Result r : results) {
            out.printf(
                    "%5d %5d %16.2f %16.2f %6.0f%% %9.0f ms %9.0f ms %12.0f %12.0f %8.1f%%%n",
                    r.size(),
                    r.batch(),
                    r.pipelineImagesPerS(),
                    r.modelImagesPerS(),
                    100 * r.ratio(),
                    r.latencyP50Ms(),
                    r.latencyP99Ms(),
                    r.pngEventBytes(),
                    r.jpegEventBytes(),
                    100 * r.bytesRatio());
        }
        out.printf(
                "stego events sent as %s; B/event: the records as they crossed, with the image in each format as"
                        + " the embedder encodes it (jpeg at stego.jpeg.quality)%n",
                base.stegoFormat().describe());
        if (json != null) {
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(
                            json.toFile(),
                            results.stream()
                                    .map(PipelineBenchmark.Result::toJson)
                                    .toList());
            out.println("JSON written to " + json);
        }
        comparisons.forEach(c -> out.println(c.describe()));
        out.flush();
        return comparisons.stream().allMatch(ConsolePageCheck.Comparison::agrees) ? 0 : 1;
    }

    /** Refuses instance options that cannot make a run, before anything starts. */
    void validateInstances() {
        if (instances == null) {
            if (computeThreads != null || partitions != null || rebalance) {
                throw new ParameterException(
                        spec.commandLine(), "--compute-threads, --partitions and --rebalance need --instances");
            }
            return;
        }
        if (headOfLine != null) {
            throw new ParameterException(spec.commandLine(), "--head-of-line runs one instance: leave out --instances");
        }
        if (consolePage) {
            throw new ParameterException(spec.commandLine(), "--console-page runs one instance: leave out --instances");
        }
        ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed.hasMatchedOption("--bootstrap-servers") || parsed.hasMatchedOption("--schema-registry-url")) {
            throw new ParameterException(
                    spec.commandLine(), "--instances starts its own local stack; do not give a cluster");
        }
        for (int n : instances) {
            if (n < 1) {
                throw new ParameterException(spec.commandLine(), "--instances must be at least 1, was " + n);
            }
        }
        if (computeThreads != null) {
            for (int t : computeThreads) {
                if (t < 1) {
                    throw new ParameterException(spec.commandLine(), "--compute-threads must be at least 1, was " + t);
                }
            }
        }
        int most = instances.stream().mapToInt(Integer::intValue).max().orElse(1);
        if (partitions != null && partitions < most + (rebalance ? 1 : 0)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--partitions " + partitions + " is fewer than the " + (most + (rebalance ? 1 : 0))
                            + " instances of one application"
                            + (rebalance ? " (with the one --rebalance adds)" : "")
                            + ": an instance without a partition has no task");
        }
        try {
            ScaleOutBenchmark.setups(instances, computeThreads, 1);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code --partitions}, else {@code topic.partitions} raised to the largest instance count (plus one joining). */
    int partitions(StegoConfig config) {
        if (partitions != null) {
            return partitions;
        }
        int most = instances.stream().mapToInt(Integer::intValue).max().orElse(1) + (rebalance ? 1 : 0);
        return Math.max(config.topicPartitions(), most);
    }

    private int scaleOut(StegoConfig base, StegoModel stego, Path modelDir, Path home, Progress progress)
            throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        List<ScaleOutBenchmark.Setup> setups = ScaleOutBenchmark.setups(instances, computeThreads, cores);
        int p = partitions(base);
        List<ScaleOutBenchmark.Result> results = new ArrayList<>();
        try (WorkDir held = options.claimWorkDir("bench-pipeline");
                LocalStack stack = LocalStack.start(held.path().resolve("stack"))) {
            ScaleOutBenchmark bench = new ScaleOutBenchmark(
                    stack,
                    base,
                    stego,
                    modelDir,
                    home,
                    home.resolve("samples").resolve("covers"),
                    held.path(),
                    options.timeout(),
                    progress);
            for (int size : sizes) {
                for (int i = 0; i < setups.size(); i++) {
                    results.add(bench.measure(setups.get(i), p, size, images, rebalance && i == setups.size() - 1));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "model %s, %d X-rays per measurement, %d cores, %d partition(s)%n", stego.version(), images, cores, p);
        out.printf(
                "%5s %9s %8s %16s %9s %12s %12s  %s%n",
                "size",
                "instances",
                "threads",
                "pipeline img/s",
                "vs first",
                "p50 latency",
                "p99 latency",
                "per instance img/s");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ScaleOutBenchmark.Result r : results) {
            ScaleOutBenchmark.Result first = results.stream()
                    .filter(b -> b.size() == r.size())
                    .findFirst()
                    .orElseThrow();
            out.printf(
                    "%5d %9d %8d %16.2f %8.0f%% %9.0f ms %9.0f ms  %s%n",
                    r.size(),
                    r.setup().instances(),
                    r.setup().computeThreads(),
                    r.imagesPerS(),
                    100 * r.imagesPerS() / first.imagesPerS(),
                    r.latencyP50Ms(),
                    r.latencyP99Ms(),
                    describe(r.perInstance()));
            rows.add(r.toJson(first));
            if (r.join() != null) {
                out.printf(
                        "rebalance at %d px, %d instance(s) + 1 embedder: %s; %s%n",
                        r.size(), r.setup().instances(), describe("joining", r.join()), describe("leaving", r.leave()));
            }
        }
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), rows);
            out.println("JSON written to " + json);
        }
        out.flush();
        return 0;
    }

    static String describe(Map<String, Double> perInstance) {
        StringBuilder sb = new StringBuilder();
        perInstance.forEach((name, rate) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%s %.2f", name, rate));
        });
        return sb.toString();
    }

    static String describe(String what, PipelineBenchmark.Pause p) {
        return String.format(
                Locale.ROOT,
                "%s took %.1f s, output stood still up to %.1f s (steady before: %.1f s), the slowest of the %d"
                        + " X-rays sent from then on took %.1f s",
                what,
                p.eventS(),
                p.pauseS(),
                p.steadyGapS(),
                p.sentFromEvent(),
                p.maxLatencyS());
    }
}
