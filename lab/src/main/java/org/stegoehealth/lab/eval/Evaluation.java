package org.stegoehealth.lab.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.stegoehealth.model.Attack;
import org.stegoehealth.model.Baseline;
import org.stegoehealth.model.DctQim;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ImageInputException;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.SpreadLsb;
import org.stegoehealth.model.StegoModel;

/**
 * Evaluation as the paper reports it: secrets paired in sorted file order with covers in sorted order (covers
 * cycle), each image centre-cropped to a square and resized (bicubic) to one size, the stego image rounded to
 * 8 bits as it would be sent, then extracted. Metrics are averaged per image. Classical baselines run on the same
 * pairs: for a gray secret, spread LSB (the secret's bits spread over R, G and B, see {@link SpreadLsb}) and the
 * robust DCT-QIM ({@link DctQim}, built to survive JPEG and resizing); for the
 * paper's 3-channel secret, k-bit LSB of the replicated X-ray as in the paper's setting. Optional attacks
 * ({@link Attack}) alter each 8-bit stego image before a second extraction, for the robustness table.
 */
public final class Evaluation {

    /** The paper's figures, as reported (SSIM not reported). */
    public static final Quality PAPER_EMBEDDING = new Quality(40.15, 32.16, Double.NaN);

    public static final Quality PAPER_EXTRACTION = new Quality(44.64, 31.96, Double.NaN);
    /** The paper hides an RGB secret: 8 bits per cover sample. */
    public static final double PAPER_BITS_PER_CHANNEL = 8;

    public static final int[] LSB_BITS = {1, 2, 3, 4};

    /** One evaluated pair, with the images kept for grids and reports. */
    public record Pair(
            String coverName,
            String secretName,
            FloatImage cover,
            FloatImage stego,
            FloatImage secret,
            FloatImage extracted,
            Quality embedding,
            Quality extraction,
            FloatImage otherExtracted,
            Quality otherExtraction) {}

    /**
     * One method's averages.
     *
     * @param bitsPerChannel secret bits per cover sample (nominal for the network: the secret's bit depth spread over
     *                       the cover's channels)
     * @param attacked       secret/extracted quality after each attack, by attack name
     */
    public record MethodResult(
            String name, double bitsPerChannel, Quality embedding, Quality extraction, Map<String, Quality> attacked) {}

    /**
     * Per-method results.
     *
     * @param otherModel      version of the model that also extracted the network's stego images, or null
     * @param otherExtraction secret/extracted quality when that other model extracts, or null
     * @param unrounded       secret/extracted quality when the model extracts its stego image before the rounding
     *                        to 8 bits (what the channel's rounding costs), or null where not measured
     * @param unclipped       the same from the network's output before the clip to [0, 1] too, with the share of its
     *                        values outside [0, 1] (what the clip costs), or null for a model that is not a network, and
     *                        for a refining one, whose stego images are not the network's output
     */
    public record Result(
            int images,
            int size,
            String model,
            MethodResult network,
            Map<String, MethodResult> baselines,
            List<String> attacks,
            List<Pair> pairs,
            String otherModel,
            Quality otherExtraction,
            Quality unrounded,
            Unclipped unclipped) {

        public Quality embedding() {
            return network.embedding();
        }

        public Quality extraction() {
            return network.extraction();
        }
    }

    /**
     * The network's output before the clip to [0, 1].
     *
     * @param extraction     secret/extracted quality from it
     * @param outsideShare   share of its values outside [0, 1], which the clip changes
     */
    public record Unclipped(Quality extraction, double outsideShare) {}

    private Evaluation() {}

    /** The classical methods compared with a model hiding secrets of {@code secretChannels} channels. */
    public static List<Baseline> baselinesFor(int secretChannels) {
        List<Baseline> out = new ArrayList<>();
        if (secretChannels == 1) {
            out.addAll(SpreadLsb.STANDARD);
            out.add(DctQim.STANDARD);
        } else {
            for (int k : LSB_BITS) {
                out.add(Baseline.lsb(k));
            }
        }
        return out;
    }

    /** Sorted image files of a directory, optionally filtered by file name. */
    public static List<Path> imageFiles(Path dir, Predicate<String> keep) {
        List<Path> files = Images.listImages(dir).stream()
                .filter(p -> keep.test(p.getFileName().toString()))
                .toList();
        if (files.isEmpty()) {
            throw new ImageInputException(dir + ": no " + Images.Format.ACCEPTED + " images");
        }
        return files;
    }

    /** Running means of one method. */
    private static final class Means {
        final Quality.Mean embedding = new Quality.Mean();
        final Quality.Mean extraction = new Quality.Mean();
        final Map<String, Quality.Mean> attacked = new LinkedHashMap<>();

        Means(List<Attack> attacks) {
            attacks.forEach(a -> attacked.put(a.name(), new Quality.Mean()));
        }

