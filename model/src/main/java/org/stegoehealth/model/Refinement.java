package org.stegoehealth.model;

/**
 * Per-image refinement of the network's stego image: with the network fixed, a few Adam steps on the stego pixels
 * lower {@code MSE(cover, stego) + beta * MSE(secret, extract(stego))}, so each image gets a stego tuned to it
 * rather than the network's average answer. The extractor (and so the clinic) is unchanged; only embedding costs more
 * (one extraction pass forward and back per step).
 *
 * @param steps        Adam steps per batch; 0 = off
 * @param learningRate Adam's step size, in pixel units (1/255 = one grey level)
 * @param beta         weight of the extraction error against the cover's
 */
public record Refinement(int steps, double learningRate, double beta) {

    /** Off, with the step size and weight that {@link #withSteps} keeps (chosen on held-out pairs). */
    public static final Refinement OFF = new Refinement(0, 0.002, 0.5);

    /** More steps than this are a typo, not a setting: each one costs an extraction pass forward and back. */
    public static final int MAX_STEPS = 10_000;

    public Refinement {
        if (steps < 0 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("refinement steps must be 0.." + MAX_STEPS + ", was " + steps);
        }
        if (!(learningRate > 0) || !(beta > 0)) {
            throw new IllegalArgumentException("refinement learning rate and beta must be positive");
        }
    }

    /** These settings with {@code n} steps. */
    public Refinement withSteps(int n) {
        return new Refinement(n, learningRate, beta);
    }

    /** One line for logs and reports. */
    public String describe() {
        return steps == 0
                ? "no refinement"
                : "refined: " + steps + " Adam steps per image, step " + learningRate + ", beta " + beta;
    }
}
