package org.stegoehealth.trainer;

import java.nio.file.Path;
import org.stegoehealth.errors.OptionChecks;
import org.stegoehealth.model.Installation;
import picocli.CommandLine.Option;

/**
 * The training options {@code stego train} and the periodic trainer ({@code stego trainer}) share: the training pool,
 * the crops and the loss weight, with one default each.
 */
public final class TrainingOptions {

    @Option(
            names = "--xrays",
            paramLabel = "DIR",
            description =
                    "Directory of chest X-rays to train on (default: xray in the data folder: STEGO_DATA_DIR, else"
                            + " data/ under the installation directory).")
    Path xrays;

    @Option(
            names = "--covers",
            paramLabel = "DIR",
            description = "Directory of cover photos to train on (default: covers in the data folder: STEGO_DATA_DIR,"
                    + " else data/ under the installation directory).")
    Path covers;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "8",
            description = "Crops per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--crop",
            paramLabel = "PX",
            defaultValue = "64",
            description = "Training crop side in pixels, 16 or more (default: ${DEFAULT-VALUE}).")
    int crop;

    /**
     * 1.5: the weight the bundled model's last training stages used; a heavier weight (2, 4) bought no secret quality
     * (docs/quality.md), and the periodic trainer fine-tunes that model with the weight it was trained with.
     */
    @Option(
            names = "--beta",
            paramLabel = "X",
            defaultValue = "1.5",
            description = "Extraction loss weight: the loss is MSE(cover, stego) + beta * MSE(secret, extracted)"
                    + " (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--validation-size",
            paramLabel = "PX",
            defaultValue = "256",
            description = "Side of the held-out validation images (default: ${DEFAULT-VALUE}).")
    int validationSize;

    @Option(
            names = "--max-images",
            paramLabel = "N",
            defaultValue = "0",
            description = "Use at most this many training images per kind; 0 = all (default: ${DEFAULT-VALUE}).")
    int maxImages;

    /** Refuses an out-of-range option by name, before any data is loaded. */
    public void check() {
        OptionChecks.atLeast("--batch", batch, 1);
        OptionChecks.atLeast("--crop", crop, 16);
        OptionChecks.positive("--beta", beta);
        OptionChecks.atLeast("--validation-size", validationSize, 16);
        OptionChecks.atLeast("--max-images", maxImages, 0);
    }

    public Path xrays() {
        return xrays != null ? xrays : Installation.xrays();
    }

    public Path covers() {
        return covers != null ? covers : Installation.covers();
    }

    public int batch() {
        return batch;
    }

    public int crop() {
        return crop;
    }

    public double beta() {
        return beta;
    }

    public long seed() {
        return seed;
    }

    public int validationSize() {
        return validationSize;
    }

    public int maxImages() {
        return maxImages;
    }
}
