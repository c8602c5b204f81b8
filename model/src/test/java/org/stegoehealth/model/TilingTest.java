package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TilingTest {

    /** The repository root: tests run in the module directory. */
    private static final Path ROOT = Path.of("..");

    private static StegoModel bundled() throws Exception {
        Path models = ROOT.resolve("models");
        return ModelArtifact.load(models.resolve(Files.readString(models.resolve(ModelArtifact.DEFAULT_POINTER))
                        .trim()))
                .toModel();
    }

    private static FloatImage sample(String dir, String name, int w, int h) {
        return FloatImage.of(Images.read(ROOT.resolve("samples").resolve(dir).resolve(name)))
                .resize(w, h);
    }

    @Test
    void receptiveRadius_ofTheProductNetwork_countsEveryThreeByThreeConvolutionOnTheLongestPath() {
        NetworkConfig config = NetworkConfig.defaults(); // 3 preprocessing + 4 embedding + 4 extraction 3x3 layers
        assertEquals(7, Tiling.embedRadius(config));
        assertEquals(4, Tiling.extractRadius(config));
        assertEquals(14, Tiling.margin(config, Tiling.Pass.EMBED)); // cells of 2 x 2 pixels
        assertEquals(8, Tiling.margin(config, Tiling.Pass.EXTRACT));
        assertEquals(30, Tiling.margin(config, Tiling.Pass.EMBED_REFINED));
        assertEquals(12, Tiling.extractRadius(config.withExtractDepth(12)));
    }

    @ParameterizedTest
    @CsvSource({"130,130,8,2", "512,300,14,2", "1000,998,14,2", "129,64,3,1", "4096,4096,14,2"})
    void tiles_coverTheImageOnce_withTheirMarginInsideTheWindow(int w, int h, int margin, int multiple) {
        Tiling tiling = new Tiling(128, 64);
        List<Tiling.Tile> tiles = tiling.tiles(w, h, margin, multiple);
        int[] covered = new int[w * h];
        Tiling.Tile first = tiles.get(0);
        for (Tiling.Tile t : tiles) {
            assertEquals(first.width(), t.width(), "one window size for a batch");
            assertEquals(first.height(), t.height());
            assertEquals(0, t.x() % multiple, "windows start on the unshuffle grid");
            assertEquals(0, t.y() % multiple);
            assertTrue(t.x() >= 0 && t.y() >= 0 && t.x() + t.width() <= w && t.y() + t.height() <= h);
            assertTrue(t.coreX() == 0 || t.coreX() - t.x() >= margin, "context left of " + t);
            assertTrue(t.coreY() == 0 || t.coreY() - t.y() >= margin, "context above " + t);
            assertTrue(t.coreX() + t.coreWidth() == w || t.x() + t.width() - (t.coreX() + t.coreWidth()) >= margin);
            assertTrue(t.coreY() + t.coreHeight() == h || t.y() + t.height() - (t.coreY() + t.coreHeight()) >= margin);
            for (int y = t.coreY(); y < t.coreY() + t.coreHeight(); y++) {
                for (int x = t.coreX(); x < t.coreX() + t.coreWidth(); x++) {
                    covered[y * w + x]++;
                }
            }
        }
        for (int c : covered) {
            assertEquals(1, c);
        }
    }

    @Test
    void tiles_smallerThanTwiceTheMargin_areRefusedWithTheSizeToUse() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Tiling(64, 64).tiles(500, 500, 40, 2));
        assertTrue(e.getMessage().contains("use at least"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Tiling(32, 64));
        assertThrows(IllegalArgumentException.class, () -> new Tiling(512, 0));
    }

    @Test
    void tilesPerPass_fitTheMemoryBudget() {
        NetworkConfig config = NetworkConfig.defaults();
        long perTile = Tiling.bytesPerPixel(config, Tiling.Pass.EMBED) * 512 * 512;
        Tiling tiling = new Tiling(512, 1024);
        int n = tiling.tilesPerPass(config, Tiling.Pass.EMBED, 512, 512);
        assertTrue(n >= 1 && n * perTile <= 1024L * 1024 * 1024, n + " tiles of " + perTile + " bytes");
        assertTrue((n + 1) * perTile > 1024L * 1024 * 1024);
        assertEquals(1, new Tiling(512, 1).tilesPerPass(config, Tiling.Pass.EMBED, 512, 512), "at least one");
        assertTrue(Tiling.bytesPerPixel(config, Tiling.Pass.EXTRACT) < Tiling.bytesPerPixel(config, Tiling.Pass.EMBED));
        assertTrue(Tiling.bytesPerPixel(config, Tiling.Pass.EMBED_REFINED)
                > 2 * Tiling.bytesPerPixel(config, Tiling.Pass.EMBED));
    }

    @Test
    void bundledModel_tiledEmbedAndExtract_matchTheWholeImage() throws Exception {
        StegoModel whole = bundled();
        assertEquals(Tiling.defaults(), whole.tiling());
        // 128 px tiles (100 px cores, 4 x 3 tiles per image), a budget of 5 tiles per pass: batches of several
        // tiles and a last, partial one
        long perTile = Tiling.bytesPerPixel(NetworkConfig.defaults(), Tiling.Pass.EMBED) * 128 * 128;
        StegoModel tiled = whole.tiled(new Tiling(128, (int) (5 * perTile / (1024 * 1024)) + 1));
        int w = 362; // not a multiple of the unshuffle factor: padded, tiled, cropped back
        int h = 301;
        List<FloatImage> covers = List.of(sample("covers", "lomiri-16.04__friends_by_Aitzol_Berasategi.jpg", w, h)
                .toRgb());
        List<FloatImage> xrays =
                List.of(sample("xray", "IM-0003-0001.jpeg", w, h).toGray());

        FloatImage stegoWhole = whole.embed(covers, xrays).get(0);
        FloatImage stegoTiled = tiled.embed(covers, xrays).get(0);
        double embedPsnr = Metrics.psnr(stegoWhole, stegoTiled);
        FloatImage sent = stegoWhole.quantize8();
        FloatImage revealedWhole = whole.extract(List.of(sent)).get(0);
        FloatImage revealedTiled = tiled.extract(List.of(sent)).get(0);
        double extractPsnr = Metrics.psnr(revealedWhole, revealedTiled);

        assertEquals(w, stegoTiled.width());
        assertEquals(h, revealedTiled.height());
        // cores keep the whole receptive field: the same arithmetic on the same values (measured: equal bit for bit)
        assertEquals(Metrics.PSNR_CAP, embedPsnr, "embed, tiled vs whole");
        assertEquals(Metrics.PSNR_CAP, extractPsnr, "extract, tiled vs whole");
        assertArrayEquals(stegoWhole.data(), stegoTiled.data(), "embed");
        assertArrayEquals(revealedWhole.data(), revealedTiled.data(), "extract");
    }

    @Test
    void imagesUpToTheTileSize_runWhole_bitIdentical() throws Exception {
        StegoModel whole = bundled().tiled(new Tiling(4096, 4096));
        StegoModel tiled = whole.tiled(new Tiling(128, 1));
        List<FloatImage> covers = List.of(StegoModelTest.random(128, 96, 3, 1), StegoModelTest.random(128, 96, 3, 2));
        List<FloatImage> secrets = List.of(StegoModelTest.random(128, 96, 1, 3), StegoModelTest.random(128, 96, 1, 4));
        List<FloatImage> stego = whole.embed(covers, secrets);
        assertEquals(stego, tiled.embed(covers, secrets));
        assertEquals(whole.extract(stego), tiled.extract(stego));
    }

    @Test
    void refinedTiles_stayCloseToAWholeImageRefinement() throws Exception {
        NetworkConfig config = new NetworkConfig(1, 2, 8, 8, 2, 0.1);
        StegoModel plain = new StegoModel(config, StegoNetwork.initialWeights(config, 3), "test");
        StegoModel whole = plain.refining(Refinement.OFF.withSteps(3));
        StegoModel tiled = whole.tiled(new Tiling(96, 64));
        FloatImage cover = StegoModelTest.random(200, 150, 3, 5);
        FloatImage secret = StegoModelTest.random(200, 150, 1, 6);
        FloatImage network = plain.embed(List.of(cover), List.of(secret)).get(0);
        FloatImage a = whole.embed(List.of(cover), List.of(secret)).get(0);
        FloatImage b = tiled.embed(List.of(cover), List.of(secret)).get(0);
        // refinement moves pixels by a few grey levels; tile by tile it moves them about as far
        assertTrue(Metrics.psnr(a, b) > Metrics.psnr(network, a) - 6, Metrics.psnr(a, b) + " dB");
    }
}
