package org.stegoehealth.trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stegoehealth.errors.OptionChecks;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.NetworkGrowth;
import org.stegoehealth.model.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stego train}: trains (or resumes) a model and exports a versioned artifact. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train the hiding network on chest X-rays and cover photos, then export a versioned model.",
            "Interrupting (Ctrl-C) writes a checkpoint; running the same command again resumes it."
        })
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions training;

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            description = "Where checkpoints and the curve go (default: ${DEFAULT-VALUE}).",
            defaultValue = "runs/default")
    Path runDir;

    @Option(
            names = "--models",
            paramLabel = "DIR",
            description = "Where the exported model goes (default: ${DEFAULT-VALUE}).",
            defaultValue = "models")
    Path models;

    @Option(
            names = "--steps",
            paramLabel = "N",
            defaultValue = "20000",
            description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--lr",
            paramLabel = "X",
            defaultValue = "0.001",
            description = "Initial Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--ssim-weight",
            paramLabel = "X",
            defaultValue = "0",
            description = "Weight of the SSIM terms: w * ((1 - SSIM(cover, stego)) + beta * (1 - SSIM(secret,"
                    + " extracted))); 0 = off (default: ${DEFAULT-VALUE}).")
    double ssimWeight;

    @Option(
            names = "--adversary-weight",
            paramLabel = "X",
            defaultValue = "0",
            description = "Train a small steganalysis critic alongside and add this weight times its log-loss at"
                    + " calling the stego image clean; 0 = no critic (default: ${DEFAULT-VALUE}).")
    double adversaryWeight;

    @Option(
            names = "--secret-channels",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "1: grayscale X-ray mode; 3: the paper's mode, gray replicated to RGB (default: ${DEFAULT-VALUE}).")
    int secretChannels;

    @Option(
            names = "--unshuffle",
            paramLabel = "N",
            defaultValue = "2",
            description = "Pixel block side folded into channels (default: ${DEFAULT-VALUE}).")
    int unshuffle;

    @Option(
            names = "--prep-width",
            paramLabel = "N",
            defaultValue = "32",
            description = "Preprocessing channels (default: ${DEFAULT-VALUE}).")
    int prepWidth;

    @Option(
            names = "--width",
            paramLabel = "N",
            defaultValue = "64",
            description = "Embedding/extraction channels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(
            names = "--depth",
            paramLabel = "N",
            defaultValue = "4",
            description = "3x3 layers of the embedding network, and of the extraction network unless --extract-depth"
                    + " (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(
            names = "--extract-depth",
            paramLabel = "N",
            defaultValue = "0",
            description = "3x3 layers of the extraction network, if not --depth (default: the same as --depth).")
    int extractDepth;

    @Option(
            names = "--residual-scale",
            paramLabel = "X",
            defaultValue = "0.1",
            description = "Stego = cover + scale * residual (default: ${DEFAULT-VALUE}).")
    double residualScale;

    @Option(
            names = "--validate-every",
            paramLabel = "N",
            defaultValue = "500",
            description = "Steps between validations (default: ${DEFAULT-VALUE}).")
    int validateEvery;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "N",
            defaultValue = "500",
            description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(
            names = "--validation-images",
            paramLabel = "N",
            defaultValue = "16",
            description = "Held-out pairs per validation (default: ${DEFAULT-VALUE}).")
    int validationImages;

    @Option(
            names = "--init-from",
            paramLabel = "DIR",
            description = "Start from the weights of this model (fine-tuning) instead of random ones. A grayscale"
                    + " model can start a --secret-channels 3 run, and a smaller model a wider or deeper one.")
    Path initFrom;

    @Option(
            names = "--average-decay",
            paramLabel = "X",
            defaultValue = "0",
            description = "Validate and export an exponential moving average of the weights with this decay, e.g."
                    + " 0.999; 0 = the raw weights (default: ${DEFAULT-VALUE}).")
    double averageDecay;

    @Option(
            names = "--export-last",
            description = "Export the last step's weights instead of those of the best held-out validation.")
    boolean exportLast;

    @Option(
            names = "--freeze-embedder",
            description = "Train only the extraction network: the preprocessing and embedding weights stay those of"
                    + " --init-from, so the stego images, and the cover's PSNR, do not change.")
    boolean freezeEmbedder;

    @Option(
            names = "--channel",
            paramLabel = "KINDS",
            description = "Put the channel in the training loop: a comma-separated list of jpeg (JPEG with 4:2:0 chroma"
                    + " at quality 50-95), resize (by 0.5-0.95 and back) and noise (sigma 0.5-5 grey levels). Each"
                    + " batch passes through one of them or none; validation adds the secret after real JPEG q90 and"
                    + " resizing by 0.75. The crop must be a multiple of 16 (default: none).")
    String channel;

    @Option(
            names = "--channel-ramp",
            paramLabel = "STEPS",
            defaultValue = "1000",
            description = "Steps over which the share of attacked batches rises from 0 (default: ${DEFAULT-VALUE}).")
    int channelRamp;

    @Option(
            names = "--channel-share",
            paramLabel = "X",
            defaultValue = "0.75",
            description = "Share of attacked batches after the ramp, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double channelShare;

    @Option(names = "--no-export", description = "Do not export a model at the end.")
    boolean noExport;

    @Option(
            names = "--export-checkpoint",
            description = "Export the run's checkpoint as a model now, without training (its best validation, or"
                    + " with --export-last its latest weights).")
    boolean exportCheckpoint;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        NetworkConfig network =
                new NetworkConfig(secretChannels, unshuffle, prepWidth, width, depth, residualScale, extractDepth);
        TrainingSettings settings = new TrainingSettings(
                network,
                steps,
                training.batch(),
                training.crop(),
                lr,
                training.beta(),
                training.seed(),
                validateEvery,
                checkpointEvery,
                validationImages,
                training.validationSize(),
                ssimWeight,
                adversaryWeight,
                averageDecay,
                freezeEmbedder,
                channel == null ? null : ChannelSchedule.parse(channel, channelRamp, channelShare));
        Progress progress = new Progress(System.out);
        TrainingData data = TrainingData.load(
                training.xrays(),
                training.covers(),
                training.validationSize(),
                training.maxImages(),
                (what, done, total) -> progress.update(what, done, total, ""));
        progress.message(String.format(
                "Data: %s training X-rays, %s training covers, %d + %d held out",
                data.summary().get("trainXrays"),
                data.summary().get("trainCovers"),
                data.validationXrays().size(),
                data.validationCovers().size()));
        Map<String, INDArray> start = null;
        if (initFrom != null) {
            ModelArtifact init = ModelArtifact.load(initFrom);
            NetworkConfig from = init.metadata().architecture();
            start = init.weights();
            if (from.secretChannels() == 1 && network.secretChannels() == 3) {
                // a paper-mode run from a grayscale model: start from the same function on replicated gray secrets
                start = NetworkGrowth.withRgbSecret(from, start);
                from = new NetworkConfig(
                        3,
                        from.unshuffle(),
                        from.prepWidth(),
                        from.width(),
                        from.depth(),
                        from.residualScale(),
                        from.extractDepth());
                progress.message("Starting the 3-channel network from " + initFrom
                        + " (gray model, its secret layers shared by R, G and B)");
            }
            if (!from.equals(network)) {
                try {
                    start = NetworkGrowth.grow(from, start, network, training.seed());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(initFrom + ": architecture " + from
                            + " cannot become the requested " + network + " (only wider or deeper)");
                }
                progress.message(String.format(
                        "Growing %s into width %d, depth %d (extraction %d), preprocessing width %d (copies of its"
                                + " channels, new layers near zero): it starts from what the smaller model computes",
                        initFrom, network.width(), network.depth(), network.extractLayers(), network.prepWidth()));
            }
        }
        Trainer trainer = Trainer.open(settings, data, runDir, progress, start);
        if (exportCheckpoint) {
            if (trainer.state().step() == 0) {
                throw new IllegalArgumentException(runDir + ": no checkpoint to export");
            }
        } else if (trainer.train().step() < trainer.state().settings().steps()) {
            return 3;
        }
        if (!noExport) {
            Path dir = trainer.export(models, "stego train " + String.join(" ", ownArgs()), exportLast);
            progress.message("Model written to " + dir + " (curve: " + dir.resolve("curve.png") + ")");
            Files.writeString(runDir.resolve("exported.txt"), dir.toString() + System.lineSeparator());
        }
        return 0;
    }

    /** The arguments given to this command, without the launcher's words before its name ({@code train}). */
    private List<String> ownArgs() {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        return at >= 0 ? all.subList(at + 1, all.size()) : all;
    }

    /** Refuses an out-of-range option by name before any data is loaded. */
    private void checkOptions() {
        training.check();
        OptionChecks.atLeast("--steps", steps, 1);
        OptionChecks.positive("--lr", lr);
        OptionChecks.notNegative("--ssim-weight", ssimWeight);
        OptionChecks.notNegative("--adversary-weight", adversaryWeight);
        OptionChecks.fraction("--average-decay", averageDecay);
        if (freezeEmbedder && initFrom == null) {
            throw new IllegalArgumentException("--freeze-embedder needs --init-from: there is no embedder to keep");
        }
        OptionChecks.atLeast("--secret-channels", secretChannels, 1);
        OptionChecks.atLeast("--unshuffle", unshuffle, 1);
        OptionChecks.atLeast("--prep-width", prepWidth, 1);
        OptionChecks.atLeast("--width", width, 1);
        OptionChecks.atLeast("--depth", depth, 1);
        OptionChecks.atLeast("--extract-depth", extractDepth, 0);
        OptionChecks.positive("--residual-scale", residualScale);
        OptionChecks.atLeast("--validate-every", validateEvery, 1);
        OptionChecks.atLeast("--checkpoint-every", checkpointEvery, 1);
        OptionChecks.atLeast("--validation-images", validationImages, 1);
        OptionChecks.atLeast("--channel-ramp", channelRamp, 0);
        if (!(channelShare > 0 && channelShare <= 1)) {
            throw new IllegalArgumentException("--channel-share must be above 0 and at most 1, was " + channelShare);
        }
        if (channel != null && training.crop() % 16 != 0) {
            throw new IllegalArgumentException("--channel needs a --crop that is a multiple of 16");
        }
    }
}
