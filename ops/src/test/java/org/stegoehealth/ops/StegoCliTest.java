package org.stegoehealth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.StegoNetwork;

/** Bad input at the command line: one clear line naming the file, a non-zero exit, no stack trace. */
class StegoCliTest {

    @TempDir
    static Path tmp;
    static Path model;
    static Path samples = Path.of("..", "samples");

    @BeforeAll
    static void tinyModel() throws IOException {
        NetworkConfig net = new NetworkConfig(1, 2, 4, 4, 1, 0.1);
        model = ModelArtifact.write(tmp, new ModelMetadata("tiny", "2026-01-01T00:00:00Z", net, Map.of(), Map.of(),
                Map.of(), Map.of(), ModelArtifact.WEIGHTS_FILE, null), StegoNetwork.initialWeights(net, 1));
    }

    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        int code = StegoCli.execute(new PrintWriter(err, true), args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void evaluate_onSamples_writesJsonWithTheDocumentedShape() throws IOException {
        Path json = tmp.resolve("eval.json");
        String[] r = run("evaluate", "--covers", samples.resolve("covers").toString(), "--secrets",
                samples.resolve("xray").toString(), "--size", "64", "--limit", "2", "--model", model.toString(),
                "--json", json.toString());
        assertEquals("0", r[0], r[1]);
        String doc = Files.readString(json);
        for (String key : new String[] {"\"images\" : 2", "\"size\" : 64", "\"model\" : \"tiny\"", "\"embedding\"",
                "\"extraction\"", "\"lsb-1\"", "\"lsb-4\"", "\"psnr\"", "\"ssim\"", "\"mse\"", "\"sealed\"",
                "\"lossless\" : true", "\"bitsPerChannel\""}) {
            assertTrue(doc.contains(key), key + " missing in " + doc);
        }
    }

    @Test
    void evaluate_nonImageSecret_failsWithOneLineNamingTheFile() throws IOException {
        Path secrets = Files.createDirectories(tmp.resolve("bad-secrets"));
        Path bogus = Files.writeString(secrets.resolve("scan.png"), "this is not a PNG");
        String[] r = run("evaluate", "--covers", samples.resolve("covers").toString(), "--secrets", secrets.toString(),
                "--model", model.toString(), "--size", "64");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains(bogus.toString()), r[1]);
        assertEquals(1, r[1].strip().lines().count(), "one line: " + r[1]);
        assertFalse(r[1].contains("\tat "), "no stack trace");
    }

    @Test
    void evaluate_emptyImage_andMissingModel_areClearErrors() throws IOException {
        Path secrets = Files.createDirectories(tmp.resolve("empty-secrets"));
        Files.createFile(secrets.resolve("empty.jpg"));
        String[] empty = run("evaluate", "--covers", samples.resolve("covers").toString(), "--secrets",
                secrets.toString(), "--model", model.toString(), "--size", "64");
        assertEquals("2", empty[0]);
        assertTrue(empty[1].contains("empty.jpg") && empty[1].contains("empty"), empty[1]);

        String[] noModel = run("evaluate", "--covers", samples.resolve("covers").toString(), "--secrets",
                samples.resolve("xray").toString(), "--model", tmp.resolve("no-such-model").toString());
        assertEquals("2", noModel[0]);
        assertTrue(noModel[1].contains("no-such-model") && noModel[1].contains("not a model"), noModel[1]);
    }

    @Test
    void evaluate_absurdSize_isRefused() {
        String[] r = run("evaluate", "--covers", samples.resolve("covers").toString(), "--secrets",
                samples.resolve("xray").toString(), "--model", model.toString(), "--size", "100000");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("--size"), r[1]);
    }

    @Test
    void everyCommand_hasHelp() {
        for (String cmd : new String[] {"train", "evaluate", "bench"}) {
            assertEquals("0", run(cmd, "--help")[0], cmd);
        }
    }
}
