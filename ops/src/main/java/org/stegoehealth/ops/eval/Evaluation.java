package org.stegoehealth.ops.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ImageInputException;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Lsb;
import org.stegoehealth.model.Progress;

/**
 * Evaluation as the paper reports it: secrets paired in sorted file order with covers in sorted order (covers
 * cycle), each image centre-cropped to a square and resized (bicubic) to one size, the stego image rounded to
 * 8 bits as it would be sent, then extracted. Metrics are averaged per image. The k-LSB baselines run on the same
 * pairs, with the X-ray replicated to three channels as in the paper's setting.
 */
public final class Evaluation {

    /** The paper's figures, as reported (SSIM not reported). */
    public static final Quality PAPER_EMBEDDING = new Quality(40.15, 32.16, Double.NaN);
    public static final Quality PAPER_EXTRACTION = new Quality(44.64, 31.96, Double.NaN);
    public static final int[] LSB_BITS = {1, 2, 3, 4};

    /** One evaluated pair, with the images kept for grids and reports. */
    public record Pair(String coverName, String secretName, FloatImage cover, FloatImage stego, FloatImage secret,
                       FloatImage extracted, Quality embedding, Quality extraction) {
    }

    /** Per-method results. */
    public record Result(int images, int size, String model, Quality embedding, Quality extraction,
                         Map<String, Quality[]> baselines, List<Pair> pairs) {
    }

    private Evaluation() {
    }

    /** Sorted image files of a directory, optionally filtered by file name. */
    public static List<Path> imageFiles(Path dir, Predicate<String> keep) {
        List<Path> files = Images.listImages(dir).stream().filter(p -> keep.test(p.getFileName().toString())).toList();
        if (files.isEmpty()) {
            throw new ImageInputException(dir + ": no PNG or JPEG images");
        }
        return files;
    }

    /**
     * @param keepImages keep the images of each pair (for grids); costs memory on large sets
     */
    public static Result run(HidingModel model, List<Path> covers, List<Path> secrets, int size, int batch,
                             boolean keepImages, Progress progress) {
        Quality.Mean embedding = new Quality.Mean();
        Quality.Mean extraction = new Quality.Mean();
        Map<String, Quality.Mean[]> lsb = new LinkedHashMap<>();
        for (int k : LSB_BITS) {
            lsb.put("lsb-" + k, new Quality.Mean[] {new Quality.Mean(), new Quality.Mean()});
        }
        List<Pair> pairs = new ArrayList<>();
        Map<Path, FloatImage> coverCache = new LinkedHashMap<>();
        for (int start = 0; start < secrets.size(); start += batch) {
            int end = Math.min(secrets.size(), start + batch);
            List<FloatImage> c = new ArrayList<>();
            List<FloatImage> s = new ArrayList<>();
            for (int i = start; i < end; i++) {
                Path coverPath = covers.get(i % covers.size());
                c.add(coverCache.computeIfAbsent(coverPath, p -> Images.squareAt(Images.read(p), size).toRgb().quantize8()));
                s.add(Images.squareAt(Images.read(secrets.get(i)), size).toGray().quantize8()
                        .withChannels(model.secretChannels()));
            }
            List<FloatImage> stego = new ArrayList<>();
            for (FloatImage img : model.embed(c, s)) {
                stego.add(img.quantize8());
            }
            List<FloatImage> extracted = model.extract(stego);
            for (int j = 0; j < c.size(); j++) {
                Quality e = Quality.of(c.get(j), stego.get(j));
                Quality x = Quality.of(s.get(j), extracted.get(j));
                embedding.add(e);
                extraction.add(x);
                FloatImage secretRgb = s.get(j).toRgb();
                for (int k : LSB_BITS) {
                    FloatImage lsbStego = Lsb.embed(c.get(j), secretRgb, k);
                    Quality.Mean[] m = lsb.get("lsb-" + k);
                    m[0].add(Quality.of(c.get(j), lsbStego));
                    m[1].add(Quality.of(secretRgb, Lsb.extract(lsbStego, k)));
                }
                int i = start + j;
                pairs.add(new Pair(covers.get(i % covers.size()).getFileName().toString(),
                        secrets.get(i).getFileName().toString(), keepImages ? c.get(j) : null,
                        keepImages ? stego.get(j) : null, keepImages ? s.get(j) : null,
                        keepImages ? extracted.get(j) : null, e, x));
            }
            progress.update("evaluating", end, secrets.size(), String.format("cover %.2f dB, secret %.2f dB so far",
                    embedding.get().psnr(), extraction.get().psnr()));
        }
        Map<String, Quality[]> baselines = new LinkedHashMap<>();
        lsb.forEach((name, m) -> baselines.put(name, new Quality[] {m[0].get(), m[1].get()}));
        return new Result(secrets.size(), size, model.version(), embedding.get(), extraction.get(), baselines, pairs);
    }

    /** The paper's comparison table as text. */
    public static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%d image pairs at %dx%d, stego rounded to 8 bits before extraction%n", r.images(), r.size(), r.size()));
        sb.append(String.format("%-34s | %9s %9s %7s | %9s %9s %7s%n", "method", "emb MSE", "emb PSNR", "SSIM",
                "ext MSE", "ext PSNR", "SSIM"));
        sb.append("-".repeat(34)).append("-+-").append("-".repeat(27)).append("-+-").append("-".repeat(27)).append('\n');
        row(sb, "Stego-eHealth paper (reported)", PAPER_EMBEDDING, PAPER_EXTRACTION);
        row(sb, "this model (" + r.model() + ")", r.embedding(), r.extraction());
        r.baselines().forEach((name, q) -> row(sb, name.replace("lsb-", "") + "-bit LSB", q[0], q[1]));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Quality e, Quality x) {
        sb.append(String.format("%-34s | %9.2f %9.2f %7s | %9.2f %9.2f %7s%n", name, e.mse(), e.psnr(), fmt(e.ssim()),
                x.mse(), x.psnr(), fmt(x.ssim())));
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.4f", v);
    }

    /** The JSON document {@code --json} writes. */
    public static Map<String, Object> json(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", r.images());
        m.put("size", r.size());
        m.put("model", r.model());
        m.put("embedding", q(r.embedding()));
        m.put("extraction", q(r.extraction()));
        Map<String, Object> b = new LinkedHashMap<>();
        r.baselines().forEach((name, q) -> b.put(name, Map.of("embedding", q(q[0]), "extraction", q(q[1]))));
        m.put("baselines", b);
        return m;
    }

    private static Map<String, Object> q(Quality q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mse", q.mse());
        m.put("psnr", q.psnr());
        m.put("ssim", q.ssim());
        return m;
    }
}
