package org.stegoehealth.lab.replay;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.stegoehealth.lab.eval.Evaluation;
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
import org.stegoehealth.processors.cli.Wiring;
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
 * out as files, so {@code stego evaluate} on them gives the same figures. The comparison is written by
 * {@link ReplayReport}.
 */
@Command(
        name = "replay",
        description = {
            "Compare model versions offline on X-rays or stego images taken from the topics.",
            "Replay a range of the X-ray topic through one or more model versions offline and compare them side by side (embedding and extraction PSNR/SSIM, per-image deltas, worst images with their grids).",
            "With --stego: replay a range of the stego topic through the extractor (signatures checked as the extractor does) with the version each image names, or the --version(s) given, and compare the recovered X-rays with their originals (--originals DIR, matched by message id).",
            "Never writes to any topic. Writes report.html and replay.json to --out."
        })
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    // --version names a model version here, so the product's version is -V only
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(names = "-V", versionHelp = true, description = "Print version information and exit.")
    boolean printVersion;

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
            paramLabel = "N",
            defaultValue = "100",
            description = "At most this many X-rays (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--size",
            paramLabel = "PX",
            defaultValue = "256",
            description = "Square side of the pairs (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "4",
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--worst",
            paramLabel = "N",
            defaultValue = "5",
            description = "Worst images shown per version (default: ${DEFAULT-VALUE}).")
    int worst;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "replay-report",
            description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

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
        return replay(common.load(extra), spec.commandLine().getOut(), new Progress(System.err));
    }

    /**
     * Runs the replay these options describe on the cluster {@code config} names: the table on {@code stdout}, the
     * report under {@code --out}. What {@code stego replay} and the hospital console's replays run.
     */
    int replay(StegoConfig config, PrintWriter stdout, Progress progress) throws Exception {
        Topics topics = Wiring.topics(config);
        if (stego) {
            StegoReplay.Run run = new StegoReplay(config, topics, progress)
                    .run(new TopicRange(fromOffset, toOffset, since, until, limit), sources(config, topics), originals);
            new ReplayReport(run.measured(), StegoReplay.header(run) + ReplayReport.rows(run.measured()))
                    .write(out, worst, stdout);
            return 0;
        }
        // the versions first: one that does not exist is refused before any X-ray is written to --out
        Map<String, HidingModel> models = models(config, topics);
        Path pairs = out.resolve("pairs");
        List<Path> secretFiles = new ArrayList<>();
        List<Path> coverFiles = new ArrayList<>();
        dumpPairs(config, topics, pairs, secretFiles, coverFiles, progress);
        progress.message(secretFiles.size() + " X-ray(s) replayed from " + topics.xrays.name() + " into " + pairs);

        List<ReplayReport.Measured> measured = new ArrayList<>();
        for (Map.Entry<String, HidingModel> m : models.entrySet()) {
            progress.message("running " + secretFiles.size() + " pair(s) through " + m.getKey());
            measured.add(new ReplayReport.Measured(
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
        new ReplayReport(measured, ReplayReport.table(measured)).write(out, worst, stdout);
        stdout.printf(
                "the same pairs with stego evaluate: ./stego evaluate --covers %s --xrays %s --size %d%n",
                pairs.resolve("covers"), pairs.resolve("xrays"), size);
        return 0;
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
                    throw new IllegalArgumentException("--version " + v + ": not a verified version on "
                            + topics.models.name() + " (see 'stego models list')");
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
}