        MethodResult get(String name, double bits) {
            Map<String, Quality> a = new LinkedHashMap<>();
            attacked.forEach((k, v) -> a.put(k, v.get()));
            return new MethodResult(name, bits, embedding.get(), extraction.get(), a);
        }
    }

    /**
     * @param keepImages keep the images of each pair (for grids); costs memory on large sets
     */
    public static Result run(
            HidingModel model,
            List<Path> covers,
            List<Path> secrets,
            int size,
            int batch,
            List<Attack> attacks,
            boolean keepImages,
            Progress progress) {
        return run(model, null, covers, secrets, size, batch, attacks, keepImages, progress);
    }

    /**
     * As {@link #run(HidingModel, List, List, int, int, List, boolean, Progress)}, and when {@code other} is not
     * null, the 8-bit stego images of {@code model} are also extracted by {@code other}: what someone holding a
     * different model (the public one, or another private one) recovers.
     */
    public static Result run(
            HidingModel model,
            HidingModel other,
            List<Path> covers,
            List<Path> secrets,
            int size,
            int batch,
            List<Attack> attacks,
            boolean keepImages,
            Progress progress) {
        if (other != null && other.secretChannels() != model.secretChannels()) {
            throw new IllegalArgumentException("the other model hides " + other.secretChannels() + "-channel secrets, "
                    + model.version() + " hides " + model.secretChannels());
        }
        Run run = new Run(model, other, attacks, keepImages);
        Map<Path, FloatImage> coverCache = new LinkedHashMap<>();
        for (int start = 0; start < secrets.size(); start += batch) {
            int end = Math.min(secrets.size(), start + batch);
            List<FloatImage> c = new ArrayList<>();
            List<FloatImage> s = new ArrayList<>();
            for (int i = start; i < end; i++) {
                c.add(coverCache.computeIfAbsent(
                        covers.get(i % covers.size()),
                        p -> Images.squareAt(Images.read(p), size).toRgb().quantize8()));
                s.add(Images.squareAt(Images.read(secrets.get(i)), size)
                        .toGray()
                        .quantize8()
                        .withChannels(model.secretChannels()));
            }
            run.batch(
                    start,
                    c,
                    s,
                    i -> covers.get(i % covers.size()).getFileName().toString(),
                    i -> secrets.get(i).getFileName().toString());
            progress.update(
                    "evaluating",
                    end,
                    secrets.size(),
                    String.format(
                            "cover %.2f dB, secret %.2f dB so far",
                            run.network.embedding.get().psnr(),
                            run.network.extraction.get().psnr()));
        }
        return run.result(secrets.size(), size);
    }

    /** The running means of one evaluation, batch by batch: the network, the baselines, the attacks. */
    private static final class Run {
        private final HidingModel model;
        private final HidingModel other;
        private final List<Attack> attacks;
        private final boolean keepImages;
        private final List<Baseline> baselines;
        private final Means network;
        private final Map<String, Means> classical = new LinkedHashMap<>();
        private final Quality.Mean otherMean = new Quality.Mean();
        private final Quality.Mean unroundedMean = new Quality.Mean();
        private final Quality.Mean unclippedMean = new Quality.Mean();
        private final List<Pair> pairs = new ArrayList<>();
        private long outside;
        private long values;

        Run(HidingModel model, HidingModel other, List<Attack> attacks, boolean keepImages) {
            this.model = model;
            this.other = other;
            this.attacks = attacks;
            this.keepImages = keepImages;
            this.baselines = baselinesFor(model.secretChannels());
            this.network = new Means(attacks);
            baselines.forEach(b -> classical.put(b.name(), new Means(attacks)));
        }

        /** Measures covers {@code c} with secrets {@code s}, pairs {@code start} on, named by the two functions. */
        void batch(
                int start,
                List<FloatImage> c,
                List<FloatImage> s,
                IntFunction<String> coverName,
                IntFunction<String> secretName) {
            List<FloatImage> unroundedStego = model.embed(c, s);
            List<FloatImage> stego = new ArrayList<>();
            for (FloatImage img : unroundedStego) {
                stego.add(img.quantize8());
            }
            List<FloatImage> extracted = model.extract(stego);
            withoutRounding(s, unroundedStego);
            withoutClip(c, s);
            List<FloatImage> otherExtracted = other == null ? null : other.extract(stego);
            underAttack(start, s, stego);
            for (int j = 0; j < c.size(); j++) {
                Quality e = Quality.of(c.get(j), stego.get(j));
                Quality x = Quality.of(s.get(j), extracted.get(j));
                network.embedding.add(e);
                network.extraction.add(x);
                Quality ox = otherExtracted == null ? null : Quality.of(s.get(j), otherExtracted.get(j));
                if (ox != null) {
                    otherMean.add(ox);
                }
                baselines(start + j, c.get(j), s.get(j));
                int i = start + j;
                pairs.add(new Pair(
                        coverName.apply(i),
                        secretName.apply(i),
                        keepImages ? c.get(j) : null,
                        keepImages ? stego.get(j) : null,
                        keepImages ? s.get(j) : null,
                        keepImages ? extracted.get(j) : null,
                        e,
                        x,
                        keepImages && otherExtracted != null ? otherExtracted.get(j) : null,
                        ox));
            }
        }

