package org.stegoehealth.lab.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.lab.eval.Report;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelCache;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.CoverLibrary;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.admin.TopicRange;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.models.ModelFeed;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.security.Keyring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stego replay}: a range of real X-ray traffic, with the covers the embedder would give it, through one or
 * more model versions offline. Reads only (no consumer group, nothing committed, nothing written to any topic).
 * Every version is measured by the evaluation code of {@code stego evaluate} on the same pairs, which are also written
 * out as files, so {@code stego evaluate} on them gives the same figures.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replay a range of the X-ray topic through one or more model versions offline and compare them",
            "side by side (embedding and extraction PSNR/SSIM, per-image deltas, worst images with their grids).",
            "With --stego: replay a range of the stego topic through the extractor (signatures checked as the",
            "extractor does) with the version each image names, or the --version(s) given, and compare the",
            "recovered X-rays with their originals (--originals DIR, matched by message id).",
            "Never writes to any topic. Writes report.html and replay.json to --out."
        })
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(
            names = {"-k", "--keyring"},
            paramLabel = "DIR",
            description = "Keyring that verifies versions from the model topic (default: keyring.dir).")
    Path keyring;

    @Option(
            names = "--stego",
            description =
                    "Replay the stego topic through the extractor instead of the X-ray topic through the embedder.")
    boolean stego;

    @Option(
            names = "--originals",
            paramLabel = "DIR",
            description = "With --stego: the X-ray files that were sent, matched to stego images by message id.")
    Path originals;

    @Option(
            names = "--version",
            paramLabel = "VERSION",
            description = "A version from the model topic (repeatable). With --stego: extract every image with it"
                    + " (default: the version each image names).")
    List<String> versions = new ArrayList<>();

    @Option(names = "--model-dir", paramLabel = "DIR", description = "A local model artifact (repeatable).")
    List<Path> modelDirs = new ArrayList<>();

    @Option(names = "--from-offset", paramLabel = "N", description = "First offset of every partition.")
    Long fromOffset;

    @Option(names = "--to-offset", paramLabel = "N", description = "Stop at this offset of every partition.")
    Long toOffset;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description = "From this time (ISO-8601, e.g. 2026-11-29T08:00:00Z).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", description = "Up to this time (ISO-8601).")
    Instant until;

    @Option(
            names = "--limit",
            defaultValue = "100",
            description = "At most this many X-rays (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--size",
            defaultValue = "256",
            description = "Square side of the pairs (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "4", description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--worst",
            defaultValue = "5",
            description = "Worst images shown per version (default: ${DEFAULT-VALUE}).")
    int worst;

    @Option(
            names = "--out",
            defaultValue = "replay-report",
            description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

    /** One version's evaluation on the replayed pairs. */
    record Measured(String version, Evaluation.Result result) {}

    @Override
    public Integer call() throws Exception {
        if (!stego && originals != null) {
            throw new IllegalArgumentException("--originals goes with --stego");
        }
        if (!stego && versions.isEmpty() && modelDirs.isEmpty()) {
            throw new IllegalArgumentException("name at least one model: --version VERSION or --model-dir DIR");
        }
        Map<String, String> extra = new HashMap<>();
        if (keyring != null) {
            extra.put(StegoConfig.KEYRING_DIR, keyring.toString());
        }
        StegoConfig config = common.load(extra);
        Topics topics = CommonOptions.topics(config);
        Progress progress = new Progress(System.err);
        PrintWriter stdout = spec.commandLine().getOut();
        if (stego) {
            StegoReplay.Run run = new StegoReplay(config, topics, progress)
                    .run(new TopicRange(fromOffset, toOffset, since, until, limit), sources(config, topics), originals);
            String table = StegoReplay.header(run) + rows(run.measured());
            write(run.measured(), table, stdout);
            return 0;
        }
        Path pairs = out.resolve("pairs");
        List<Path> secretFiles = new ArrayList<>();
        List<Path> coverFiles = new ArrayList<>();
        dumpPairs(config, topics, pairs, secretFiles, coverFiles, progress);
        progress.message(secretFiles.size() + " X-ray(s) replayed from " + topics.xrays.name() + " into " + pairs);

        Map<String, HidingModel> models = models(config, topics);
        List<Measured> measured = new ArrayList<>();
        for (Map.Entry<String, HidingModel> m : models.entrySet()) {
            progress.message("running " + secretFiles.size() + " pair(s) through " + m.getKey());
            measured.add(new Measured(
                    m.getKey(),
                    Evaluation.run(
                            m.getValue(),
                            coverFiles,
                            secretFiles,
                            size,
                            Math.max(1, batch),
                            List.of(),
                            true,
                            progress)));
        }
        String table = table(measured);
        write(measured, table, stdout);
        stdout.printf(
                "the same pairs with stego evaluate: ./stego evaluate --covers %s --secrets %s --size %d%n",
                pairs.resolve("covers"), pairs.resolve("xrays"), size);
        return 0;
    }

    private void write(List<Measured> measured, String table, PrintWriter stdout) throws IOException {
        stdout.print(table);
        Files.createDirectories(out);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("replay.json").toFile(), json(measured));
        Path html = html(measured, table);
        stdout.printf("report: %s, %s%n", html.toAbsolutePath().normalize(), out.resolve("replay.json"));
    }

    /**
     * Reads the covers and the X-ray range and writes pair {@code i} as {@code xrays/NNNNN-...} and
     * {@code covers/NNNNN-...}, so sorted order pairs them exactly as the embedder did.
     */
    private void dumpPairs(
            StegoConfig config,
            Topics topics,
            Path dir,
            List<Path> secretFiles,
            List<Path> coverFiles,
            Progress progress)
            throws IOException {
        Map<String, byte[]> covers = new HashMap<>();
        new TopicRange(null, null, null, null, 0)
                .read(
                        StreamsConfigs.readCommittedConsumer(config, "replay"),
                        topics.covers.name(),
                        r -> r.value() != null,
                        r -> {
                            CoverImageEvent c =
                                    topics.covers.valueSerde().deserializer().deserialize(r.topic(), r.value());
                            covers.put(new String(r.key(), StandardCharsets.UTF_8), InputImages.bytes(c.getImage()));
                        });
        if (covers.isEmpty()) {
            throw new IllegalArgumentException("the cover topic " + topics.covers.name() + " is empty");
        }
        Files.createDirectories(dir.resolve("xrays"));
        Files.createDirectories(dir.resolve("covers"));
        Set<String> seen = new LinkedHashSet<>();
        TopicRange range = new TopicRange(fromOffset, toOffset, since, until, limit);
        int[] skipped = {0};
        range.read(
                StreamsConfigs.readCommittedConsumer(config, "replay"),
                topics.xrays.name(),
                r -> r.value() != null,
                r -> {
                    XrayImageEvent x;
                    try {
                        x = topics.xrays.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    } catch (RuntimeException e) {
                        skipped[0]++;
                        return;
                    }
                    if (!seen.add(x.getMessageId())) {
                        return;
                    }
                    String coverId = x.getCoverId() != null && covers.containsKey(x.getCoverId())
                            ? x.getCoverId()
                            : CoverLibrary.chooseAmong(covers.keySet(), x.getMessageId());
                    int i = secretFiles.size();
                    String ext = x.getFormat() == ImageFormat.PNG ? ".png" : ".jpg";
                    byte[] cover = covers.get(coverId);
                    String coverExt = InputImages.sniff(cover) == ImageFormat.PNG ? ".png" : ".jpg";
                    try {
                        secretFiles.add(Files.write(
                                dir.resolve("xrays").resolve(String.format("%05d-%s%s", i, x.getMessageId(), ext)),
                                InputImages.bytes(x.getImage())));
                        coverFiles.add(Files.write(
                                dir.resolve("covers").resolve(String.format("%05d-%s%s", i, coverId, coverExt)),
                                cover));
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot write " + dir + ": " + e.getMessage(), e);
                    }
                    progress.update("reading X-rays", secretFiles.size(), limit > 0 ? limit : secretFiles.size(), "");
                });
        if (skipped[0] > 0) {
            progress.message(skipped[0] + " record(s) in the range are not X-ray events; skipped");
        }
        if (secretFiles.isEmpty()) {
            throw new IllegalArgumentException("no X-rays in the given range of " + topics.xrays.name());
        }
    }

    /**
     * The stego mode's model sources by label: every version from the model topic as each image names it, or each
     * named version forced on every image.
     */
    private Map<String, ModelSource> sources(StegoConfig config, Topics topics) throws IOException {
        Map<String, ModelSource> sources = new LinkedHashMap<>();
        if (versions.isEmpty() && modelDirs.isEmpty()) {
            sources.put(AS_NAMED, registry(config, topics, 3));
        } else {
            models(config, topics).forEach((v, m) -> sources.put(v, ModelSource.forced(m)));
        }
        return sources;
    }

    /** The label of the stego mode's row where each image is extracted with the version it names. */
    static final String AS_NAMED = "(version each image names)";

    private ModelRegistry registry(StegoConfig config, Topics topics, int maxLoaded) throws IOException {
        Path cache = Files.createDirectories(out.resolve("models"));
        Keyring keys = Keyring.open(config.keyringDir());
        String hospital = TransferSecurity.hospitalOf(keys, config, TransferSecurity.Site.EITHER);
        ModelRegistry registry = new ModelRegistry(new ModelCache(cache), keys, hospital, maxLoaded);
        try (ModelFeed feed = new ModelFeed(StreamsConfigs.readCommittedConsumer(config, "replay"), topics, registry)) {
            feed.catchUp(Duration.ofMinutes(2));
        }
        return registry;
    }

    private Map<String, HidingModel> models(StegoConfig config, Topics topics) throws IOException {
        Map<String, HidingModel> models = new LinkedHashMap<>();
        if (!versions.isEmpty()) {
            ModelRegistry registry = registry(config, topics, versions.size());
            for (String v : versions) {
                if (!registry.has(v)) {
                    throw new IllegalArgumentException(
                            "model " + v + " is not a verified version on " + topics.models.name());
                }
                models.put(v, registry.model(v));
            }
        }
        for (Path dir : modelDirs) {
            HidingModel m = ModelArtifact.load(dir).toModel();
            models.put(m.version(), m);
        }
        return models;
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

    private Path html(List<Measured> measured, String table) throws IOException {
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
