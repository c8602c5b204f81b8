package org.stegoehealth.ops.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.stegoehealth.lab.eval.Quality;
import org.stegoehealth.lab.eval.Report;
import org.stegoehealth.model.FloatImage;

/** The demo's result: per X-ray images and quality figures, as a text table and as an HTML page with image grids. */
public final class DemoReport {

    /**
     * One X-ray's trip, every image at the X-ray's geometry.
     *
     * @param cover      the cover as the embedder used it (fitted to the X-ray's width x height)
     * @param stego      the stego image as it travelled (8-bit PNG)
     * @param original   the X-ray as published, in the model's secret channels
     * @param recovered  the X-ray as the extractor published it (8-bit PNG)
     * @param latencyS   seconds from publishing the X-ray to reading its recovered record
     */
    public record Row(
            String xrayName,
            String coverId,
            FloatImage cover,
            FloatImage stego,
            FloatImage original,
            FloatImage recovered,
            double latencyS) {

        public Quality embedding() {
            return Quality.of(cover, stego);
        }

        public Quality extraction() {
            return Quality.of(original, recovered);
        }
    }

    private final String model;
    private final List<Row> rows;
    private final List<Quality[]> qualities;

    public DemoReport(String model, List<Row> rows) {
        this.model = model;
        this.rows = List.copyOf(rows);
        this.qualities = rows.stream()
                .map(r -> new Quality[] {r.embedding(), r.extraction()})
                .toList();
    }

    /** Per-image figures and their mean, one line each. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("model %s, %d X-ray(s)%n", model, rows.size()));
        sb.append(String.format(
                "%-28s %-34s %9s %10s %8s %14s %8s %9s%n",
                "X-ray", "cover", "size", "cover/stego", "SSIM", "orig/recovered", "SSIM", "latency"));
        Quality.Mean embedding = new Quality.Mean();
        Quality.Mean extraction = new Quality.Mean();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Quality[] q = qualities.get(i);
            embedding.add(q[0]);
            extraction.add(q[1]);
            sb.append(String.format(
                    "%-28s %-34s %9s %7.2f dB %8.4f %11.2f dB %8.4f %7.1f s%n",
                    clip(r.xrayName(), 28),
                    clip(r.coverId(), 34),
                    r.original().width() + "x" + r.original().height(),
                    q[0].psnr(),
                    q[0].ssim(),
                    q[1].psnr(),
                    q[1].ssim(),
                    r.latencyS()));
        }
        Quality e = embedding.get();
        Quality x = extraction.get();
        sb.append(String.format(
                "%-28s %-34s %9s %7.2f dB %8.4f %11.2f dB %8.4f%n",
                "mean", "", "", e.psnr(), e.ssim(), x.psnr(), x.ssim()));
        return sb.toString();
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }

    /** Writes one grid PNG per X-ray and {@code report.html} into {@code dir}; returns the HTML file. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder sections = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Quality[] q = qualities.get(i);
            String png = String.format("xray-%02d.png", i + 1);
            Report.writePng(
                    Report.grid(
                            List.of(
                                    r.cover(),
                                    r.stego(),
                                    r.stego().absDiff(r.cover(), 10f),
                                    r.original(),
                                    r.recovered()),
                            List.of("cover", "stego", "|stego-cover| x10", "original", "recovered")),
                    dir.resolve(png));
            sections.append(String.format(
                    "<h3>%s hidden in %s (%dx%d): cover/stego %.2f dB, SSIM %.4f; "
                            + "original/recovered %.2f dB, SSIM %.4f; %.1f s end to end</h3><img src=\"%s\" alt=\"%s\">%n",
                    Report.esc(r.xrayName()),
                    Report.esc(r.coverId()),
                    r.original().width(),
                    r.original().height(),
                    q[0].psnr(),
                    q[0].ssim(),
                    q[1].psnr(),
                    q[1].ssim(),
                    r.latencyS(),
                    png,
                    png));
        }
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Stego-eHealth demo</title>"
                + "<style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}img{max-width:100%}</style>"
                + "</head><body><h1>Stego-eHealth demo: X-rays through Kafka</h1><p>Every X-ray was published to Kafka, "
                + "hidden in a cover photo by the embedder, carried as a stego PNG, and recovered by the extractor. "
                + "Figures are measured at each X-ray's own geometry; the cover is the cover as fitted to it.</p>"
                + "<p>Model <b>" + Report.esc(model) + "</b></p><pre>" + Report.esc(table()) + "</pre>" + sections
                + "</body></html>";
        Path file = dir.resolve("report.html");
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }
}