        /** Extraction from the stego images before their rounding to 8 bits. */
        private void withoutRounding(List<FloatImage> s, List<FloatImage> unroundedStego) {
            List<FloatImage> unroundedExtracted = model.extract(unroundedStego);
            for (int j = 0; j < s.size(); j++) {
                unroundedMean.add(Quality.of(s.get(j), unroundedExtracted.get(j)));
            }
        }

        /** For an unrefined network: extraction before the clip to [0, 1], and how many values the clip changes. */
        private void withoutClip(List<FloatImage> c, List<FloatImage> s) {
            if (!(model instanceof StegoModel net) || net.refinement().steps() != 0) {
                return;
            }
            List<FloatImage> raw = net.embedUnclipped(c, s);
            List<FloatImage> rawExtracted = net.extract(raw);
            for (int j = 0; j < raw.size(); j++) {
                unclippedMean.add(Quality.of(s.get(j), rawExtracted.get(j)));
                for (float v : raw.get(j).data()) {
                    outside += v < 0 || v > 1 ? 1 : 0;
                }
                values += raw.get(j).data().length;
            }
        }

        /** The network's extraction from each attacked stego image. */
        private void underAttack(int start, List<FloatImage> s, List<FloatImage> stego) {
            for (Attack attack : attacks) {
                List<FloatImage> hit = new ArrayList<>();
                for (int j = 0; j < stego.size(); j++) {
                    hit.add(attack.apply(stego.get(j), start + j));
                }
                List<FloatImage> back = model.extract(hit);
                for (int j = 0; j < back.size(); j++) {
                    network.attacked.get(attack.name()).add(Quality.of(s.get(j), back.get(j)));
                }
            }
        }

        /** Every classical baseline on pair {@code index}: plain and under each attack. */
        private void baselines(int index, FloatImage cover, FloatImage secret) {
            for (Baseline b : baselines) {
                FloatImage bStego = b.embed(cover, secret);
                Means m = classical.get(b.name());
                m.embedding.add(Quality.of(cover, bStego));
                m.extraction.add(Quality.of(secret, b.extract(bStego)));
                for (Attack attack : attacks) {
                    m.attacked.get(attack.name()).add(Quality.of(secret, b.extract(attack.apply(bStego, index))));
                }
            }
        }

        Result result(int images, int size) {
            Map<String, MethodResult> results = new LinkedHashMap<>();
            for (Baseline b : baselines) {
                results.put(b.name(), classical.get(b.name()).get(b.name(), b.bitsPerChannel()));
            }
            MethodResult net = network.get("network", 8.0 * model.secretChannels() / 3);
            return new Result(
                    images,
                    size,
                    model.version(),
                    net,
                    results,
                    attacks.stream().map(Attack::name).toList(),
                    pairs,
                    other == null ? null : other.version(),
                    other == null ? null : otherMean.get(),
                    unroundedMean.get(),
                    values == 0 ? null : new Unclipped(unclippedMean.get(), (double) outside / values));
        }
    }

    /** Human name of a method row. */
    static String label(String name) {
        if (name.startsWith("lsb-")) {
            return name.substring(4) + "-bit LSB";
        }
        if (name.startsWith("spread-lsb-")) {
            return "spread LSB " + name.substring(11);
        }
        if (name.equals(DctQim.STANDARD.name())) {
            return "DCT-QIM (robust)";
        }
        return name;
    }

    /** The paper's comparison table as text, then the robustness table when attacks were run. */
    public static String table(Result r) {
        return table(r, "");
    }

