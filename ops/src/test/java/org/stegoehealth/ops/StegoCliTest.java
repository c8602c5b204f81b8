package org.stegoehealth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.TinyModels;

/** Bad input at the command line: one clear line naming the file, a non-zero exit, no stack trace. */
class StegoCliTest {

    @TempDir
    static Path tmp;

    static Path model;
    static Path samples = Path.of("..", "samples");

    @BeforeAll
    static void tinyModel() throws IOException {
        model = TinyModels.write(tmp, "tiny", TinyModels.SMALLEST, 1);
    }

    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        int code = StegoCli.execute(new PrintWriter(err, true), args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void evaluate_onSamples_writesJsonWithTheDocumentedShape() throws IOException {
        Path json = tmp.resolve("eval.json");
        String[] r = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--secrets",
                samples.resolve("xray").toString(),
                "--size",
                "64",
                "--limit",
                "2",
                "--model",
                model.toString(),
                "--json",
                json.toString(),
                "--attack",
                "jpeg90,resize0.9,noise2",
                "--out",
                tmp.resolve("report").toString());
        assertEquals("0", r[0], r[1]);
        String doc = Files.readString(json);
        for (String key : new String[] {
            "\"images\" : 2",
            "\"size\" : 64",
            "\"model\" : \"tiny\"",
            "\"embedding\"",
            "\"extraction\"",
            "\"extractionUnrounded\"",
            "\"extractionUnclipped\"",
            "\"stegoOutsideRange\"",
            "\"baselines\"",
            "\"spread-lsb-1-1-1\"",
            "\"spread-lsb-2-1-1\"",
            "\"spread-lsb-2-2-1\"",
            "\"spread-lsb-2-2-2\"",
            "\"spread-lsb-3-3-2\"",
            "\"bitsPerChannel\"",
            "\"attacks\"",
            "\"jpeg90\"",
            "\"resize0.9\"",
            "\"noise2\"",
            "\"psnr\"",
            "\"ssim\"",
            "\"mse\"",
            "\"sealed\"",
            "\"lossless\" : true"
        }) {
            assertTrue(doc.contains(key), key + " missing in " + doc);
        }
        // a gray-secret model is compared with spread LSB, not with the replicated 3-channel rows
        assertFalse(doc.contains("\"lsb-1\""), doc);
        assertTrue(Files.size(tmp.resolve("report").resolve("rate-distortion.png")) > 1000);
        assertTrue(
                Files.readString(tmp.resolve("report").resolve("report.html")).contains("rate-distortion.png"));
    }

    @Test
    void steganalysis_onSamples_reportsEveryMethodInJson() throws IOException {
        Path json = tmp.resolve("steganalysis.json");
        String[] r = run(
                "steganalysis",
                "--covers",
                samples.resolve("covers").toString(),
                "--secrets",
                samples.resolve("xray").toString(),
                "--size",
                "64",
                "--cover-side",
                "256",
                "--tiles-per-cover",
                "8",
                "--methods",
                "neural,spread-lsb-2-2-1,lsbm-0.5",
                "--model",
                model.toString(),
                "--json",
                json.toString());
        assertEquals("0", r[0], r[1]);
        String doc = Files.readString(json);
        for (String key : new String[] {
            "\"photos\" : 3",
            "\"tiles\" : 24",
            "\"neural\"",
            "\"spread-lsb-2-2-1\"",
            "\"lsbm-0.5\"",
            "\"auc\"",
            "\"accuracy\"",
            "\"folds\" : 3",
            "\"samples\" : 48"
        }) {
            assertTrue(doc.contains(key), key + " missing in " + doc);
        }
    }

