package org.stegoehealth.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What joint training minimises, term by term. The hiding network's loss is
 *
 * <pre>
 *   MSE(cover, stego) + beta * MSE(secret, extracted) + 10 * mean(out-of-range stego^2)
 *   + ssimWeight * ((1 - SSIM(cover, stego)) + beta * (1 - SSIM(secret, extracted)))
 *   + adversaryWeight * log-loss of a critic calling the stego image clean
 * </pre>
 *
 * The critic is a small steganalysis network ({@link Critic}) trained alongside on its own log-loss at telling
 * covers from stego images; the hiding network is rewarded for raising that loss. Its weights are only used in
 * training and are not part of a model artifact.
 *
 * @param beta            weight of the extraction terms against the embedding terms
 * @param ssimWeight      weight of the SSIM terms (Gaussian 11x11 window, as in {@link Metrics#ssim}); 0 = off
 * @param adversaryWeight weight of the critic term; 0 = no critic
 */
public record TrainingObjective(double beta, double ssimWeight, double adversaryWeight) {

    /** Weight of the penalty on stego values outside [0, 1] during training. */
    public static final double RANGE_WEIGHT = 10.0;

    public TrainingObjective {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("beta must be positive, was " + beta);
        }
        if (!(ssimWeight >= 0) || !(adversaryWeight >= 0)) {
            throw new IllegalArgumentException("term weights must be 0 or more");
        }
    }

    /** The plain objective: the two MSE terms and the range penalty. */
    public static TrainingObjective mse(double beta) {
        return new TrainingObjective(beta, 0, 0);
    }

    public boolean hasCritic() {
        return adversaryWeight > 0;
    }

    /**
     * The hiding network's loss terms that are on, by graph variable name, with their weights. The critic's own
     * loss ({@link StegoNetwork#CRITIC}) is not one of them: it trains the critic only.
     */
    public Map<String, Double> terms() {
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put(StegoNetwork.COVER_MSE, 1.0);
        terms.put(StegoNetwork.SECRET_MSE, beta);
        terms.put(StegoNetwork.OUT_OF_RANGE, RANGE_WEIGHT);
        if (ssimWeight > 0) {
            terms.put(StegoNetwork.COVER_DSSIM, ssimWeight);
            terms.put(StegoNetwork.SECRET_DSSIM, ssimWeight * beta);
        }
        if (hasCritic()) {
            terms.put(StegoNetwork.ADVERSARY, adversaryWeight);
        }
        return terms;
    }

    /** The hiding network's loss from the values of its terms (every name of {@link #terms()}). */
    public double loss(Map<String, Double> values) {
        double sum = 0;
        for (Map.Entry<String, Double> term : terms().entrySet()) {
            Double value = values.get(term.getKey());
            if (value == null) {
                throw new IllegalArgumentException("no value for the loss term " + term.getKey());
            }
            sum += term.getValue() * value;
        }
        return sum;
    }

    /** One line for a model's metadata. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add("MSE(cover, stego) + " + beta + " * MSE(secret, extracted) + 10 * mean(out-of-range stego^2)");
        if (ssimWeight > 0) {
            parts.add(ssimWeight + " * ((1 - SSIM(cover, stego)) + " + beta + " * (1 - SSIM(secret, extracted)))");
        }
        if (hasCritic()) {
            parts.add(adversaryWeight + " * log-loss of a steganalysis critic (trained alongside) calling the stego"
                    + " image clean");
        }
        return String.join(" + ", parts) + "; +-0.5/255 uniform noise on the stego before extraction";
    }
}
