package org.stegoehealth.trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands: saved next to each checkpoint as JSON so training resumes exactly where it stopped.
 *
 * @param settings       the run's hyper-parameters
 * @param step           optimiser steps done
 * @param elapsedSeconds training time so far, over all resumptions
 * @param history        loss and validation points, in step order
 * @param best           the validation point with the lowest held-out objective so far (null before the first
 *                       validation, and in older runs' state)
 */
public record TrainingState(
        TrainingSettings settings, int step, double elapsedSeconds, List<Point> history, Point best) {

    public TrainingState {
        history = new ArrayList<>(history);
    }

    /**
     * Mean training loss since the last point, and held-out PSNR when validated at this step (else 0); for a run with
     * a channel in the loop, also the secret's PSNR after the real attacks of {@link Trainer#VALIDATION_ATTACKS}
     * (their mean; 0 otherwise).
     */
    public record Point(
            int step,
            double elapsedSeconds,
            double loss,
            double coverPsnr,
            double secretPsnr,
            double attackedSecretPsnr) {

        public Point(int step, double elapsedSeconds, double loss, double coverPsnr, double secretPsnr) {
            this(step, elapsedSeconds, loss, coverPsnr, secretPsnr, 0);
        }

        /**
         * The held-out value of what the run minimises, {@code MSE(cover, stego) + beta * MSE(secret, extracted)}
         * on the [0, 1] scale, from the PSNRs: lower is better. With attacked figures, the secret's term is the mean
         * of its clean and attacked errors.
         */
        public double heldOutObjective(double beta) {
            double secret = Math.pow(10, -secretPsnr / 10);
            if (attackedSecretPsnr > 0) {
                secret = (secret + Math.pow(10, -attackedSecretPsnr / 10)) / 2;
            }
            return Math.pow(10, -coverPsnr / 10) + beta * secret;
        }
    }

    /** The same run one step further on, its history shared. */
    TrainingState advanced(double seconds) {
        return new TrainingState(settings, step + 1, elapsedSeconds + seconds, history, best);
    }

    /**
     * Records a validation at the current step.
     *
     * @return true when it is the best so far
     */
    boolean validated(Point point) {
        history.add(point);
        return best == null || point.heldOutObjective(settings.beta()) < best.heldOutObjective(settings.beta());
    }

    /** This state with {@code point} as its best validation. */
    TrainingState withBest(Point point) {
        return new TrainingState(settings, step, elapsedSeconds, history, point);
    }

    /** The latest point with validation figures, or null. */
    public Point lastValidation() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).coverPsnr() > 0) {
                return history.get(i);
            }
        }
        return null;
    }
}
