package org.stegoehealth.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.processors.cli.CliRun;

/** {@code stego train}: a tiny run exports a model that records its command line; growing a model; bad options. */
class TrainCommandTest {

    @TempDir
    static Path tmp;

    /** Runs {@code stego ARGS} (train) as ./stego does. */
    private static CliRun run(String... args) {
        Object command = switch (args[0]) {
            case "train" -> new TrainCommand();
            default -> throw new IllegalArgumentException(args[0]);
        };
        return CliRun.run(command, Arrays.copyOfRange(args, 1, args.length));
    }

    @Test
    void train_negativeSteps_isOneErrorLineNamingTheOption() {
        CliRun r = run("train", "--steps", "-1", "--run-dir", tmp.resolve("run").toString());
        assertEquals(2, r.code(), r.err());
        assertOneErrorLine("error: --steps must be at least 1, was -1", r.err());
        CliRun lr = run("train", "--lr", "0", "--run-dir", tmp.resolve("run").toString());
        assertOneErrorLine("error: --lr must be a positive number, was 0.0", lr.err());
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
        CliRun r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Path grown;
        try (java.util.stream.Stream<Path> dirs = Files.list(base.resolve("grown-models"))) {
            grown = dirs.findFirst().orElseThrow();
        }
        assertEquals(
                new NetworkConfig(3, 2, 4, 12, 2, 0.1),
                ModelArtifact.load(grown).metadata().architecture());

        args.set(args.indexOf("--width") + 1, "4");
        args.set(args.indexOf("--run-dir") + 1, base.resolve("shrunk-run").toString());
        CliRun shrink = run(args.toArray(String[]::new));
        assertEquals(2, shrink.code(), shrink.err());
        assertTrue(shrink.err().contains("only wider or deeper"), shrink.err());
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
        CliRun r = run(tinyTrainArgs(base));
        assertEquals(0, r.code(), r.err());
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

    private static void assertOneErrorLine(String expectedStart, String stderr) {
        assertTrue(stderr.startsWith(expectedStart) && stderr.strip().lines().count() == 1, stderr);
    }
}
