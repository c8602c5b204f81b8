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
final class TrainingCurve {

    private static final int W = 900;
    private static final int H = 720;

    private TrainingCurve() {}

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
