package org.stegoehealth.lab.steganalysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.stegoehealth.model.Charts;

/**
 * The detectability curve of a steganalysis run: the detector's minimum total error P_E against the payload in bits
 * per colour sample (log scale), one line per way of writing (the covert method's adaptive coding {@code stc-P}, the
 * sealed method's LSB matching {@code lsbm-P}, LSB replacement {@code lsbr-P}) and one point per other method. 0.5 is
 * a detector that guesses; the dashed line at 0.40 is the bar the covert method's default rate must clear.
 */
public final class DetectabilityPlot {

    /** The bar for "undetectable" at the default rate. */
    public static final double BAR = 0.40;

    private DetectabilityPlot() {}

    /** The series name a method belongs to: the family of a rate-parametrised method, else its own name. */
    static String family(String method) {
        String m = method.toLowerCase(Locale.ROOT);
        if (m.startsWith("stc-")) {
            return "adaptive coding (covert's writing), random bits";
        }
        if (m.startsWith("lsbm-")) {
            return "LSB matching (sealed's writing), random bits";
        }
        if (m.startsWith("lsbr-")) {
            return "LSB replacement, random bits";
        }
        if (m.startsWith("spread-lsb-")) {
            return "spread LSB (the X-ray)";
        }
        return method;
    }

    public static JFreeChart chart(Steganalysis.Result result, String subtitle) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Steganalysis.MethodScore m : result.methods()) {
            series.computeIfAbsent(family(m.name()), name -> new XYSeries(name, true))
                    .add(m.bitsPerChannel(), m.minimumTotalError());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        LogAxis rate = new LogAxis("payload, bits per colour sample (log scale)");
        rate.setSmallestValue(1e-4);
        rate.setNumberFormatOverride(new java.text.DecimalFormat("0.####"));
        // a tick per decade: 0.001, 0.01, 0.1, 1
        rate.setTickUnit(new NumberTickUnit(1.0));
        NumberAxis error = new NumberAxis("detector's minimum total error P_E (0.5: it guesses)");
        error.setRange(0, 0.52);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] colours = {
            new Color(200, 30, 30),
            new Color(40, 70, 200),
            new Color(30, 140, 60),
            new Color(150, 60, 170),
            new Color(210, 120, 0),
            Color.DARK_GRAY,
            new Color(0, 150, 160)
        };
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, colours[i % colours.length]);
            renderer.setSeriesStroke(i, Charts.LINE);
            // single-point series (a method at one rate) draw as a point
            renderer.setSeriesLinesVisible(i, data.getSeries(i).getItemCount() > 1);
        }
        XYPlot plot = new XYPlot(data, rate, error, renderer);
        ValueMarker bar = new ValueMarker(
                BAR,
                Color.DARK_GRAY,
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f}, 0f));
        bar.setLabel("P_E 0.40");
        bar.setLabelFont(Charts.TEXT);
        plot.addRangeMarker(bar);
        return Charts.chart("How detectable each way of hiding is", subtitle, plot, true);
    }

    /** Writes the curve as a PNG. */
    public static void write(Steganalysis.Result result, String subtitle, Path file) throws IOException {
        Charts.writePng(chart(result, subtitle), file, 900, 600);
    }
}
