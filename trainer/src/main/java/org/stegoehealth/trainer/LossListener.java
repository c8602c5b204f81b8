package org.stegoehealth.trainer;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerVariables;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.stegoehealth.model.StegoNetwork;

/**
 * The training loss of every step, taken from the activations the fit itself computes, so measuring the loss costs
 * no extra forward pass. SameDiff (1.0.0-M2.1) reports a {@link Loss} of 0 to listeners for this graph: the
 * backward pass needs the loss terms but not their sum, so the sum is never computed. The listener therefore takes
 * the three terms ({@link StegoNetwork#COVER_MSE}, {@link StegoNetwork#SECRET_MSE}, {@link StegoNetwork#OUT_OF_RANGE})
 * and adds them as the graph does ({@link StegoNetwork#loss}). Keeps the last value and a running mean since the
 * last {@link #reset()}.
 */
final class LossListener extends BaseListener {

    private final double beta;
    private double coverMse = Double.NaN;
    private double secretMse = Double.NaN;
    private double outOfRange = Double.NaN;
    private double last = Double.NaN;
    private double sum;
    private int count;

    LossListener(double beta) {
        this.beta = beta;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public ListenerVariables requiredVariables(SameDiff sd) {
        return ListenerVariables.builder()
                .trainingVariables(StegoNetwork.COVER_MSE, StegoNetwork.SECRET_MSE, StegoNetwork.OUT_OF_RANGE)
                .build();
    }

    @Override
    public void activationAvailable(
            SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName, INDArray activation) {
        switch (varName) {
            case StegoNetwork.COVER_MSE -> coverMse = activation.getDouble(0);
            case StegoNetwork.SECRET_MSE -> secretMse = activation.getDouble(0);
            case StegoNetwork.OUT_OF_RANGE -> outOfRange = activation.getDouble(0);
            default -> {}
        }
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, Loss loss) {
        last = StegoNetwork.loss(coverMse, secretMse, outOfRange, beta);
        coverMse = Double.NaN;
        secretMse = Double.NaN;
        outOfRange = Double.NaN;
        sum += last;
        count++;
    }

    /** The loss of the latest step, or NaN before the first. */
    double last() {
        return last;
    }

    /** The mean loss of the steps since the last reset (the latest loss when there were none). */
    double mean() {
        return count == 0 ? last : sum / count;
    }

    /** The number of steps since the last reset. */
    int count() {
        return count;
    }

    void reset() {
        sum = 0;
        count = 0;
    }
}
