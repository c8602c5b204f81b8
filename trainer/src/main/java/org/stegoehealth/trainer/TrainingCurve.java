package org.stegoehealth.trainer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws the training curve: training loss (log scale) and held-out PSNR against the step, with the best validation
 * (the weights the run exports) marked.
 */
final class TrainingCurve {

    private static final int W = 900;
    private static final int H = 360;

    private TrainingCurve() {}

    static void write(List<TrainingState.Point> points, TrainingState.Point best, Path file, String title)
            throws IOException {
        BufferedImage img = new BufferedImage(W, H * 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H * 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        List<TrainingState.Point> losses =
                points.stream().filter(p -> p.loss() > 0).toList();
        panel(g, 0, title + " - training loss (log10)", losses, p -> Math.log10(p.loss()), null, null, null);
        List<TrainingState.Point> vals =
                points.stream().filter(p -> p.coverPsnr() > 0).toList();
        panel(
                g,
                H,
                "held-out PSNR, dB (blue: cover/stego, red: secret/extracted)",
                vals,
                TrainingState.Point::coverPsnr,
                TrainingState.Point::secretPsnr,
                Color.RED,
                best);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void panel(
            Graphics2D g,
            int top,
            String title,
            List<TrainingState.Point> pts,
            ToDoubleFunction<TrainingState.Point> a,
            ToDoubleFunction<TrainingState.Point> b,
            Color bColor,
            TrainingState.Point mark) {
        int left = 70;
        int right = W - 20;
        int y0 = top + 30;
        int y1 = top + H - 40;
        g.setColor(Color.BLACK);
        g.drawString(title, left, top + 20);
        g.drawRect(left, y0, right - left, y1 - y0);
        if (pts.isEmpty()) {
            return;
        }
        double minX = pts.get(0).step();
        double maxX = Math.max(minX + 1, pts.get(pts.size() - 1).step());
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (TrainingState.Point p : pts) {
            minY = Math.min(minY, a.applyAsDouble(p));
            maxY = Math.max(maxY, a.applyAsDouble(p));
            if (b != null) {
                minY = Math.min(minY, b.applyAsDouble(p));
                maxY = Math.max(maxY, b.applyAsDouble(p));
            }
        }
        if (maxY - minY < 1e-9) {
            maxY = minY + 1;
        }
        g.setColor(Color.GRAY);
        for (int i = 0; i <= 4; i++) {
            double v = minY + (maxY - minY) * i / 4;
            int y = (int) (y1 - (y1 - y0) * (double) i / 4);
            g.drawString(String.format("%.2f", v), 5, y + 4);
            double s = minX + (maxX - minX) * i / 4;
            int x = (int) (left + (right - left) * (double) i / 4);
            g.drawString(String.format("%.0f", s), x - 10, y1 + 15);
        }
        g.drawString("step", right - 30, y1 + 30);
        series(g, pts, a, Color.BLUE, minX, maxX, minY, maxY, left, right, y0, y1);
        if (b != null) {
            series(g, pts, b, bColor, minX, maxX, minY, maxY, left, right, y0, y1);
        }
        if (mark != null && pts.size() > 1) {
            int x = (int) (left + (right - left) * (mark.step() - minX) / (maxX - minX));
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f}, 0f));
            g.drawLine(x, y0, x, y1);
            String label =
                    String.format("best: step %d, %.2f / %.2f dB", mark.step(), mark.coverPsnr(), mark.secretPsnr());
            int width = g.getFontMetrics().stringWidth(label);
            g.drawString(label, Math.min(x + 4, right - width - 4), y0 + 14);
        }
    }

    private static void series(
            Graphics2D g,
            List<TrainingState.Point> pts,
            ToDoubleFunction<TrainingState.Point> f,
            Color color,
            double minX,
            double maxX,
            double minY,
            double maxY,
            int left,
            int right,
            int y0,
            int y1) {
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f));
        int px = -1;
        int py = -1;
        for (TrainingState.Point p : pts) {
            int x = (int) (left + (right - left) * (p.step() - minX) / (maxX - minX));
            int y = (int) (y1 - (y1 - y0) * (f.applyAsDouble(p) - minY) / (maxY - minY));
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
    }
}
