package org.stegoehealth.trainer;

import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.TrainingObjective;

/**
 * Hyper-parameters of one training run. Saved with every checkpoint and in the exported model's metadata.
 *
 * @param network          the architecture
 * @param steps            optimiser steps in total (the learning rate decays linearly to zero at the last one)
 * @param batch            crops per step
 * @param crop             side of the square training crops, in pixels
 * @param learningRate     Adam's initial learning rate
 * @param beta             weight of the extraction loss against the embedding loss
 * @param seed             seeds weights and sampling; the same seed and data give the same run
 * @param validateEvery    steps between held-out validations
 * @param checkpointEvery  steps between checkpoints
 * @param validationImages held-out pairs used for validation
 * @param validationSize   side of the validation images
 * @param ssimWeight       weight of the SSIM terms of the loss (0 = off; absent from older runs' state, so 0)
 * @param adversaryWeight  weight of the steganalysis critic's term of the loss (0 = no critic)
 * @param averageDecay     decay of the exponential moving average of the weights that is validated and exported
 *                         (0 = off, the raw weights; absent from older runs' state, so 0)
 * @param freezeEmbedder   train only the extraction network; the preprocessing and embedding weights stay fixed
 * @param channel          the channel in the training loop (null = none: the stego image is only clipped and rounded)
 * @see TrainingObjective
 */
public record TrainingSettings(
        NetworkConfig network,
        int steps,
        int batch,
        int crop,
        double learningRate,
        double beta,
        long seed,
        int validateEvery,
        int checkpointEvery,
        int validationImages,
        int validationSize,
        double ssimWeight,
        double adversaryWeight,
        double averageDecay,
        boolean freezeEmbedder,
        ChannelSchedule channel) {

    /** Settings without a channel in the loop. */
    public TrainingSettings(
            NetworkConfig network,
            int steps,
            int batch,
            int crop,
            double learningRate,
            double beta,
            long seed,
            int validateEvery,
            int checkpointEvery,
            int validationImages,
            int validationSize,
            double ssimWeight,
            double adversaryWeight,
            double averageDecay,
            boolean freezeEmbedder) {
        this(
                network,
                steps,
                batch,
                crop,
                learningRate,
                beta,
                seed,
                validateEvery,
                checkpointEvery,
                validationImages,
                validationSize,
                ssimWeight,
                adversaryWeight,
                averageDecay,
                freezeEmbedder,
                null);
    }

    public TrainingSettings {
        if (steps < 1 || batch < 1 || validateEvery < 1 || checkpointEvery < 1 || validationImages < 1) {
            throw new IllegalArgumentException("steps, batch and intervals must be positive");
        }
        if (crop < 16 || crop % network.sizeMultiple() != 0) {
            throw new IllegalArgumentException("crop must be >= 16 and a multiple of " + network.sizeMultiple());
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive");
        }
        if (!(averageDecay >= 0 && averageDecay < 1)) {
            throw new IllegalArgumentException("the weight average's decay must be in [0, 1)");
        }
        new TrainingObjective(beta, ssimWeight, adversaryWeight); // refuses bad weights by name
        if (channel != null && crop % 16 != 0) {
            throw new IllegalArgumentException("training with a channel needs a crop that is a multiple of 16");
        }
    }

    /** What the run minimises. */
    public TrainingObjective objective() {
        return new TrainingObjective(beta, ssimWeight, adversaryWeight);
    }
}
