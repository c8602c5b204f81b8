package org.stegoehealth.lab.eval;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.stegoehealth.model.Charts;
import org.stegoehealth.model.Metrics;

/**
 * The rate-distortion picture of an evaluation: cover/stego PSNR (how little the cover changes) against
 * secret/extracted PSNR (how well the secret comes back), one point per method, labelled with its payload in secret
 * bits per cover sample. Up and to the right is better on both axes at once. A lossless method (secret PSNR at the
 * cap) is drawn at the top edge.
 */
public final class RateDistortionPlot {

    /** One method's point. */
    public record Point(String label, double bitsPerChannel, double coverPsnr, double secretPsnr, Color color) {}

    private static final int W = 900;
    private static final int H = 640;

    private RateDistortionPlot() {}

    /** The points of an evaluation: the paper (as reported), the network and every baseline. */
    public static List<Point> points(Evaluation.Result r) {
        List<Point> pts = new ArrayList<>();
        pts.add(new Point(
                "paper (reported)",
                Evaluation.PAPER_BITS_PER_CHANNEL,
                Evaluation.PAPER_EMBEDDING.psnr(),
                Evaluation.PAPER_EXTRACTION.psnr(),
                Color.GRAY));
        pts.add(new Point(
                "this model",
                r.network().bitsPerChannel(),
                r.embedding().psnr(),
                r.extraction().psnr(),
                Color.RED));
        r.baselines()
                .values()
                .forEach(m -> pts.add(new Point(
                        Evaluation.label(m.name()),
                        m.bitsPerChannel(),
                        m.embedding().psnr(),
                        m.extraction().psnr(),
                        Color.BLUE)));
        return pts;
    }

    /**
     * The points after {@code attack} (an attack the evaluation ran, e.g. {@code jpeg90}): each method at its clean
     * cover/stego PSNR and its secret/extracted PSNR after the attack. The paper's point and methods not attacked (the
     * sealed one, which refuses any altered image) are left out.
     */
    public static List<Point> pointsAfter(Evaluation.Result r, String attack) {
        List<Point> pts = new ArrayList<>();
        addAfter(pts, "this model", r.network(), attack, Color.RED);
        r.baselines().values().forEach(m -> addAfter(pts, Evaluation.label(m.name()), m, attack, Color.BLUE));
        return pts;
    }

    private static void addAfter(List<Point> pts, String label, Evaluation.MethodResult m, String attack, Color color) {
        Quality q = m.attacked() == null ? null : m.attacked().get(attack);
        if (q != null) {
            pts.add(new Point(label, m.bitsPerChannel(), m.embedding().psnr(), q.psnr(), color));
        }
    }

    public static BufferedImage draw(List<Point> pts, String title) {
        double[] x = range(pts, true);
        double[] y = range(pts, false);
        NumberAxis coverAxis = new NumberAxis("cover/stego PSNR, dB (cover unchanged: right)");
        coverAxis.setRange(x[0], x[1]);
        NumberAxis secretAxis = new NumberAxis("secret/extracted PSNR, dB");
        secretAxis.setRange(y[0], y[1]);
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        XYPlot plot = new XYPlot(data, coverAxis, secretAxis, renderer);
        double top = y[1] - (y[1] - y[0]) * 0.02;
        for (Point p : pts) {
            boolean lossless = p.secretPsnr() >= Metrics.PSNR_CAP;
            // a lossless method sits on the top edge, its label below it
            double py = lossless ? top : p.secretPsnr();
            XYSeries s = new XYSeries(p.label() + " " + data.getSeriesCount(), false);
            s.add(p.coverPsnr(), py);
            int i = data.getSeriesCount();
            data.addSeries(s);
            renderer.setSeriesPaint(i, p.color());
            renderer.setSeriesShape(i, new Ellipse2D.Double(-5, -5, 10, 10));
            XYTextAnnotation label = new XYTextAnnotation(
                    String.format("%s, %.2f bpc%s", p.label(), p.bitsPerChannel(), lossless ? " (lossless)" : ""),
                    p.coverPsnr(),
                    py);
            label.setFont(Charts.TEXT);
            label.setPaint(p.color());
            boolean nearRight = p.coverPsnr() > x[0] + (x[1] - x[0]) * 0.6;
            label.setTextAnchor(
                    lossless
                            ? (nearRight ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT)
                            : (nearRight ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT));
            label.setX(p.coverPsnr() + (nearRight ? -0.15 : 0.15) * (x[1] - x[0]) / 10);
            plot.addAnnotation(label);
        }
        JFreeChart chart = Charts.chart(
                title,
                "labels: payload in secret bits per cover sample (bpc); lossless methods sit on the top edge",
                plot,
                false);
        return Charts.image(chart, W, H);
    }

    /** Axis range with a margin, rounded out to whole dB. */
    private static double[] range(List<Point> pts, boolean cover) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (Point p : pts) {
            double v = cover ? p.coverPsnr() : p.secretPsnr();
            if (Double.isFinite(v) && v < Metrics.PSNR_CAP) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        return new double[] {Math.floor(lo - 2), Math.ceil(hi + 2)};
    }
}
