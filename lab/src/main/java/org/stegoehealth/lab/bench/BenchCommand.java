package org.stegoehealth.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.Refinement;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.cli.OptionValues;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stego bench}: model throughput against same-run sgemm. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {PipelineBenchCommand.class, XrayBenchCommand.class, ViewerBenchCommand.class},
        description = {
            "Measure embedding and extraction speed and memory.",
            "Measure embedding and extraction throughput (images/s, GFLOP/s, peak memory) per image size and batch size, next to a plain sgemm measured in the same run, and the keyed methods' rates (sealed and covert; no model; the covert one also in cover megapixels per second).",
            "Close other work first: the figures are only as quiet as the machine."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Model directory (default: the bundled default model).")
    Path model;

    @Option(
            names = "--sizes",
            converter = OptionValues.AtLeastOne.class,
            paramLabel = "PX",
            split = ",",
            defaultValue = "256,512",
            description = "Image sides (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(
            names = "--batches",
            converter = OptionValues.AtLeastOne.class,
            paramLabel = "N",
            split = ",",
            defaultValue = "1,2,4,8,16",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(
            names = "--seconds",
            converter = OptionValues.Positive.class,
            paramLabel = "SECONDS",
            defaultValue = "3",
            description = "Minimum timed seconds per configuration (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to this file.")
    Path json;

    @Option(
            names = "--no-sealed",
            description = "Leave out the keyed methods (sealed and covert: lossless, keyed; no model).")
    boolean noSealed;

    @Option(
            names = "--refine-steps",
            converter = OptionValues.NotNegative.class,
            paramLabel = "N",
            defaultValue = "0",
            description = "Also measure embedding refined with this many steps (embed.refine.steps), against plain "
                    + "embedding in the same run (default: ${DEFAULT-VALUE} = not measured).")
    int refineSteps;

    @Override
    public Integer call() throws Exception {
        StegoModel stego = ModelArtifact.load(ModelArtifact.locate(model))
                .toModel()
                .refining(Refinement.OFF.withSteps(refineSteps));
        ModelBenchmark bench = new ModelBenchmark(stego, seconds);
        Progress progress = new Progress(System.err);
        double sgemm = ModelBenchmark.sgemmGflops(1024, Math.max(1, seconds));
        progress.message(
                String.format("sgemm 1024^3: %.1f GFLOP/s (sustained over %.0f s)", sgemm, Math.max(1, seconds)));
        List<String> ops =
                refineSteps > 0 ? List.of("embed", ModelBenchmark.REFINED, "extract") : List.of("embed", "extract");
        List<ModelBenchmark.Result> results = measureModel(bench, ops, progress);
        printModelTable(stego, sgemm, results);
        List<SealedBenchmark.Result> sealed = noSealed ? List.of() : measureSealed(progress);
        printBest(ops, results, sgemm);
        if (json != null) {
            writeJson(stego, sgemm, results, sealed);
        }
        return 0;
    }

    /** Every operation at every size and batch. */
    private List<ModelBenchmark.Result> measureModel(ModelBenchmark bench, List<String> ops, Progress progress) {
        List<ModelBenchmark.Result> results = new ArrayList<>();
        int total = ops.size() * sizes.size() * batches.size();
        for (String op : ops) {
            for (int size : sizes) {
                for (int batch : batches) {
                    results.add(bench.measure(op, size, batch));
                    progress.update("benchmarking", results.size(), total, op + " " + size + "px x" + batch);
                }
            }
        }
        return results;
    }

    private static void printModelTable(StegoModel stego, double sgemm, List<ModelBenchmark.Result> results) {
        System.out.printf(
                "model %s, %d threads, sgemm %.1f GFLOP/s%n",
                stego.version(), Runtime.getRuntime().availableProcessors(), sgemm);
        System.out.printf(
                "%-8s %5s %5s %10s %9s %10s %9s%n",
                "op", "size", "batch", "images/s", "GFLOP/s", "vs sgemm", "peak MB");
        for (ModelBenchmark.Result r : results) {
            System.out.printf(
                    "%-8s %5d %5d %10.2f %9.1f %9.0f%% %9.0f%n",
                    r.op(), r.size(), r.batch(), r.imagesPerS(), r.gflops(), 100 * r.gflops() / sgemm, r.peakRssMb());
        }
    }

    /** The sealed method on the first sample X-ray and cover at every size, printed as it goes. */
    private List<SealedBenchmark.Result> measureSealed(Progress progress) throws Exception {
        List<SealedBenchmark.Result> sealed = new ArrayList<>();
        Path samples = PipelineCluster.home().resolve("samples");
        try (SealedBenchmark sealedBench = new SealedBenchmark(
                Evaluation.imageFiles(samples.resolve("xray"), n -> true).get(0),
                Evaluation.imageFiles(samples.resolve("covers"), n -> true).get(0),
                seconds)) {
            for (int size : sizes) {
                sealed.addAll(List.of(sealedBench.measure(size)));
                progress.message("sealed method at " + size + " px measured");
            }
            sealed.addAll(List.of(sealedBench.measureCovert()));
            progress.message("covert method measured");
        }
        for (SealedBenchmark.Result r : sealed) {
            System.out.printf(
                    "%-14s %5d %5d %10.2f   (no model; %.3f bits per channel; %.3f MP cover, %.2f MP/s)%n",
                    r.op(), r.size(), 1, r.imagesPerS(), r.bitsPerChannel(), r.coverMegapixels(), r.megapixelsPerS());
        }
        return sealed;
    }

    /** The best batch of each operation and size, and what refinement costs against plain embedding. */
    private void printBest(List<String> ops, List<ModelBenchmark.Result> results, double sgemm) {
        for (String op : ops) {
            for (int size : sizes) {
                results.stream()
                        .filter(r -> r.op().equals(op) && r.size() == size)
                        .max((a, b) -> Double.compare(a.imagesPerS(), b.imagesPerS()))
                        .ifPresent(r -> System.out.printf(
                                "best %s at %dpx: batch %d, %.2f images/s, %.1f GFLOP/s = %.2f x sgemm%n",
                                op, size, r.batch(), r.imagesPerS(), r.gflops(), r.gflops() / sgemm));
            }
        }
        if (refineSteps > 0) {
            for (int size : sizes) {
                double plain = best(results, "embed", size);
                double refined = best(results, ModelBenchmark.REFINED, size);
                System.out.printf(
                        "refined embedding (%d steps) at %dpx: %.2f images/s = %.3f x plain embedding (%.2f images/s)%n",
                        refineSteps, size, refined, refined / plain, plain);
            }
        }
    }

    private void writeJson(
            StegoModel stego, double sgemm, List<ModelBenchmark.Result> results, List<SealedBenchmark.Result> sealed)
            throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", stego.version());
        doc.put("sgemm_gflops", sgemm);
        if (refineSteps > 0) {
            doc.put("refine_steps", refineSteps);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ModelBenchmark.Result r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("op", r.op());
            row.put("size", r.size());
            row.put("batch", r.batch());
            row.put("images_per_s", r.imagesPerS());
            row.put("gflops", r.gflops());
            row.put("peak_rss_mb", r.peakRssMb());
            rows.add(row);
        }
        doc.put("results", rows);
        List<Map<String, Object>> sealedRows = new ArrayList<>();
        for (SealedBenchmark.Result r : sealed) {
            sealedRows.add(Map.of(
                    "op",
                    r.op(),
                    "size",
                    r.size(),
                    "images_per_s",
                    r.imagesPerS(),
                    "bits_per_channel",
                    r.bitsPerChannel(),
                    "cover_megapixels",
                    r.coverMegapixels(),
                    "megapixels_per_s",
                    r.megapixelsPerS()));
        }
        doc.put("sealed", sealedRows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        System.out.println("JSON written to " + json);
    }

    private static double best(List<ModelBenchmark.Result> results, String op, int size) {
        return results.stream()
                .filter(r -> r.op().equals(op) && r.size() == size)
                .mapToDouble(ModelBenchmark.Result::imagesPerS)
                .max()
                .orElse(Double.NaN);
    }
}
