package org.stegoehealth.lab.steganalysis;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An L2-regularised logistic regression (LIBLINEAR) on standardised features, evaluated by cross-validation with
 * folds grouped by source photo: every sample of one photo (its clean tiles and their stego versions) is in the
 * test fold together, so the detector never sees the photo it is tested on. The regularisation strength is chosen
 * inside each training fold, again by grouped cross-validation.
 */
public final class LinearDetector {

    /** Inverse regularisation strengths tried (LIBLINEAR's C). */
    static final double[] C_GRID = {0.01, 0.1, 1, 10};

    private static final double EPS = 1e-4;

    static {
        Linear.disableDebugOutput();
    }

    /** Out-of-fold scores (higher: more likely stego) and the figures computed from them. */
    public record Scores(double[] scores, int[] labels, int[] groups, int folds) {

        /** Area under the ROC curve of the out-of-fold scores of all folds pooled (ties count one half). */
        public double auc() {
            return LinearDetector.auc(scores, labels);
        }

        /**
         * Mean over test folds (source photos) of each fold's own AUC; folds holding one class only are skipped.
         * Unlike the pooled AUC it does not suffer when scores shift from one photo to the next.
         */
        public double meanFoldAuc() {
            double sum = 0;
            int n = 0;
            for (int g : Arrays.stream(groups).distinct().toArray()) {
                int[] rows = select(groups, g, true);
                double[] s = Arrays.stream(rows).mapToDouble(i -> scores[i]).toArray();
                int[] y = Arrays.stream(rows).map(i -> labels[i]).toArray();
                if (Arrays.stream(y).distinct().count() == 2) {
                    sum += LinearDetector.auc(s, y);
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        /** Share of samples on the right side of score 0 (probability one half). */
        public double accuracy() {
            int right = 0;
            for (int i = 0; i < scores.length; i++) {
                right += (scores[i] > 0) == (labels[i] == 1) ? 1 : 0;
            }
            return (double) right / scores.length;
        }
    }

    private LinearDetector() {}

    /**
     * Leave-one-group-out cross-validation.
     *
     * @param x      one feature vector per sample
     * @param labels 1 for stego, 0 for clean
     * @param groups source photo of each sample; at least two distinct groups
     */
    public static Scores crossValidate(double[][] x, int[] labels, int[] groups) {
        int[] ids = Arrays.stream(groups).distinct().sorted().toArray();
        if (ids.length < 2) {
            throw new IllegalArgumentException(
                    "grouped cross-validation needs at least two source photos, got " + ids.length);
        }
        double[] scores = new double[x.length];
        for (int g : ids) {
            int[] train = select(groups, g, false);
            int[] test = select(groups, g, true);
            double c = chooseC(x, labels, groups, train);
            Fitted fit = fit(x, labels, train, c);
            for (int i : test) {
                scores[i] = fit.score(x[i]);
            }
        }
        return new Scores(scores, labels.clone(), groups.clone(), ids.length);
    }

    /** The C with the best grouped cross-validated AUC on the training samples (the largest C wins ties). */
    private static double chooseC(double[][] x, int[] labels, int[] groups, int[] train) {
        int[] ids = Arrays.stream(train).map(i -> groups[i]).distinct().sorted().toArray();
        if (ids.length < 2) {
            return 1;
        }
        double best = C_GRID[0];
        double bestAuc = -1;
        for (double c : C_GRID) {
            double[] s = new double[train.length];
            int[] y = new int[train.length];
            for (int g : ids) {
                List<Integer> inner = new ArrayList<>();
                List<Integer> held = new ArrayList<>();
                for (int k = 0; k < train.length; k++) {
                    (groups[train[k]] == g ? held : inner).add(k);
                }
                Fitted fit =
                        fit(x, labels, inner.stream().mapToInt(k -> train[k]).toArray(), c);
                for (int k : held) {
                    s[k] = fit.score(x[train[k]]);
                }
            }
            for (int k = 0; k < train.length; k++) {
                y[k] = labels[train[k]];
            }
            double a = auc(s, y);
            if (a >= bestAuc) {
                bestAuc = a;
                best = c;
            }
        }
        return best;
    }

    private static int[] select(int[] groups, int g, boolean in) {
        return IntStream.range(0, groups.length)
                .filter(i -> (groups[i] == g) == in)
                .toArray();
    }

    /** A trained detector with the standardisation of its training samples. */
    private record Fitted(Model model, double[] mean, double[] scale) {

        double score(double[] v) {
            double[] dec = new double[1];
            Linear.predictValues(model, features(v, mean, scale), dec);
            return model.getLabels()[0] == 1 ? dec[0] : -dec[0];
        }
    }

    private static Fitted fit(double[][] x, int[] labels, int[] rows, double c) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int i : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i][j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= rows.length;
        }
        for (int i : rows) {
            for (int j = 0; j < d; j++) {
                double t = x[i][j] - mean[j];
                scale[j] += t * t;
            }
        }
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(scale[j] / rows.length);
            scale[j] = sd > 1e-12 ? 1 / sd : 0; // a constant feature carries nothing
        }
        Problem p = new Problem();
        p.l = rows.length;
        p.n = d + 1;
        p.bias = 1;
        p.x = new Feature[rows.length][];
        p.y = new double[rows.length];
        for (int k = 0; k < rows.length; k++) {
            p.x[k] = features(x[rows[k]], mean, scale);
            p.y[k] = labels[rows[k]];
        }
        Linear.resetRandom();
        Model model = Linear.train(p, new Parameter(SolverType.L2R_LR, c, EPS));
        return new Fitted(model, mean, scale);
    }

    private static Feature[] features(double[] v, double[] mean, double[] scale) {
        Feature[] f = new Feature[v.length + 1];
        for (int j = 0; j < v.length; j++) {
            f[j] = new FeatureNode(j + 1, (v[j] - mean[j]) * scale[j]);
        }
        f[v.length] = new FeatureNode(v.length + 1, 1); // bias term
        return f;
    }

    /** Mann-Whitney estimate of the AUC; tied scores count one half. */
    public static double auc(double[] scores, int[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = scores.length - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("AUC needs both classes");
        }
        return (rankSum - pos * (pos + 1) / 2.0) / (pos * neg);
    }
}
