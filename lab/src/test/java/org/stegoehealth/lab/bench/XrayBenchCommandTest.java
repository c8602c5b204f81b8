package org.stegoehealth.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stegoehealth.lab.LabCommandTest;
import org.stegoehealth.processors.cli.CliRun;

/** {@code stego bench xrays}: full-size 16-bit X-rays through tiled embedding and extraction. */
class XrayBenchCommandTest extends LabCommandTest {

    /** Runs {@code stego ARGS} (bench xrays) as ./stego does. */
    private static CliRun run(String... args) {
        Object command = switch (args[0]) {
            case "bench" -> new BenchCommand();
            default -> throw new IllegalArgumentException(args[0]);
        };
        return CliRun.run(command, Arrays.copyOfRange(args, 1, args.length));
    }

    @Test
    void benchXrays_makesSixteenBitXraysAndReportsTimeAndMemoryOfTiledEmbeddingAndExtraction() throws IOException {
        Path json = tmp.resolve("xrays.json");
        Path out = tmp.resolve("xrays");
        CliRun r = run(
                "bench",
                "xrays",
                "--model",
                model.toString(),
                "--sides",
                "300",
                "--per-side",
                "1",
                "--tile-size",
                "128",
                "--xrays",
                samples.resolve("xray").toString(),
                "--cover",
                samples.resolve("covers")
                        .resolve("lomiri-16.04__friends_by_Aitzol_Berasategi.jpg")
                        .toString(),
                "--out",
                out.toString(),
                "--json",
                json.toString());
        assertEquals(0, r.code(), r.err());
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
        CliRun bad = run("bench", "xrays", "--model", model.toString(), "--tile-size", "16");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("tile size must be at least 64"), bad.err());
    }
}