    @Test
    void steganalysis_unknownMethod_failsWithOneLine() {
        String[] r = run(
                "steganalysis",
                "--covers",
                samples.resolve("covers").toString(),
                "--secrets",
                samples.resolve("xray").toString(),
                "--methods",
                "wavelet",
                "--model",
                model.toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].startsWith("error: unknown method 'wavelet'"), r[1]);
        assertFalse(r[1].contains("\tat "), "no stack trace");
    }

    @Test
    void evaluate_nonImageSecret_failsWithOneLineNamingTheFile() throws IOException {
        Path secrets = Files.createDirectories(tmp.resolve("bad-secrets"));
        Path bogus = Files.writeString(secrets.resolve("scan.png"), "this is not a PNG");
        String[] r = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--secrets",
                secrets.toString(),
                "--model",
                model.toString(),
                "--size",
                "64");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains(bogus.toString()), r[1]);
        assertEquals(1, r[1].strip().lines().count(), "one line: " + r[1]);
        assertFalse(r[1].contains("\tat "), "no stack trace");
    }

    @Test
    void evaluate_emptyImage_andMissingModel_areClearErrors() throws IOException {
        Path secrets = Files.createDirectories(tmp.resolve("empty-secrets"));
        Files.createFile(secrets.resolve("empty.jpg"));
        String[] empty = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--secrets",
                secrets.toString(),
                "--model",
                model.toString(),
                "--size",
                "64");
        assertEquals("2", empty[0]);
        assertTrue(empty[1].contains("empty.jpg") && empty[1].contains("empty"), empty[1]);

        String[] noModel = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--secrets",
                samples.resolve("xray").toString(),
                "--model",
                tmp.resolve("no-such-model").toString());
        assertEquals("2", noModel[0]);
        assertTrue(noModel[1].contains("no-such-model") && noModel[1].contains("not a model"), noModel[1]);
    }

    @Test
    void evaluate_absurdSize_isRefused() {
        String[] r = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--secrets",
                samples.resolve("xray").toString(),
                "--model",
                model.toString(),
                "--size",
                "100000");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("--size"), r[1]);
    }

    @Test
    void evaluate_zeroBatchOrNegativeLimit_isOneErrorLineNamingTheOption() {
        String[][] cases = {
            {"--batch", "0", "error: --batch must be at least 1, was 0"},
            {"--limit", "-1", "error: --limit must be at least 0, was -1"}
        };
        for (String[] c : cases) {
            String[] r = run(
                    "evaluate",
                    "--covers",
                    samples.resolve("covers").toString(),
                    "--secrets",
                    samples.resolve("xray").toString(),
                    "--model",
                    model.toString(),
                    c[0],
                    c[1]);
            assertEquals("2", r[0], r[1]);
            assertOneErrorLine(c[2], r[1]);
        }
    }

    @Test
    void train_negativeSteps_isOneErrorLineNamingTheOption() {
        String[] r =
                run("train", "--steps", "-1", "--run-dir", tmp.resolve("run").toString());
        assertEquals("2", r[0], r[1]);
        assertOneErrorLine("error: --steps must be at least 1, was -1", r[1]);
        String[] lr = run("train", "--lr", "0", "--run-dir", tmp.resolve("run").toString());
        assertOneErrorLine("error: --lr must be a positive number, was 0.0", lr[1]);
    }

    @Test
    void train_recordsItsOwnCommandLine_inTheExportedModel() throws IOException {
        Path model = tinyTrainedModel(tmp.resolve("train"));
        Object command = ModelArtifact.load(model).metadata().training().get("command");
        assertEquals(
                "stego " + String.join(" ", tinyTrainArgs(tmp.resolve("train"))),
                command,
                "the command that made the model, as typed (no launcher words twice)");
    }

    @Test
    void train_initFromAGrayModel_growsItIntoAWiderPaperModeNetwork_andRefusesToShrinkIt() throws IOException {
        Path base = tmp.resolve("grow");
        Path gray = tinyTrainedModel(base);
        List<String> args = new ArrayList<>(List.of(tinyTrainArgs(base)));
        args.addAll(List.of("--init-from", gray.toString(), "--secret-channels", "3"));
        args.set(args.indexOf("--width") + 1, "12");
        args.set(args.indexOf("--depth") + 1, "2");
        args.set(args.indexOf("--run-dir") + 1, base.resolve("grown-run").toString());
        args.set(args.indexOf("--models") + 1, base.resolve("grown-models").toString());
        String[] r = run(args.toArray(String[]::new));
        assertEquals("0", r[0], r[1]);
        Path grown;
        try (java.util.stream.Stream<Path> dirs = Files.list(base.resolve("grown-models"))) {
            grown = dirs.findFirst().orElseThrow();
        }
        assertEquals(
                new NetworkConfig(3, 2, 4, 12, 2, 0.1),
                ModelArtifact.load(grown).metadata().architecture());

        args.set(args.indexOf("--width") + 1, "4");
        args.set(args.indexOf("--run-dir") + 1, base.resolve("shrunk-run").toString());
        String[] shrink = run(args.toArray(String[]::new));
        assertEquals("2", shrink[0], shrink[1]);
        assertTrue(shrink[1].contains("only wider or deeper"), shrink[1]);
    }

    /** A two-step model trained on random images under {@code base} by {@link #tinyTrainArgs}. */
    private static Path tinyTrainedModel(Path base) throws IOException {
        Path xrays = Files.createDirectories(base.resolve("train-data/xray"));
        Path covers = Files.createDirectories(base.resolve("train-data/covers"));
        java.util.Random random = new java.util.Random(3);
        // enough files that the name-hashed split puts some on each side
        for (int i = 0; i < 80; i++) {
            image(random, java.awt.image.BufferedImage.TYPE_BYTE_GRAY, xrays.resolve("scan-" + i + ".png"));
        }
        for (int i = 0; i < 16; i++) {
            image(random, java.awt.image.BufferedImage.TYPE_3BYTE_BGR, covers.resolve("c-" + i + ".png"));
        }
        String[] r = run(tinyTrainArgs(base));
        assertEquals("0", r[0], r[1]);
        try (java.util.stream.Stream<Path> dirs = Files.list(base.resolve("train-models"))) {
            return dirs.findFirst().orElseThrow();
        }
    }

    private static String[] tinyTrainArgs(Path base) {
        Path xrays = base.resolve("train-data/xray");
        Path covers = base.resolve("train-data/covers");
        return new String[] {
            "train",
            "--xrays",
            xrays.toString(),
            "--covers",
            covers.toString(),
            "--steps",
            "2",
            "--batch",
            "2",
            "--crop",
            "32",
            "--width",
            "8",
            "--depth",
            "1",
            "--prep-width",
            "4",
            "--validate-every",
            "2",
            "--validation-images",
            "1",
            "--run-dir",
            base.resolve("train-run").toString(),
            "--models",
            base.resolve("train-models").toString()
        };
    }

    private static void image(java.util.Random random, int type, Path file) throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 64, type);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        javax.imageio.ImageIO.write(image, "png", file.toFile());
    }

    @Test
    void commandLinesThatDoNotParse_areOneErrorLineNamingTheCommandsHelp() {
        String[] missing = run("evaluate", "--batch", "2");
        assertEquals("2", missing[0], missing[1]);
        assertOneErrorLine("error: Missing required options: '--covers=<covers>', '--secrets=<secrets>'", missing[1]);
        assertTrue(missing[1].contains("(see 'stego evaluate --help')"), missing[1]);
        String[] unknown = run("keys", "list", "--no-such-option");
        assertEquals("2", unknown[0], unknown[1]);
        assertOneErrorLine("error: Unknown option: '--no-such-option'", unknown[1]);
        assertTrue(unknown[1].contains("(see 'stego keys list --help')"), unknown[1]);
    }

    @Test
    void aDeadBrokerAddress_isOneErrorLineNamingIt_forProduceXrays_modelsList_andTopicsCreate() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        Path keyring = tmp.resolve("dead-broker-keyring");
        assertEquals("0", run("keys", "init", "--name", "hospital", "--keyring", keyring.toString())[0]);

        for (String[] command : List.of(
                new String[] {"produce-xrays", "../samples/xray", "--bootstrap-servers", address},
                new String[] {"models", "list", "--bootstrap-servers", address, "--keyring", keyring.toString()},
                new String[] {"topics", "create", "--bootstrap-servers", address})) {
            String[] result = run(command);
            assertEquals("2", result[0], String.join(" ", command) + ": " + result[1]);
            assertOneErrorLine("error: cannot reach the Kafka broker at " + address, result[1]);
        }
    }

    private static void assertOneErrorLine(String expectedStart, String stderr) {
        assertTrue(stderr.startsWith(expectedStart) && stderr.strip().lines().count() == 1, stderr);
    }

    @Test
    void evaluate_trainingCovers_hidesHeldOutXraysInTheCoversTheModelTrainedOn() throws IOException {
        Path covers = tmp.resolve("covers");
        Files.createDirectories(covers);
        Path sample = samples.resolve("covers").resolve("lomiri-16.04__friends_by_Aitzol_Berasategi.jpg");
        Files.copy(sample, covers.resolve(sample.getFileName())); // held out by the split
        Files.copy(sample, covers.resolve("plasma-photos__EveningGlow.jpg")); // a training cover
        String[] args = {
            "evaluate",
            "--covers",
            covers.toString(),
            "--secrets",
            samples.resolve("xray").toString(),
            "--size",
            "32",
            "--limit",
            "1",
            "--sealed-budget",
            "0",
            "--model",
            model.toString(),
            "--held-out",
            "--training-covers",
            "--out",
            tmp.resolve("report").toString()
        };
        String[] r = run(args);
        assertEquals("0", r[0], r[1]);
        String report = Files.readString(tmp.resolve("report").resolve("report.html"));
        assertTrue(report.contains("EveningGlow"), "the training cover is used");
        assertFalse(report.contains("friends_by"), "the held-out cover is not");

        String[] refused = run(java.util.Arrays.stream(args)
                .filter(a -> !a.equals("--held-out"))
                .toArray(String[]::new));
        assertEquals("2", refused[0], refused[1]);
        assertTrue(refused[1].contains("--training-covers goes with --held-out"), refused[1]);
    }

    @Test
    void evaluate_withRefinement_recordsItsSettings_andBenchComparesItWithPlainEmbedding() throws IOException {
        Path json = tmp.resolve("refined.json");
        String[] r = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--secrets",
                samples.resolve("xray").toString(),
                "--size",
                "32",
                "--limit",
                "2",
                "--sealed-budget",
                "0",
                "--model",
                model.toString(),
                "--refine-steps",
                "3",
                "--json",
                json.toString());
        assertEquals("0", r[0], r[1]);
        String doc = Files.readString(json);
        assertTrue(doc.contains("\"refinement\""), doc);
        assertTrue(doc.contains("\"steps\" : 3"), doc);
        assertTrue(doc.contains("\"beta\" : 0.5"), doc);
        // refined stego images are not the network's output: what its clip costs is not reported for them
        assertTrue(doc.contains("\"extractionUnrounded\""), doc);
        assertFalse(doc.contains("\"extractionUnclipped\""), doc);
        Path bench = tmp.resolve("bench.json");
        String[] b = run(
                "bench",
                "--model",
                model.toString(),
                "--sizes",
                "32",
                "--batches",
                "1",
                "--seconds",
                "0.05",
                "--no-sealed",
                "--refine-steps",
                "2",
                "--json",
                bench.toString());
        assertEquals("0", b[0], b[1]);
        String rows = Files.readString(bench);
        assertTrue(rows.contains("\"op\" : \"refined\""), rows);
        assertTrue(rows.contains("\"refine_steps\" : 2"), rows);
    }

    @Test
    void benchXrays_makesSixteenBitXraysAndReportsTimeAndMemoryOfTiledEmbeddingAndExtraction() throws IOException {
        Path json = tmp.resolve("xrays.json");
        Path out = tmp.resolve("xrays");
        String[] r = run(
                "bench",
                "xrays",
                "--model",
                model.toString(),
                "--sides",
                "300",
                "--xrays",
                "1",
                "--tile-size",
                "128",
                "--xray-dir",
                samples.resolve("xray").toString(),
                "--cover",
                samples.resolve("covers")
                        .resolve("lomiri-16.04__friends_by_Aitzol_Berasategi.jpg")
                        .toString(),
                "--out",
                out.toString(),
                "--json",
                json.toString());
        assertEquals("0", r[0], r[1]);
        List<Path> made;
        try (var files = Files.list(out)) {
            made = files.toList();
        }
        assertEquals(1, made.size(), made.toString());
        java.awt.image.BufferedImage xray =
                javax.imageio.ImageIO.read(made.get(0).toFile());
        assertEquals(300, Math.max(xray.getWidth(), xray.getHeight()));
        assertEquals(16, xray.getColorModel().getComponentSize(0), "a 16-bit copy");
        String doc = Files.readString(json);
        for (String field : new String[] {
            "\"tile_size\" : 128", "\"embed_s\"", "\"embed_peak_rss_mb\"", "\"extract_cpu_s\"", "\"secret_psnr_db\""
        }) {
            assertTrue(doc.contains(field), field + " in " + doc);
        }
        String[] bad = run("bench", "xrays", "--model", model.toString(), "--tile-size", "16");
        assertEquals("2", bad[0], bad[1]);
        assertTrue(bad[1].contains("tile size must be at least 64"), bad[1]);
    }

    @Test
    void everyCommand_hasHelp() {
        for (String cmd : new String[] {"train", "evaluate", "bench"}) {
            assertEquals("0", run(cmd, "--help")[0], cmd);
        }
    }
}
