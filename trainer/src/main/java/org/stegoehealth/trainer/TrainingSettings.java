package org.stegoehealth.trainer;

import org.stegoehealth.model.NetworkConfig;

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
        int validationSize) {

    public TrainingSettings {
        if (steps < 1 || batch < 1 || validateEvery < 1 || checkpointEvery < 1 || validationImages < 1) {
            throw new IllegalArgumentException("steps, batch and intervals must be positive");
        }
        if (crop < 16 || crop % network.sizeMultiple() != 0) {
            throw new IllegalArgumentException("crop must be >= 16 and a multiple of " + network.sizeMultiple());
        }
        if (!(learningRate > 0) || !(beta > 0)) {
            throw new IllegalArgumentException("learning rate and beta must be positive");
        }
    }
}
