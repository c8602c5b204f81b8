package org.stegoehealth.lab.steganalysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.lab.eval.RefineOptions;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.Refinement;
import org.stegoehealth.processors.cli.ImageSetOptions;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.trainer.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stego steganalysis}: how well a learned detector tells each method's stego images from clean covers. */
@Command(
        name = "steganalysis",
        mixinStandardHelpOptions = true,
        description = {
            "Train and cross-validate a learned detector (rich-model residual co-occurrences, L2 logistic regression) that tells stego images from clean covers prepared the same way, for each hiding method.",
            "Folds are grouped by source photo, so no photo is both trained and tested on.",
            "Reports accuracy and AUC per method: 0.5 means the detector cannot tell, 1.0 that it always can."
        })
public final class SteganalysisCommand implements Callable<Integer> {

    @Mixin
    ImageSetOptions images;

    @Option(
            names = "--methods",
            paramLabel = "LIST",
            description = {
                "Comma-separated hiding methods: neural, "
                        + "sealed (throwaway keyring; the X-ray scaled to 3/8 of the tile side so it fits), covert"
                        + " (the same, the X-ray at 3/32 of the tile side spread over the whole tile; covert-F: at F of"
                        + " it), spread-lsb-R-G-B, "
                        + "lsb-K, lsbm-P (LSB matching of random bits at payload P), lsbr-P (LSB replacement "
                        + "of random bits).",
                "Default: ${DEFAULT-VALUE}."
            })
    String methods = StegoGenerator.defaults();

    @Option(names = "--held-out", description = "Only images the training split holds out (never trained on).")
    boolean heldOut;

    @Option(
            names = "--size",
            paramLabel = "PX",
            defaultValue = "256",
            description = "Tile side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--cover-side",
            paramLabel = "PX",
            defaultValue = "1024",
            description = "Shorter side each photo is scaled to before tiling (default: ${DEFAULT-VALUE}).")
    int coverSide;

    @Option(
            names = "--tiles-per-cover",
            paramLabel = "N",
            defaultValue = "24",
            description = "Tiles taken from each photo at most (default: ${DEFAULT-VALUE}).")
    int perCover;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Model directory for the neural method (default: the bundled model).")
    Path model;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "4",
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to this file.")
    Path json;

    @Option(
            names = "--detector",
            paramLabel = "KIND",
            defaultValue = "residual",
            description = "residual: residual co-occurrences counted evenly; aware: each co-occurrence weighted by the"
                    + " probability that an adaptive method at the method's rate changed its samples (HILL costs of"
                    + " the image under test), the stronger detector against adaptive embedding (default:"
                    + " ${DEFAULT-VALUE}).")
    String detector;

    @Option(
            names = "--plot",
            paramLabel = "FILE",
            description = "Draw the detectability curve (the detector's P_E against bits per colour sample, one line"
                    + " per way of writing) as a PNG to this file.")
    Path plot;

    @Mixin
    RefineOptions refine;

    @Override
    public Integer call() throws Exception {
        if (size < 16 || size > 2048) {
            throw new IllegalArgumentException("--size must be 16..2048, was " + size);
        }
        if (!detector.equals("residual") && !detector.equals("aware")) {
            throw new IllegalArgumentException("--detector must be residual or aware, was " + detector);
        }
        if (perCover < 1) {
            throw new IllegalArgumentException("--tiles-per-cover must be at least 1, was " + perCover);
        }
        List<String> names = List.of(methods.split(",")).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--methods names no method");
        }
        HidingModel network = names.stream().anyMatch(n -> n.equalsIgnoreCase("neural"))
                ? ModelArtifact.load(ModelArtifact.locate(model)).toModel().refining(refine.refinement())
                : null;
        Path keyDir = names.stream()
                        .anyMatch(n -> n.equalsIgnoreCase("sealed")
                                || n.toLowerCase(Locale.ROOT).startsWith("covert"))
                ? Files.createTempDirectory("stego-steganalysis-keyring")
                : null;
        try {
            Keyring keyring = keyDir == null ? null : Keyring.init(keyDir.resolve("keyring"), "steganalysis");
            List<StegoGenerator> list = new ArrayList<>();
            for (String n : names) {
                list.add(StegoGenerator.parse(n, network, keyring));
            }
            return run(list, network != null);
        } finally {
            if (keyDir != null) {
                deleteTree(keyDir);
            }
        }
    }

    private int run(List<StegoGenerator> list, boolean neural) throws IOException {
        Predicate<String> xrayFilter = heldOut ? n -> Split.isHeldOut(n, Split.XRAY_VALIDATION) : n -> true;
        Predicate<String> coverFilter = heldOut ? n -> Split.isHeldOut(n, Split.COVER_VALIDATION) : n -> true;
        List<Path> coverFiles = Evaluation.imageFiles(images.covers(PipelineCluster.home()), coverFilter);
        List<Path> secretFiles = Evaluation.imageFiles(images.xrays(PipelineCluster.home()), xrayFilter);
        if (coverFiles.size() < 2) {
            throw new IllegalArgumentException(images.covers(PipelineCluster.home())
                    + ": grouped cross-validation needs at least two cover photos");
        }
        Progress progress = new Progress(System.err);
        progress.message("cutting " + coverFiles.size() + " photos into tiles of " + size + " px");
        List<Steganalysis.Tile> tiles = Steganalysis.tiles(coverFiles, coverSide, size, perCover);
        Steganalysis.Result result = Steganalysis.run(
                tiles,
                Steganalysis.secrets(secretFiles, size, tiles.size()),
                list,
                Math.max(1, batch),
                detector.equals("aware"),
                progress);
        Refinement refinement = refine.refinement();
        if (neural && refinement.steps() > 0) {
            System.out.println("the neural method's stego images are " + refinement.describe());
        }
        System.out.print(Steganalysis.table(result));
        if (plot != null) {
            DetectabilityPlot.write(
                    result,
                    String.format(
                            "%s detector; %d tiles of %d px from %d photos scaled to a %d px shorter side; folds"
                                    + " grouped by photo",
                            detector, result.tiles(), result.size(), result.photos(), coverSide),
                    plot);
            System.out.println("Detectability curve written to " + plot);
        }
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>(Steganalysis.json(result));
            if (neural && refinement.steps() > 0) {
                doc.put("refinement", refinement);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
            System.out.println("JSON written to " + json);
        }
        return 0;
    }

    /** Removes the throwaway keyring the sealed and covert methods used. */
    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
