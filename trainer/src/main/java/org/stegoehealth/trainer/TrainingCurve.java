package org.stegoehealth.trainer;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.stegoehealth.model.Charts;

/**
 * Draws the training curve: training loss (log scale) and held-out PSNR against the step, with the best validation
 * (the weights the run exports) marked.
 */
public final class TrainingCurve {

    /** The key of a model's {@code training} metadata that holds its curve ({@link #toMetadata}). */
    public static final String METADATA_KEY = "curve";

    private static final int W = 900;
    private static final int H = 720;

    private TrainingCurve() {}

    /**
     * The curve as a model's metadata records it: one {@code [step, loss, coverPsnr, secretPsnr]} per point, 0 where
     * the point has no such figure (loss points between validations have no PSNR).
     */
    static List<List<Number>> toMetadata(List<TrainingState.Point> points) {
        List<List<Number>> rows = new java.util.ArrayList<>();
        for (TrainingState.Point p : points) {
            rows.add(List.of(p.step(), round(p.loss(), 6), round(p.coverPsnr(), 3), round(p.secretPsnr(), 3)));
        }
        return rows;
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    /**
     * Draws the curve a model's {@code training} metadata records ({@code curve}), as {@code stego train} draws
     * {@code curve.png}, the point of {@code bestStep} (the exported weights) marked; empty when it records none.
     *
     * @throws IllegalArgumentException when {@code curve} is there but not a list of four numbers per point
     */
    public static java.util.Optional<java.awt.image.BufferedImage> fromMetadata(
            java.util.Map<String, Object> training, int bestStep, String title) {
        Object curve = training == null ? null : training.get(METADATA_KEY);
        if (!(curve instanceof List<?> rows) || rows.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<TrainingState.Point> points = new java.util.ArrayList<>();
        TrainingState.Point best = null;
        for (Object row : rows) {
            if (!(row instanceof List<?> r) || r.size() != 4 || !r.stream().allMatch(x -> x instanceof Number)) {
                throw new IllegalArgumentException("training.curve: each point is [step, loss, coverPsnr, secretPsnr]");
            }
            TrainingState.Point p = new TrainingState.Point(
                    ((Number) r.get(0)).intValue(),
                    0,
                    ((Number) r.get(1)).doubleValue(),
                    ((Number) r.get(2)).doubleValue(),
                    ((Number) r.get(3)).doubleValue());
            points.add(p);
            if (p.step() == bestStep && p.coverPsnr() > 0) {
                best = p;
            }
        }
        return java.util.Optional.of(Charts.image(chart(points, best, title), W, H));
    }

    static void write(List<TrainingState.Point> points, TrainingState.Point best, Path file, String title)
            throws IOException {
        Charts.writePng(chart(points, best, title), file, W, H);
    }

    static JFreeChart chart(List<TrainingState.Point> points, TrainingState.Point best, String title) {
        XYSeries loss = new XYSeries("training loss");
        XYSeries cover = new XYSeries("cover/stego PSNR, dB");
        XYSeries secret = new XYSeries("secret/extracted PSNR, dB");
        for (TrainingState.Point p : points) {
            if (p.loss() > 0) {
                loss.add(p.step(), p.loss());
            }
            if (p.coverPsnr() > 0) {
                cover.add(p.step(), p.coverPsnr());
                secret.add(p.step(), p.secretPsnr());
            }
        }
        LogarithmicAxis lossAxis = new LogarithmicAxis("training loss (log scale)");
        lossAxis.setStrictValuesFlag(false);
        XYPlot lossPlot = new XYPlot(new XYSeriesCollection(loss), null, lossAxis, lines(Color.DARK_GRAY));
        NumberAxis psnrAxis = new NumberAxis("held-out PSNR, dB");
        psnrAxis.setAutoRangeIncludesZero(false);
        XYSeriesCollection psnr = new XYSeriesCollection(cover);
        psnr.addSeries(secret);
        XYPlot psnrPlot = new XYPlot(psnr, null, psnrAxis, lines(Color.BLUE, Color.RED));
        if (best != null && cover.getItemCount() > 1) {
            ValueMarker mark = new ValueMarker(best.step(), Color.DARK_GRAY, Charts.DASHED);
            mark.setLabel(
                    String.format("best: step %d, %.2f / %.2f dB", best.step(), best.coverPsnr(), best.secretPsnr()));
            mark.setLabelFont(Charts.TEXT);
            mark.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            mark.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            psnrPlot.addDomainMarker(mark);
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("step"));
        plot.setGap(12);
        Charts.style(lossPlot);
        Charts.style(psnrPlot);
        plot.add(lossPlot, 1);
        plot.add(psnrPlot, 1);
        return Charts.chart(title, "held-out PSNR: blue cover/stego, red secret/extracted", plot, true);
    }

    private static XYLineAndShapeRenderer lines(Color... colors) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, colors[i]);
            r.setSeriesStroke(i, Charts.LINE);
        }
        return r;
    }
}
