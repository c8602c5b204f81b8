package org.stegoehealth.model;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;

/**
 * One look for every chart Stego-eHealth draws (training curves, rate-distortion plots): JFreeChart on a white
 * background with light grid lines, the same fonts and line widths, written as PNG.
 */
public final class Charts {

    /** Font of titles; axis labels and annotations use {@link #TEXT}. */
    public static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    public static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    public static final BasicStroke LINE = new BasicStroke(1.5f);
    public static final BasicStroke DASHED =
            new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f}, 0f);

    private Charts() {}

    /** A chart of {@code plot} with a title and a smaller subtitle, styled the house way. */
    public static JFreeChart chart(String title, String subtitle, Plot plot, boolean legend) {
        if (plot instanceof XYPlot xy) {
            style(xy);
        }
        JFreeChart chart = new JFreeChart(title, TITLE, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        if (subtitle != null) {
            chart.addSubtitle(new TextTitle(subtitle, TEXT));
        }
        return chart;
    }

    /** White background, light grid, house fonts on both axes. */
    public static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(225, 225, 225));
        plot.setRangeGridlinePaint(new Color(225, 225, 225));
        plot.setOutlinePaint(Color.GRAY);
        // a subplot of a combined plot shares its parent's domain axis and has none of its own
        if (plot.getDomainAxis() != null) {
            plot.getDomainAxis().setLabelFont(TEXT);
        }
        if (plot.getRangeAxis() != null) {
            plot.getRangeAxis().setLabelFont(TEXT);
        }
    }

    /** The chart as an image of {@code width} x {@code height} pixels. */
    public static BufferedImage image(JFreeChart chart, int width, int height) {
        return chart.createBufferedImage(width, height);
    }

    /** Writes the chart as a PNG of {@code width} x {@code height} pixels. */
    public static void writePng(JFreeChart chart, Path file, int width, int height) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    }
}
