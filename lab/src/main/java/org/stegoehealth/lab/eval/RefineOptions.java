package org.stegoehealth.lab.eval;

import org.stegoehealth.model.Refinement;
import picocli.CommandLine.Option;

/** The refinement options of the commands that embed with a model ({@code evaluate}, {@code steganalysis}). */
public final class RefineOptions {

    @Option(
            names = "--refine-steps",
            defaultValue = "0",
            description = "Refine each stego image with this many Adam steps on its pixels after the network's pass, "
                    + "as the embedder does with embed.refine.steps (default: ${DEFAULT-VALUE} = off).")
    int steps;

    @Option(
            names = "--refine-lr",
            description = "Step size of the refinement, in pixel units (default: the embedder's, 0.002).")
    Double learningRate;

    @Option(
            names = "--refine-beta",
            description = "Weight of the extraction error against the cover's in the refinement (default: the "
                    + "embedder's, 0.5).")
    Double beta;

    /** The refinement these options ask for; the embedder's settings where one is not given. */
    public Refinement refinement() {
        return new Refinement(
                steps,
                learningRate == null ? Refinement.OFF.learningRate() : learningRate,
                beta == null ? Refinement.OFF.beta() : beta);
    }
}
