package org.stegoehealth.lab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.stegoehealth.lab.LabCommandTest;
import org.stegoehealth.lab.bench.BenchCommand;
import org.stegoehealth.processors.cli.CliRun;

/** {@code stego evaluate}: the documented JSON on the samples, and bad input as one clear line. */
class EvaluateCommandTest extends LabCommandTest {

    /** Runs {@code stego ARGS} (evaluate, or bench to compare with) as ./stego does. */
    private static CliRun run(String... args) {
        Object command = switch (args[0]) {
            case "evaluate" -> new EvaluateCommand();
            case "bench" -> new BenchCommand();
            default -> throw new IllegalArgumentException(args[0]);
        };
        return CliRun.run(command, Arrays.copyOfRange(args, 1, args.length));
    }

    @Test
    void evaluate_onSamples_writesJsonWithTheDocumentedShape() throws IOException {
        Path json = tmp.resolve("eval.json");
        CliRun r = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--xrays",
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
                "--secret-rate",
                "30",
                "--out",
                tmp.resolve("report").toString());
        assertEquals(0, r.code(), r.err());
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
            "\"lossless\" : true",
            "\"secretRate\"",
            "\"bitsPerCoverSample\"",
            "\"halfResolutionPsnr\""
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
    void evaluate_nonImageSecret_failsWithOneLineNamingTheFile() throws IOException {
        Path secrets = Files.createDirectories(tmp.resolve("bad-secrets"));
        Path bogus = Files.writeString(secrets.resolve("scan.png"), "this is not a PNG");
        CliRun r = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--xrays",
                secrets.toString(),
                "--model",
                model.toString(),
                "--size",
                "64");
        assertEquals(2, r.code());
        assertTrue(r.err().contains(bogus.toString()), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void evaluate_emptyImage_andMissingModel_areClearErrors() throws IOException {
        Path secrets = Files.createDirectories(tmp.resolve("empty-secrets"));
        Files.createFile(secrets.resolve("empty.jpg"));
        CliRun empty = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--xrays",
                secrets.toString(),
                "--model",
                model.toString(),
                "--size",
                "64");
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("empty.jpg") && empty.err().contains("empty"), empty.err());

        CliRun noModel = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--xrays",
                samples.resolve("xray").toString(),
                "--model",
                tmp.resolve("no-such-model").toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("no-such-model") && noModel.err().contains("not a model"), noModel.err());
    }

    @Test
    void evaluate_absurdSize_isRefused() {
        CliRun r = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--xrays",
                samples.resolve("xray").toString(),
                "--model",
                model.toString(),
                "--size",
                "100000");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--size"), r.err());
    }

    @Test
    void evaluate_zeroBatchOrNegativeLimit_isOneErrorLineNamingTheOption() {
        String[][] cases = {
            {"--batch", "0", "error: --batch must be at least 1, was 0"},
            {"--limit", "-1", "error: --limit must be at least 0, was -1"}
        };
        for (String[] c : cases) {
            CliRun r = run(
                    "evaluate",
                    "--covers",
                    samples.resolve("covers").toString(),
                    "--xrays",
                    samples.resolve("xray").toString(),
                    "--model",
                    model.toString(),
                    c[0],
                    c[1]);
            assertEquals(2, r.code(), r.err());
            assertOneErrorLine(c[2], r.err());
        }
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
            "--xrays",
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
        CliRun r = run(args);
        assertEquals(0, r.code(), r.err());
        String report = Files.readString(tmp.resolve("report").resolve("report.html"));
        assertTrue(report.contains("EveningGlow"), "the training cover is used");
        assertFalse(report.contains("friends_by"), "the held-out cover is not");

        CliRun refused = run(java.util.Arrays.stream(args)
                .filter(a -> !a.equals("--held-out"))
                .toArray(String[]::new));
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("--training-covers goes with --held-out"), refused.err());
    }

    @Test
    void evaluate_withRefinement_recordsItsSettings_andBenchComparesItWithPlainEmbedding() throws IOException {
        Path json = tmp.resolve("refined.json");
        CliRun r = run(
                "evaluate",
                "--covers",
                samples.resolve("covers").toString(),
                "--xrays",
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
        assertEquals(0, r.code(), r.err());
        String doc = Files.readString(json);
        assertTrue(doc.contains("\"refinement\""), doc);
        assertTrue(doc.contains("\"steps\" : 3"), doc);
        assertTrue(doc.contains("\"beta\" : 0.5"), doc);
        // refined stego images are not the network's output: what its clip costs is not reported for them
        assertTrue(doc.contains("\"extractionUnrounded\""), doc);
        assertFalse(doc.contains("\"extractionUnclipped\""), doc);
        Path bench = tmp.resolve("bench.json");
        CliRun b = run(
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
        assertEquals(0, b.code(), b.err());
        String rows = Files.readString(bench);
        assertTrue(rows.contains("\"op\" : \"refined\""), rows);
        assertTrue(rows.contains("\"refine_steps\" : 2"), rows);
    }

    private static void assertOneErrorLine(String expectedStart, String stderr) {
        assertTrue(stderr.startsWith(expectedStart) && stderr.strip().lines().count() == 1, stderr);
    }
}
