package org.stegoehealth.trainer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.stegoehealth.model.TrainingObjective;

/**
 * The training loss of every step, taken from the activations the fit itself computes, so measuring the loss costs
 * no extra forward pass. SameDiff (1.0.0-M2.1) reports a {@link Loss} of 0 to listeners for this graph: the
 * backward pass needs the loss terms but not their sum, so the sum is never computed. The listener therefore takes
 * the objective's terms ({@link TrainingObjective#terms()}) and adds them as the graph does
 * ({@link TrainingObjective#loss}). Keeps the last value and a running mean since the last {@link #reset()}, and
 * the same for the critic's own loss when the objective has a critic (ln 2 = 0.693 is a critic at chance).
 */
final class LossListener extends BaseListener {

    private final TrainingObjective objective;
    private final Map<String, Double> values = new HashMap<>();
    private double last = Double.NaN;
    private double sum;
    private int count;
    private double criticSum;

    LossListener(TrainingObjective objective) {
        this.objective = objective;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public ListenerVariables requiredVariables(SameDiff sd) {
        List<String> names = new ArrayList<>(objective.terms().keySet());
        if (objective.hasCritic()) {
            names.add(StegoNetwork.CRITIC);
        }
        return ListenerVariables.builder()
                .trainingVariables(names.toArray(String[]::new))
                .build();
    }

    @Override
    public void activationAvailable(
            SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName, INDArray activation) {
        if (varName.equals(StegoNetwork.CRITIC) || objective.terms().containsKey(varName)) {
            values.put(varName, activation.getDouble(0));
        }
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, Loss loss) {
        last = objective.loss(values);
        criticSum += values.getOrDefault(StegoNetwork.CRITIC, Double.NaN);
        values.clear();
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

    /** The critic's mean loss since the last reset; NaN without a critic or steps. */
    double criticMean() {
        return count == 0 ? Double.NaN : criticSum / count;
    }

    /** The number of steps since the last reset. */
    int count() {
        return count;
    }

    void reset() {
        sum = 0;
        criticSum = 0;
        count = 0;
    }
}
