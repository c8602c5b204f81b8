package org.stegoehealth.processors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.TinyModels;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StegoFormat;
import org.stegoehealth.security.Png;

/** {@code stego extract}: stego image files from outside the stego topic, with a real (tiny) model artifact. */
class ExtractCommandTest {

    private static final String VERSION = "tiny-extract-1";

    @TempDir
    Path dir;

    private StegoModel model;
    private Path config;
    private Path out;

    @BeforeEach
    void modelInTheCache() throws IOException {
        Path cache = dir.resolve("model-cache");
        model = ModelArtifact.load(TinyModels.write(cache, VERSION, 3)).toModel();
        config = Files.writeString(
                dir.resolve("clinic.properties"), StegoConfig.MODEL_CACHE_DIR + "=" + cache.toAbsolutePath() + "\n");
        out = dir.resolve("out");
    }

    /** The stego image of a gray X-ray in a textured cover, as the embedder sends it in {@code format}. */
    private Path stegoFile(String name, StegoFormat format, String notedVersion) throws IOException {
        float[] cover = new float[32 * 32 * 3];
        float[] xray = new float[32 * 32];
        for (int i = 0; i < xray.length; i++) {
            xray[i] = ((i * 7) % 200) / 255f;
            for (int c = 0; c < 3; c++) {
                cover[i * 3 + c] = (60 + (i % 32) * 3 + c * 20) / 255f;
            }
        }
        FloatImage stego = model.embed(
                        List.of(new FloatImage(32, 32, 3, cover)), List.of(new FloatImage(32, 32, 1, xray)))
                .get(0);
        return Files.write(dir.resolve(name), format.encode(stego.toBufferedImage(), notedVersion));
    }

    private CliRun extract(String... args) {
        return CliRun.run(new ExtractCommand(), args);
    }

    /** What the model recovers from {@code file} offline, as the 8-bit gray PNG would hold it. */
    private FloatImage expected(Path file) throws IOException {
        return model.extract(List.of(FloatImage.of(Images.read(file))))
                .get(0)
                .withChannels(1)
                .quantize8();
    }

    @Test
    void aFile_isRefusedWithoutUnverified_andNothingIsWritten() throws IOException {
        Path file = stegoFile("photo.png", StegoFormat.PNG, VERSION);

        CliRun run = extract("--out", out.toString(), "-c", config.toString(), file.toString());

        assertEquals(2, run.code(), run.toString());
        assertTrue(run.errorLine().startsWith("error: " + file + ": cannot be authenticated"), run.toString());
        assertTrue(run.errorLine().contains("--unverified"), run.toString());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void withUnverified_aPngIsRecoveredWithTheNotedModel_andMarkedUnverified() throws IOException {
        Path file = stegoFile("photo.png", StegoFormat.PNG, VERSION);

        CliRun run = extract("--unverified", "--out", out.toString(), "-c", config.toString(), file.toString());

        assertEquals(0, run.code(), run.toString());
        Path recovered = out.resolve("photo-recovered.png");
        assertTrue(run.out().startsWith("UNVERIFIED " + file + " (PNG 32x32) -> " + recovered), run.out());
        byte[] png = Files.readAllBytes(recovered);
        Map<String, String> notes = Png.notes(png);
        assertTrue(notes.get(ExtractCommand.VERIFICATION_NOTE).startsWith("UNVERIFIED"), notes.toString());
        assertEquals(VERSION, notes.get(StegoFormat.MODEL_NOTE));
        assertEquals(expected(file), FloatImage.of(Images.decode(png, "recovered")));
    }

    @Test
    void withUnverified_aJpegIsRecovered_withTheNotedModelOrTheOneNamed() throws IOException {
        // named as a version
        CliRun byVersion = extract(
                "--unverified",
                "--out",
                out.toString(),
                "-c",
                config.toString(),
                "--model",
                VERSION,
                stegoFile("named.jpg", StegoFormat.jpeg(90), "another-version").toString());
        assertEquals(0, byVersion.code(), byVersion.toString());
        assertTrue(byVersion.out().contains("model " + VERSION), byVersion.out());
        Path noted = stegoFile("noted.jpg", StegoFormat.jpeg(90), VERSION);
        // a JPEG recompressed by a channel that drops comments: same pixels kind, no note
        ByteArrayOutputStream stripped = new ByteArrayOutputStream();
        BufferedImage decoded = Images.read(noted);
        assertTrue(ImageIO.write(decoded, "jpeg", stripped));
        Path bare = Files.write(dir.resolve("forwarded.jpeg"), stripped.toByteArray());
        assertEquals(Map.of(), StegoFormat.notesOf(stripped.toByteArray()));

        CliRun refused = extract("--unverified", "--out", out.toString(), "-c", config.toString(), bare.toString());
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.errorLine().contains("forwarded.jpeg: notes no model version"), refused.toString());

        CliRun run = extract(
                "--unverified",
                "--out",
                out.toString(),
                "-c",
                config.toString(),
                "--model",
                dir.resolve("model-cache").resolve(VERSION).toString(),
                noted.toString(),
                bare.toString());
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("UNVERIFIED " + noted + " (JPEG 32x32)"), run.out());
        assertTrue(run.out().contains("2 X-ray(s) recovered UNVERIFIED"), run.out());
        for (Path file : List.of(noted, bare)) {
            String stem = file.getFileName().toString().replaceAll("\\.[a-z]+$", "");
            byte[] png = Files.readAllBytes(out.resolve(stem + "-recovered.png"));
            assertTrue(Png.notes(png).get(ExtractCommand.VERIFICATION_NOTE).startsWith("UNVERIFIED"));
            assertEquals(expected(file), FloatImage.of(Images.decode(png, "recovered")), stem);
        }
    }

    @Test
    void twoFilesWithOneName_areRefusedBeforeAnythingIsWritten() throws IOException {
        Path png = stegoFile("photo.png", StegoFormat.PNG, VERSION);
        Path jpeg = stegoFile("photo.jpg", StegoFormat.jpeg(90), VERSION);

        CliRun run = extract(
                "--unverified", "--out", out.toString(), "-c", config.toString(), png.toString(), jpeg.toString());

        assertEquals(2, run.code(), run.toString());
        assertTrue(run.errorLine().contains("would both be written to"), run.toString());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void anUnknownModelVersion_isOneClearError() throws IOException {
        Path file = stegoFile("photo.jpg", StegoFormat.jpeg(90), "stego-gray-20991231-0000-00000000");

        CliRun run = extract("--unverified", "--out", out.toString(), "-c", config.toString(), file.toString());

        assertEquals(2, run.code(), run.toString());
        assertTrue(
                run.errorLine()
                        .startsWith("error: unknown model version stego-gray-20991231-0000-00000000: not in "
                                + dir.resolve("model-cache").toAbsolutePath()),
                run.toString());
        assertTrue(run.errorLine().contains("stego models pull"), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
