package org.stegoehealth.lab.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
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
    private static final int LEFT = 70;
    private static final int RIGHT = W - 30;
    private static final int TOP = 50;
    private static final int BOTTOM = H - 60;

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

    public static BufferedImage draw(List<Point> pts, String title) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 22);
        g.drawString(
                "labels: payload in secret bits per cover sample (bpc); lossless methods sit on the top edge",
                LEFT,
                38);
        double[] x = range(pts, true);
        double[] y = range(pts, false);
        g.drawRect(LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP);
        for (int i = 0; i <= 5; i++) {
            double xv = x[0] + (x[1] - x[0]) * i / 5;
            double yv = y[0] + (y[1] - y[0]) * i / 5;
            int px = sx(xv, x);
            int py = sy(yv, y);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(px, TOP + 1, px, BOTTOM - 1);
            g.drawLine(LEFT + 1, py, RIGHT - 1, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.1f", xv), px - 12, BOTTOM + 16);
            g.drawString(String.format("%.1f", yv), LEFT - 36, py + 4);
        }
        g.drawString("cover/stego PSNR, dB (cover unchanged: right)", (LEFT + RIGHT) / 2 - 130, BOTTOM + 38);
        g.rotate(-Math.PI / 2);
        g.drawString("secret/extracted PSNR, dB", -(TOP + BOTTOM) / 2 - 75, 18);
        g.rotate(Math.PI / 2);
        g.setStroke(new BasicStroke(1.5f));
        for (Point p : pts) {
            boolean lossless = p.secretPsnr() >= Metrics.PSNR_CAP;
            int px = sx(p.coverPsnr(), x);
            int py = lossless ? TOP + 8 : sy(p.secretPsnr(), y);
            g.setColor(p.color());
            g.fillOval(px - 5, py - 5, 10, 10);
            String label =
                    String.format("%s, %.2f bpc%s", p.label(), p.bitsPerChannel(), lossless ? " (lossless)" : "");
            int width = g.getFontMetrics().stringWidth(label);
            int lx = px + 8 + width > RIGHT ? px - 8 - width : px + 8;
            // a lossless point sits on the top edge: its label goes below it
            g.drawString(label, lx, lossless ? py + 18 : py - 6);
        }
        g.dispose();
        return img;
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

    private static int sx(double v, double[] r) {
        return (int) Math.round(LEFT + (RIGHT - LEFT) * (v - r[0]) / (r[1] - r[0]));
    }

    private static int sy(double v, double[] r) {
        return (int) Math.round(BOTTOM - (BOTTOM - TOP) * (v - r[0]) / (r[1] - r[0]));
    }
}
