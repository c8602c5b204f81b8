package org.stegoehealth.lab.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.stegoehealth.errors.OptionChecks;
import org.stegoehealth.model.Attack;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.Refinement;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.cli.ImageSetOptions;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.trainer.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stego evaluate}: the paper's table on real images, against LSB baselines, optionally under attack. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Measure how well a model hides and recovers X-rays, next to the paper and LSB baselines.",
            "Embed each secret in a cover, round the stego image to 8 bits, extract, and report MSE, PSNR and SSIM next to the paper's figures and classical LSB baselines on the same pairs (spread over R, G, B for a gray secret); optionally again after JPEG, resizing or noise (--attack)."
        })
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ImageSetOptions images;

    @Option(
            names = "--size",
            paramLabel = "PX",
            defaultValue = "256",
            description = "Square side images are brought to (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Model directory (default: the bundled default model).")
    Path model;

    @Option(
            names = "--extract-with",
            paramLabel = "DIR",
            description = "Also extract the model's stego images with this other model directory and report it as "
                    + "its own row: what someone holding the wrong model (the public one, or another private one) "
                    + "recovers.")
    Path extractWith;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to this file.")
    Path json;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write an image grid per pair and report.html into this directory.")
    Path out;

    @Option(names = "--held-out", description = "Only images the training split holds out (never trained on).")
    boolean heldOut;

    @Option(
            names = "--training-covers",
            description = "With --held-out: hide the held-out X-rays in the covers the model trained on instead, to"
                    + " see how much better it does on photos it knows.")
    boolean trainingCovers;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "Evaluate at most this many secrets; 0 = all.")
    int limit;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "4",
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--attack",
            paramLabel = "LIST",
            description = {
                "Also extract after these attacks on the 8-bit "
                        + "stego image, comma-separated: jpegQ (JPEG quality Q), resizeF (resize by F and back), noiseS (Gaussian "
                        + "noise, sigma S grey levels), jpeg444qQ (JPEG without chroma subsampling); 'default' means "
                        + Attack.DEFAULTS + "."
            })
    String attack;

    @Option(
            names = "--sealed-budget",
            paramLabel = "X",
            defaultValue = "0.5",
            description = "Bits-per-channel budget of the sealed (lossless, keyed) row (default: ${DEFAULT-VALUE}); "
                    + "0 leaves it out.")
    double sealedBudget;

    @Option(
            names = "--secret-rate",
            paramLabel = "DB",
            defaultValue = "0",
            description = "Also report how many bits the X-rays need to reach this PSNR (the smallest gray JPEG that"
                    + " does), per X-ray pixel and per cover sample, and the PSNR of a half-resolution X-ray: what a"
                    + " method that compressed the X-ray before hiding it would have to carry; 0 leaves it out.")
    double secretRate;

    @Mixin
    RefineOptions refine;

    @Override
    public Integer call() throws Exception {
        if (!(sealedBudget >= 0 && sealedBudget <= 1)) {
            throw new IllegalArgumentException("--sealed-budget must be 0..1, was " + sealedBudget);
        }
        if (size < 16 || size > 4096) {
            throw new IllegalArgumentException("--size must be 16..4096, was " + size);
        }
        if (!(secretRate >= 0 && secretRate < 100)) {
            throw new IllegalArgumentException("--secret-rate must be 0..99 dB, was " + secretRate);
        }
        OptionChecks.atLeast("--limit", limit, 0);
        OptionChecks.atLeast("--batch", batch, 1);
        List<Attack> attacks =
                attack == null ? List.of() : Attack.parseList("default".equals(attack) ? Attack.DEFAULTS : attack);
        ModelArtifact artifact = ModelArtifact.load(ModelArtifact.locate(model));
        Refinement refinement = refine.refinement();
        StegoModel stego = artifact.toModel().refining(refinement);
        StegoModel other = extractWith == null
                ? null
                : ModelArtifact.load(ModelArtifact.locate(extractWith)).toModel();
        Predicate<String> xrayFilter = heldOut ? n -> Split.isHeldOut(n, Split.XRAY_VALIDATION) : n -> true;
        if (trainingCovers && !heldOut) {
            throw new IllegalArgumentException("--training-covers goes with --held-out");
        }
        Predicate<String> coverFilter = !heldOut
                ? n -> true
                : trainingCovers
                        ? n -> !Split.isHeldOut(n, Split.COVER_VALIDATION)
                        : n -> Split.isHeldOut(n, Split.COVER_VALIDATION);
        List<Path> secretFiles = Evaluation.imageFiles(images.xrays(PipelineCluster.home()), xrayFilter);
        if (limit > 0 && secretFiles.size() > limit) {
            secretFiles = secretFiles.subList(0, limit);
        }
        List<Path> coverFiles = Evaluation.imageFiles(images.covers(PipelineCluster.home()), coverFilter);
        Progress progress = new Progress(System.err);
        Evaluation.Result result = Evaluation.run(
                stego, other, coverFiles, secretFiles, size, Math.max(1, batch), attacks, out != null, progress);
        SealedEvaluation.Result sealed =
                sealedBudget > 0 ? SealedEvaluation.run(coverFiles, secretFiles, size, sealedBudget, progress) : null;
        SecretRate.Result rate = secretRate > 0 ? SecretRate.run(secretFiles, size, secretRate, progress) : null;
        String table = Evaluation.table(result, sealed == null ? "" : SealedEvaluation.row(sealed))
                + (rate == null ? "" : SecretRate.line(rate));
        if (refinement.steps() > 0) {
            System.out.println("this model's stego images are " + refinement.describe());
        }
        System.out.print(table);
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>(Evaluation.json(result));
            if (refinement.steps() > 0) {
                doc.put("refinement", refinement);
            }
            if (sealed != null) {
                doc.put("sealed", SealedEvaluation.json(sealed));
            }
            if (rate != null) {
                doc.put("secretRate", SecretRate.json(rate));
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
            System.out.println("JSON written to " + json);
        }
        if (out != null) {
            List<RateDistortionPlot.Point> points = new ArrayList<>(RateDistortionPlot.points(result));
            if (sealed != null) {
                points.add(SealedEvaluation.point(sealed));
            }
            System.out.println("Report written to " + Report.writeEvaluation(result, table, points, out));
        }
        return 0;
    }
}
