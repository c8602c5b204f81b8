package org.stegoehealth.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.Tiling;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code stego bench xrays}: full-size 16-bit X-rays through tiled embedding and extraction, time and memory. */
@Command(
        name = "xrays",
        mixinStandardHelpOptions = true,
        description = {
            "Make full-size X-rays (sample X-rays upscaled to each --sides, 16-bit PNG) and measure, per X-ray, the",
            "time and the process's peak resident memory (VmHWM) of tiled embedding and extraction, as the",
            "applications run them with inference.tile.size and inference.memory.budget.mb."
        })
public final class XrayBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "Model directory (default: the bundled default model).")
    Path model;

    @Option(
            names = "--sides",
            split = ",",
            defaultValue = "3000,4096",
            description = "Longer sides of the X-rays to make (default: ${DEFAULT-VALUE}).")
    List<Integer> sides;

    @Option(
            names = "--xrays",
            paramLabel = "N",
            defaultValue = "2",
            description = "Sample X-rays per side (default: ${DEFAULT-VALUE}).")
    int xrays;

    @Option(
            names = "--xray-dir",
            paramLabel = "DIR",
            description = "X-rays to upscale, the first N by name (default: samples/xray).")
    Path xrayDir;

    @Option(
            names = "--cover",
            paramLabel = "FILE",
            description = "The cover photograph, fitted to each X-ray (default: the first in samples/covers).")
    Path coverFile;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "runs/bench-xrays",
            description = "Where the 16-bit PNGs are written (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--tile-size",
            defaultValue = "" + Tiling.DEFAULT_TILE_SIZE,
            description = "inference.tile.size (default: ${DEFAULT-VALUE}).")
    int tileSize;

    @Option(
            names = "--memory-budget-mb",
            defaultValue = "" + Tiling.DEFAULT_MEMORY_BUDGET_MB,
            description = "inference.memory.budget.mb (default: ${DEFAULT-VALUE}).")
    int memoryBudgetMb;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (xrays < 1) {
            throw new ParameterException(spec.commandLine(), "--xrays must be at least 1");
        }
        Tiling tiling;
        try {
            tiling = new Tiling(tileSize, memoryBudgetMb);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        int maxSide = sides.stream().mapToInt(Integer::intValue).max().orElse(4096);
        StegoModel stego =
                ModelArtifact.load(ModelArtifact.locate(model)).toModel().tiled(tiling);
        Path samples = PipelineCluster.home().resolve("samples");
        List<Path> sources = Evaluation.imageFiles(xrayDir != null ? xrayDir : samples.resolve("xray"), n -> true);
        if (sources.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no X-rays in " + xrayDir);
        }
        FloatImage cover = FloatImage.of(Images.read(
                coverFile != null
                        ? coverFile
                        : Evaluation.imageFiles(samples.resolve("covers"), n -> true)
                                .get(0)));
        Progress progress = new Progress(System.err);
        XrayBenchmark bench = new XrayBenchmark(stego, cover, maxSide);
        List<XrayBenchmark.Result> results = new ArrayList<>();
        for (int side : sides) {
            for (int i = 0; i < xrays; i++) {
                Path source = sources.get(i % sources.size());
                Path png = FullSizeXrays.write(source, side, out);
                progress.message("measuring " + png.getFileName());
                results.add(bench.measure(png));
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(
                "model %s, %d threads, tile %d px, memory budget %d MB per pass, heap max %d MB%n",
                stego.version(),
                Runtime.getRuntime().availableProcessors(),
                tiling.tileSize(),
                tiling.memoryBudgetMb(),
                Runtime.getRuntime().maxMemory() >> 20);
        w.printf(
                "%-36s %11s %8s %8s %8s %10s %9s %8s %10s %9s %9s %9s %9s%n",
                "x-ray (16-bit PNG)",
                "size",
                "decode s",
                "embed s",
                "cpu s",
                "peak MB",
                "extract s",
                "cpu s",
                "peak MB",
                "RSS MB",
                "heap MB",
                "secret dB",
                "stego MB");
        for (XrayBenchmark.Result r : results) {
            w.printf(
                    "%-36s %11s %8.2f %8.2f %8.2f %10.0f %9.2f %8.2f %10.0f %9.0f %9.0f %9.2f %9.1f%n",
                    r.file(),
                    r.width() + "x" + r.height(),
                    r.decodeS(),
                    r.embedS(),
                    r.embedCpuS(),
                    r.embedPeakMb(),
                    r.extractS(),
                    r.extractCpuS(),
                    r.extractPeakMb(),
                    r.rssAfterMb(),
                    r.heapMb(),
                    r.secretPsnr(),
                    r.stegoPngBytes() / 1e6);
        }
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", stego.version());
            doc.put("tile_size", tiling.tileSize());
            doc.put("memory_budget_mb", tiling.memoryBudgetMb());
            doc.put("heap_max_mb", Runtime.getRuntime().maxMemory() >> 20);
            doc.put(
                    "results",
                    results.stream().map(XrayBenchmark.Result::toJson).toList());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
            w.println("JSON written to " + json);
        }
        w.flush();
        return 0;
    }
}
