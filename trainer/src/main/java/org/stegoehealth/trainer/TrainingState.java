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
 */
public record TrainingState(TrainingSettings settings, int step, double elapsedSeconds, List<Point> history) {

    public TrainingState {
        history = new ArrayList<>(history);
    }

    /** Mean training loss since the last point, and held-out PSNR when validated at this step (else 0). */
    public record Point(int step, double elapsedSeconds, double loss, double coverPsnr, double secretPsnr) {}

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
