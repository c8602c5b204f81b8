package org.stegoehealth.lab.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.security.Png;

/** Image grids and self-contained HTML reports that people can look at instead of reading numbers. */
public final class Report {

    private static final int LABEL = 22;
    private static final int GAP = 4;
    /** File name of the rate-distortion plot in an evaluation report directory. */
    public static final String RATE_DISTORTION_PNG = "rate-distortion.png";

    /** The attack whose rate-distortion panel the report adds when the evaluation ran it: JPEG q90 4:2:0. */
    public static final String ATTACK_PANEL = "jpeg90";

    /** File name of that panel. */
    public static final String RATE_DISTORTION_ATTACKED_PNG = "rate-distortion-" + ATTACK_PANEL + ".png";

    private Report() {}

    /** Tiles side by side, each with a caption above it. */
    public static BufferedImage grid(List<FloatImage> tiles, List<String> captions) {
        int w = 0;
        int h = 0;
        for (FloatImage t : tiles) {
            w += t.width() + GAP;
            h = Math.max(h, t.height());
        }
        BufferedImage out = new BufferedImage(Math.max(1, w - GAP), h + LABEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = 0;
        for (int i = 0; i < tiles.size(); i++) {
            FloatImage t = tiles.get(i);
            g.setColor(Color.BLACK);
            g.drawString(captions.get(i), x + 3, 16);
            g.drawImage(t.toRgb().toBufferedImage(), x, LABEL, null);
            x += t.width() + GAP;
        }
        g.dispose();
        return out;
    }

    public static void writePng(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Png.encode(image));
    }

    /** Writes the evaluation grids and {@code report.html} into {@code dir}; returns the HTML file. */
    public static Path writeEvaluation(Evaluation.Result r, Path dir) throws IOException {
        return writeEvaluation(r, Evaluation.table(r), RateDistortionPlot.points(r), dir);
    }

    /**
     * As {@link #writeEvaluation(Evaluation.Result, Path)}, with the table text and plot points given (for methods
     * evaluated beside the model and its baselines).
     */
    public static Path writeEvaluation(
            Evaluation.Result r, String table, List<RateDistortionPlot.Point> points, Path dir) throws IOException {
        Files.createDirectories(dir);
        writePng(
                RateDistortionPlot.draw(
                        points,
                        String.format(
                                "Rate-distortion on %d pairs at %dx%d (model %s)",
                                r.images(), r.size(), r.size(), r.model())),
                dir.resolve(RATE_DISTORTION_PNG));
        String panel = "";
        if (r.attacks().contains(ATTACK_PANEL)) {
            writePng(
                    RateDistortionPlot.draw(
                            RateDistortionPlot.pointsAfter(r, ATTACK_PANEL),
                            String.format(
                                    "After JPEG q90 4:2:0, %d pairs at %dx%d (model %s)",
                                    r.images(), r.size(), r.size(), r.model())),
                    dir.resolve(RATE_DISTORTION_ATTACKED_PNG));
            panel = "<h2>Rate-distortion after JPEG q90 4:2:0</h2><p>Secret PSNR after the stego image is re-encoded"
                    + " as JPEG quality 90 with 4:2:0 chroma (the sealed method refuses any altered image)</p>"
                    + "<img src=\"" + RATE_DISTORTION_ATTACKED_PNG
                    + "\" alt=\"cover PSNR against secret PSNR after JPEG q90 per method\">";
        }
        StringBuilder rows = new StringBuilder();
        int i = 0;
        for (Evaluation.Pair p : r.pairs()) {
            String png = String.format("pair-%03d.png", i++);
            if (p.cover() != null) {
                List<FloatImage> images = new ArrayList<>(
                        List.of(p.cover(), p.stego(), p.stego().absDiff(p.cover(), 10f), p.secret(), p.extracted()));
                List<String> labels =
                        new ArrayList<>(List.of("cover", "stego", "|stego-cover| x10", "secret", "extracted"));
                if (p.otherExtracted() != null) {
                    images.add(p.otherExtracted());
                    labels.add("other model extracts");
                }
                writePng(grid(images, labels), dir.resolve(png));
            }
            rows.append(String.format(
                    "<h3>%s in %s: cover/stego %.2f dB (SSIM %.4f), secret/extracted %.2f dB (SSIM %.4f)</h3>"
                            + "<img src=\"%s\" alt=\"%s\">%n",
                    esc(p.secretName()),
                    esc(p.coverName()),
                    p.embedding().psnr(),
                    p.embedding().ssim(),
                    p.extraction().psnr(),
                    p.extraction().ssim(),
                    png,
                    png));
        }
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Stego-eHealth evaluation</title>"
                + "<style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}img{max-width:100%}</style>"
                + "</head><body><h1>Stego-eHealth evaluation</h1><p>Model <b>" + esc(r.model()) + "</b></p><pre>"
                + esc(table) + "</pre><h2>Rate-distortion</h2><img src=\"" + RATE_DISTORTION_PNG
                + "\" alt=\"cover PSNR against secret PSNR per method\">" + panel + rows + "</body></html>";
        Path file = dir.resolve("report.html");
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
