package org.stegoehealth.lab.steganalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.stegoehealth.lab.LabCommandTest;
import org.stegoehealth.processors.cli.CliRun;

/** {@code stego steganalysis}: every method reported in JSON on the samples; an unknown method is one line. */
class SteganalysisCommandTest extends LabCommandTest {

    /** Runs {@code stego ARGS} (steganalysis) as ./stego does. */
    private static CliRun run(String... args) {
        Object command = switch (args[0]) {
            case "steganalysis" -> new SteganalysisCommand();
            default -> throw new IllegalArgumentException(args[0]);
        };
        return CliRun.run(command, Arrays.copyOfRange(args, 1, args.length));
    }

    @Test
    void steganalysis_onSamples_reportsEveryMethodInJson() throws IOException {
        Path json = tmp.resolve("steganalysis.json");
        CliRun r = run(
                "steganalysis",
                "--covers",
                samples.resolve("covers").toString(),
                "--xrays",
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
        assertEquals(0, r.code(), r.err());
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
        CliRun r = run(
                "steganalysis",
                "--covers",
                samples.resolve("covers").toString(),
                "--xrays",
                samples.resolve("xray").toString(),
                "--methods",
                "wavelet",
                "--model",
                model.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: unknown method 'wavelet'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
