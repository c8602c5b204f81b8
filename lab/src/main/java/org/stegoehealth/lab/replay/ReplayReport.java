package org.stegoehealth.lab.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.lab.eval.Report;

/**
 * The comparison {@code stego replay} writes: one row per model version measured on the same replayed pairs
 * (embedding and extraction PSNR and SSIM, the mean per-image change against the first version), {@code replay.json}
 * with every image's figures, and {@code report.html} with the grids of each version's worst images.
 */
final class ReplayReport {

    /** One version's evaluation on the replayed pairs. */
    record Measured(String version, Evaluation.Result result) {}

    private final List<Measured> measured;
    private final String table;

    /** @param table the text table as printed (see {@link #table} and {@link #rows}) */
    ReplayReport(List<Measured> measured, String table) {
        this.measured = List.copyOf(measured);
        this.table = table;
    }

    /**
     * Prints the table to {@code stdout} and writes {@code replay.json}, {@code report.html} and the grids of the
     * {@code worst} images of each version into {@code out}.
     */
    void write(Path out, int worst, PrintWriter stdout) throws IOException {
        stdout.print(table);
        Files.createDirectories(out);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("replay.json").toFile(), json(measured));
        Path html = html(out, worst);
        stdout.printf("report: %s, %s%n", html.toAbsolutePath().normalize(), out.resolve("replay.json"));
    }

    static String table(List<Measured> measured) {
        Evaluation.Result first = measured.get(0).result();
        return String.format(
                        Locale.ROOT,
                        "%d replayed X-ray(s) at %dx%d, stego rounded to 8 bits%n",
                        first.images(),
                        first.size(),
                        first.size())
                + rows(measured);
    }

    /** The side-by-side rows of both modes (embedding columns '-' where there is no cover to compare with). */
    static String rows(List<Measured> measured) {
        StringBuilder sb = new StringBuilder();
        Evaluation.Result first = measured.get(0).result();
        sb.append(String.format(
                Locale.ROOT,
                "%-42s | %9s %7s | %9s %7s | %s%n",
                "version",
                "emb PSNR",
                "SSIM",
                "ext PSNR",
                "SSIM",
                "vs first (mean per-image delta, dB)"));
        sb.append("-".repeat(42))
                .append("-+-")
                .append("-".repeat(17))
                .append("-+-")
                .append("-".repeat(17))
                .append("-+-")
                .append("-".repeat(36))
                .append('\n');
        for (Measured m : measured) {
            Evaluation.Result r = m.result();
            String delta = m == measured.get(0)
                    ? "-"
                    : String.format(
                            Locale.ROOT,
                            "cover %+.2f, secret %+.2f",
                            meanDelta(first, r, true),
                            meanDelta(first, r, false));
            sb.append(String.format(
                    Locale.ROOT,
                    "%-42s | %9s %7s | %9s %7s | %s%n",
                    m.version(),
                    figure("%.2f", r.embedding().psnr()),
                    figure("%.4f", r.embedding().ssim()),
                    figure("%.2f", r.extraction().psnr()),
                    figure("%.4f", r.extraction().ssim()),
                    delta));
        }
        return sb.toString();
    }

    private static String figure(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    /** Mean per-image PSNR change against {@code base}, over the images both measured (matched by name). */
    private static double meanDelta(Evaluation.Result base, Evaluation.Result other, boolean cover) {
        Map<String, Evaluation.Pair> baseByName = byName(base);
        double sum = 0;
        int n = 0;
        for (Evaluation.Pair p : other.pairs()) {
            Evaluation.Pair b = baseByName.get(p.secretName());
            if (b != null) {
                sum += psnr(p, cover) - psnr(b, cover);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static Map<String, Evaluation.Pair> byName(Evaluation.Result r) {
        Map<String, Evaluation.Pair> m = new HashMap<>();
        r.pairs().forEach(p -> m.put(p.secretName(), p));
        return m;
    }

    private static double psnr(Evaluation.Pair p, boolean cover) {
        return cover ? p.embedding().psnr() : p.extraction().psnr();
    }

    private static Map<String, Object> json(List<Measured> measured) {
        Map<String, Object> doc = new LinkedHashMap<>();
        Evaluation.Result first = measured.get(0).result();
        doc.put("images", first.images());
        doc.put("size", first.size());
        List<Map<String, Object>> versions = new ArrayList<>();
        for (Measured m : measured) {
            Map<String, Object> v = new LinkedHashMap<>(Evaluation.json(m.result()));
            v.remove("baselines");
            boolean covers = !Double.isNaN(m.result().embedding().psnr());
            if (!covers) {
                v.remove("embedding");
                v.remove("bitsPerChannel");
            }
            v.put("version", m.version());
            Map<String, Evaluation.Pair> base = byName(first);
            List<Map<String, Object>> perImage = new ArrayList<>();
            for (Evaluation.Pair p : m.result().pairs()) {
                Evaluation.Pair b = base.get(p.secretName());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("xray", p.secretName());
                row.put(covers ? "cover" : "namedVersion", p.coverName());
                if (covers) {
                    row.put("coverPsnr", p.embedding().psnr());
                }
                row.put("secretPsnr", p.extraction().psnr());
                if (b != null && covers) {
                    row.put(
                            "coverPsnrDelta",
                            p.embedding().psnr() - b.embedding().psnr());
                }
                if (b != null) {
                    row.put(
                            "secretPsnrDelta",
                            p.extraction().psnr() - b.extraction().psnr());
                }
                perImage.add(row);
            }
            v.put("perImage", perImage);
            versions.add(v);
        }
        doc.put("versions", versions);
        return doc;
    }

    private Path html(Path out, int worst) throws IOException {
        StringBuilder body = new StringBuilder();
        for (Measured m : measured) {
            body.append("<h2>")
                    .append(Report.esc(m.version()))
                    .append(": worst ")
                    .append(worst)
                    .append(" by extraction PSNR</h2>\n");
            List<Evaluation.Pair> sorted = new ArrayList<>(m.result().pairs());
            sorted.sort(Comparator.comparingDouble(p -> p.extraction().psnr()));
            for (int i = 0; i < Math.min(worst, sorted.size()); i++) {
                Evaluation.Pair p = sorted.get(i);
                String png = String.format("%s-worst-%d.png", m.version(), i).replaceAll("[^A-Za-z0-9._-]", "_");
                boolean cover = p.cover() != null;
                Report.writePng(
                        cover
                                ? Report.grid(
                                        List.of(
                                                p.cover(),
                                                p.stego(),
                                                p.stego().absDiff(p.cover(), 10f),
                                                p.secret(),
                                                p.extracted()),
                                        List.of("cover", "stego", "|stego-cover| x10", "secret", "extracted"))
                                : Report.grid(
                                        List.of(
                                                p.stego(),
                                                p.secret(),
                                                p.extracted(),
                                                p.extracted().absDiff(p.secret(), 10f)),
                                        List.of("stego", "original", "recovered", "|recovered-original| x10")),
                        out.resolve(png));
                body.append(String.format(
                        Locale.ROOT,
                        "<h3>%s %s %s: %s%.2f dB</h3>" + "<img src=\"%s\" alt=\"%s\">%n",
                        Report.esc(p.secretName()),
                        cover ? "in" : "made with",
                        Report.esc(p.coverName()),
                        cover
                                ? String.format(
                                        Locale.ROOT,
                                        "cover %.2f dB, secret ",
                                        p.embedding().psnr())
                                : "secret ",
                        p.extraction().psnr(),
                        png,
                        png));
            }
        }
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Stego-eHealth replay</title>"
                + "<style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}"
                + "img{max-width:100%}</style></head><body><h1>Replay: versions side by side</h1><pre>"
                + Report.esc(table) + "</pre>" + body + "</body></html>";
        Path file = out.resolve("report.html");
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }
}
