package org.stegoehealth.lab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.StegoNetwork;

/** Extracting one model's stego images with another model: its own row, JSON entry and report column. */
class ExtractWithTest {

    private static final NetworkConfig TINY = new NetworkConfig(1, 2, 8, 8, 1, 0.1);

    @TempDir
    Path dir;

    @Test
    void extractWith_anotherModel_isReportedAsItsOwnRow_andTheSameWeightsGiveTheModelsOwnFigures() throws IOException {
        List<Path> covers = Evaluation.imageFiles(images(dir.resolve("covers"), 2, 11), n -> true);
        List<Path> secrets = Evaluation.imageFiles(images(dir.resolve("secrets"), 3, 12), n -> true);
        StegoModel model = new StegoModel(TINY, StegoNetwork.initialWeights(TINY, 1), "private-a");
        StegoModel sameWeights = new StegoModel(TINY, StegoNetwork.initialWeights(TINY, 1), "copy-of-a");
        StegoModel otherSeed = new StegoModel(TINY, StegoNetwork.initialWeights(TINY, 7), "public-b");

        Evaluation.Result same = run(model, sameWeights, covers, secrets);
        assertEquals("copy-of-a", same.otherModel());
        assertEquals(same.extraction().mse(), same.otherExtraction().mse(), 1e-9);
        assertEquals(same.extraction().ssim(), same.otherExtraction().ssim(), 1e-9);

        Evaluation.Result cross = run(model, otherSeed, covers, secrets);
        assertEquals("public-b", cross.otherModel());
        assertEquals(same.extraction().mse(), cross.extraction().mse(), 1e-9, "the model's own row is unchanged");
        assertEquals(same.embedding().mse(), cross.embedding().mse(), 1e-9);
        assertNotEquals(cross.extraction().mse(), cross.otherExtraction().mse(), 1e-6);
        for (Evaluation.Pair p : cross.pairs()) {
            assertNotNull(p.otherExtraction());
            assertEquals(32, p.otherExtracted().width());
            assertNotEquals(p.extraction().mse(), p.otherExtraction().mse(), 1e-9);
        }

        String table = Evaluation.table(cross);
        assertTrue(table.contains("its stego extracted by: public-b"), table);
        assertTrue(table.contains("another model extracts"), table);
        @SuppressWarnings("unchecked")
        Map<String, Object> extractedWith =
                (Map<String, Object>) Evaluation.json(cross).get("extractedWith");
        assertEquals("public-b", extractedWith.get("model"));
        assertEquals(
                cross.otherExtraction().psnr(),
                (double) ((Map<?, ?>) extractedWith.get("extraction")).get("psnr"),
                1e-9);

        Path report = Report.writeEvaluation(cross, dir.resolve("report"));
        BufferedImage grid = ImageIO.read(report.resolveSibling("pair-000.png").toFile());
        BufferedImage ownOnly =
                ImageIO.read(Report.writeEvaluation(run(model, null, covers, secrets), dir.resolve("own"))
                        .resolveSibling("pair-000.png")
                        .toFile());
        assertTrue(grid.getWidth() > ownOnly.getWidth(), "the grid gains a column for the other model");
    }

    @Test
    void withoutExtractWith_thereIsNoSuchRow_andAModelOfAnotherSecretDepthIsRefused() throws IOException {
        List<Path> covers = Evaluation.imageFiles(images(dir.resolve("covers"), 1, 21), n -> true);
        List<Path> secrets = Evaluation.imageFiles(images(dir.resolve("secrets"), 1, 22), n -> true);
        StegoModel model = new StegoModel(TINY, StegoNetwork.initialWeights(TINY, 1), "a");
        Evaluation.Result own = run(model, null, covers, secrets);
        assertNull(own.otherModel());
        assertNull(own.pairs().get(0).otherExtracted());
        assertFalse(Evaluation.table(own).contains("another model extracts"));
        assertFalse(Evaluation.json(own).containsKey("extractedWith"));

        NetworkConfig rgb = new NetworkConfig(3, 2, 8, 8, 1, 0.1);
        StegoModel rgbModel = new StegoModel(rgb, StegoNetwork.initialWeights(rgb, 1), "rgb");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> run(model, rgbModel, covers, secrets));
        assertTrue(e.getMessage().contains("3-channel"), e.getMessage());
    }

    private static Evaluation.Result run(StegoModel model, StegoModel other, List<Path> covers, List<Path> secrets) {
        Progress quiet = new Progress(new PrintStream(new ByteArrayOutputStream()));
        return Evaluation.run(model, other, covers, secrets, 32, 2, List.of(), true, quiet);
    }

    private static Path images(Path dir, int count, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, random.nextInt(0x1000000));
                }
            }
            ImageIO.write(img, "png", dir.resolve("img-" + i + ".png").toFile());
        }
        return dir;
    }
}
