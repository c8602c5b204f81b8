package org.stegoehealth.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.XraysOption;
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
import picocli.CommandLine.Spec;

/** {@code stego bench pipeline}: end-to-end throughput and latency against the raw model, per image size. */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = {
            "Measure end-to-end throughput through Kafka and both Kafka Streams applications (a local broker and registry, or --bootstrap-servers and --schema-registry-url) next to the raw model throughput on the same images and batch sizes in the same run, and the end-to-end latency (p50/p99) at half the measured capacity.",
            "Also reports the bytes per stego event with the image as PNG and as JPEG (stego.jpeg.quality), and their ratio: the records of the run, sent in stego.format, with the image in each format as the embedder encodes it.",
            "With --console-page, also reads this run's /metrics as the hospital console's pipeline page reads them (every 2 s, one row per application) and sets the page's figures beside the benchmark's: the images each application processed against the X-rays sent, and the extractor's throughput during the burst against the pipeline's images per second (within 20 %); it exits with 1 when they differ.",
            "See PipelineBenchmark for how each figure is taken."
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
        Path home = PipelineCluster.home();
        StegoConfig base = options.config(common);
        Path modelDir = base.modelPathOrDefault();
        StegoModel stego = ModelArtifact.load(modelDir).toModel().tiled(base.tiling());
        Progress progress = new Progress(System.err);
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
                        pipeline,
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
}