    /**
     * As {@link #table(Result)}, with {@code extraRows} (formatted like the method rows, for methods evaluated
     * elsewhere) after the baselines.
     */
    public static String table(Result r, String extraRows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                "%d image pairs at %dx%d, stego rounded to 8 bits before extraction%n",
                r.images(), r.size(), r.size()));
        sb.append(String.format(
                "%-34s | %5s | %9s %9s %7s | %9s %9s %7s%n",
                "method", "bpc", "emb MSE", "emb PSNR", "SSIM", "ext MSE", "ext PSNR", "SSIM"));
        String rule = "-".repeat(34) + "-+-" + "-".repeat(5) + "-+-" + "-".repeat(27) + "-+-" + "-".repeat(27) + "\n";
        sb.append(rule);
        row(sb, "Stego-eHealth paper (reported)", PAPER_BITS_PER_CHANNEL, PAPER_EMBEDDING, PAPER_EXTRACTION);
        sb.append(String.format("%-34s%n", "this model: " + r.model()));
        row(sb, "this model", r.network().bitsPerChannel(), r.embedding(), r.extraction());
        if (r.otherModel() != null) {
            sb.append(String.format("%-34s%n", "its stego extracted by: " + r.otherModel()));
            row(sb, "another model extracts", r.network().bitsPerChannel(), r.embedding(), r.otherExtraction());
        }
        r.baselines()
                .values()
                .forEach(m -> row(sb, label(m.name()), m.bitsPerChannel(), m.embedding(), m.extraction()));
        sb.append(extraRows);
        sb.append("bpc: secret bits per cover sample (the network's is nominal: the secret's 8 bits per pixel over the "
                + "cover's channels)\n");
        if (r.unrounded() != null) {
            sb.append(String.format(
                    "the model's secret PSNR from its stego image before the rounding to 8 bits: %.2f dB (the rounding"
                            + " costs %.2f dB)%n",
                    r.unrounded().psnr(), r.unrounded().psnr() - r.extraction().psnr()));
        }
        if (r.unclipped() != null) {
            sb.append(String.format(
                    "and from the network's output before the clip to [0, 1] too: %.2f dB (%.2f %% of its values lie"
                            + " outside [0, 1])%n",
                    r.unclipped().extraction().psnr(), 100 * r.unclipped().outsideShare()));
        }
        if (!r.attacks().isEmpty()) {
            sb.append(String.format(
                    "%nsecret/extracted PSNR (dB) and SSIM after an attack on the 8-bit stego " + "image%n"));
            sb.append(String.format("%-34s", "method"));
            r.attacks().forEach(a -> sb.append(String.format(" | %15s", a)));
            sb.append('\n');
            robustnessRow(sb, "this model", r.network(), r.attacks());
            r.baselines().values().forEach(m -> robustnessRow(sb, label(m.name()), m, r.attacks()));
        }
        return sb.toString();
    }

    private static void robustnessRow(StringBuilder sb, String name, MethodResult m, List<String> attacks) {
        sb.append(String.format("%-34s", name));
        for (String a : attacks) {
            Quality q = m.attacked().get(a);
            sb.append(String.format(" | %6.2f / %6.4f", q.psnr(), q.ssim()));
        }
        sb.append('\n');
    }

    private static void row(StringBuilder sb, String name, double bits, Quality e, Quality x) {
        sb.append(String.format(
                "%-34s | %5.2f | %9.2f %9.2f %7s | %9.2f %9.2f %7s%n",
                name, bits, e.mse(), e.psnr(), fmt(e.ssim()), x.mse(), x.psnr(), fmt(x.ssim())));
    }

    /** A method row from text cells, for methods whose extraction is not measured as an MSE. */
    public static String row(String name, double bits, Quality e, String xMse, String xPsnr, String xSsim) {
        return String.format(
                "%-34s | %5.2f | %9.2f %9.2f %7s | %9s %9s %7s%n",
                name, bits, e.mse(), e.psnr(), fmt(e.ssim()), xMse, xPsnr, xSsim);
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
        m.put("bitsPerChannel", r.network().bitsPerChannel());
        m.put("embedding", q(r.embedding()));
        m.put("extraction", q(r.extraction()));
        if (r.unrounded() != null) {
            m.put("extractionUnrounded", q(r.unrounded()));
        }
        if (r.unclipped() != null) {
            m.put("extractionUnclipped", q(r.unclipped().extraction()));
            m.put("stegoOutsideRange", r.unclipped().outsideShare());
        }
        if (!r.attacks().isEmpty()) {
            m.put("attacks", attacks(r.network()));
        }
        if (r.otherModel() != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", r.otherModel());
            o.put("extraction", q(r.otherExtraction()));
            m.put("extractedWith", o);
        }
        Map<String, Object> b = new LinkedHashMap<>();
        r.baselines().forEach((name, x) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bitsPerChannel", x.bitsPerChannel());
            row.put("embedding", q(x.embedding()));
            row.put("extraction", q(x.extraction()));
            if (!r.attacks().isEmpty()) {
                row.put("attacks", attacks(x));
            }
            b.put(name, row);
        });
        m.put("baselines", b);
        return m;
    }

    private static Map<String, Object> attacks(MethodResult x) {
        Map<String, Object> a = new LinkedHashMap<>();
        x.attacked().forEach((k, v) -> a.put(k, q(v)));
        return a;
    }

    private static Map<String, Object> q(Quality q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mse", q.mse());
        m.put("psnr", q.psnr());
        m.put("ssim", q.ssim());
        return m;
    }
}
