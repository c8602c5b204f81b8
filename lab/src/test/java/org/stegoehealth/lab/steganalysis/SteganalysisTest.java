package org.stegoehealth.lab.steganalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Progress;
import org.stegoehealth.security.Keyring;

/** The detector on real photographs (the sample covers), cut into small tiles so the test stays fast. */
class SteganalysisTest {

    static List<Steganalysis.Tile> tiles;
    static List<FloatImage> secrets;

    @BeforeAll
    static void tiles() {
        Path samples = Path.of("..", "samples");
        tiles = Steganalysis.tiles(Images.listImages(samples.resolve("covers")), 1024, 128, 40);
        secrets = Steganalysis.secrets(Images.listImages(samples.resolve("xray")), 128, tiles.size());
    }

    private static Steganalysis.MethodScore score(HidingMethod method) {
        return Steganalysis.run(tiles, secrets, List.of(method), 8, new Progress(System.err))
                .methods()
                .get(0);
    }

    @Test
    void tiles_comeFromEveryPhoto_atTheRequestedSize() {
        assertEquals(120, tiles.size());
        assertEquals(
                3, tiles.stream().mapToInt(Steganalysis.Tile::photo).distinct().count());
        tiles.forEach(t -> assertEquals(128, t.image().width()));
        tiles.forEach(t -> assertEquals(t.image(), t.image().quantize8()));
    }

    @Test
    void detects_fullPayloadLsbReplacementOfRandomBits() {
        Steganalysis.MethodScore s = score(HidingMethod.parse("lsbr-1", null, null));
        assertTrue(s.auc() > 0.95, "AUC " + s.auc());
        assertTrue(s.meanPhotoAuc() > 0.95, "photo AUC " + s.meanPhotoAuc());
        assertTrue(s.accuracy() > 0.85, "accuracy " + s.accuracy());
        assertEquals(3, s.folds());
        assertEquals(240, s.samples());
    }

    @Test
    void isNoBetterThanChance_whenTheStegoImagesAreTheCoversThemselves() {
        HidingMethod none = new HidingMethod() {
            @Override
            public String name() {
                return "covers";
            }

            @Override
            public double bitsPerChannel() {
                return 0;
            }

            @Override
            public List<FloatImage> hide(List<FloatImage> covers, List<FloatImage> s, long seed) {
                return covers;
            }
        };
        Steganalysis.MethodScore s = score(none);
        assertTrue(s.auc() >= 0.4 && s.auc() <= 0.6, "AUC " + s.auc());
        assertTrue(s.meanPhotoAuc() >= 0.4 && s.meanPhotoAuc() <= 0.6, "photo AUC " + s.meanPhotoAuc());
    }

    @Test
    void sealed_isComparedWithTheSameCropOfTheCleanTile(@TempDir Path dir) {
        Keyring keyring = Keyring.init(dir.resolve("keyring"), "steganalysis");
        List<Steganalysis.Tile> few = new ArrayList<>(tiles.subList(0, 4));
        few.addAll(tiles.subList(40, 44)); // two photos, so there are two folds
        HidingMethod sealed = HidingMethod.sealed(keyring, 0.25);
        List<FloatImage> stego =
                sealed.hide(few.stream().map(Steganalysis.Tile::image).toList(), secrets, 0);
        assertTrue(stego.get(0).width() < 128, "a 32 px X-ray needs only part of a 128 px tile");
        Steganalysis.MethodScore s = Steganalysis.run(few, secrets, List.of(sealed), 4, new Progress(System.err))
                .methods()
                .get(0);
        // LSB matching at half a bit per sample changes a quarter of the samples by one level: about 54 dB
        assertTrue(s.coverPsnr() > 50, "PSNR " + s.coverPsnr());
        assertEquals(16, s.samples());
    }

    @Test
    void randomBits_writeThePayloadIntoTheLowBitsOnly() {
        FloatImage cover = tiles.get(0).image();
        FloatImage matched = HidingMethod.randomBits(cover, 1.0, true, new Random(1));
        FloatImage replaced = HidingMethod.randomBits(cover, 1.0, false, new Random(1));
        int changedMatched = 0;
        for (int i = 0; i < cover.data().length; i++) {
            int c = Math.round(cover.data()[i] * 255);
            int m = Math.round(matched.data()[i] * 255);
            int r = Math.round(replaced.data()[i] * 255);
            assertTrue(Math.abs(m - c) <= 1);
            assertEquals(c >> 1, r >> 1);
            changedMatched += m != c ? 1 : 0;
        }
        // about half of the samples already hold the bit they are given
        double share = (double) changedMatched / cover.data().length;
        assertEquals(0.5, share, 0.05);
    }

    @Test
    void auc_matchesHandComputedValues_andNeedsBothClasses() {
        // positives 0.35, 0.8 against negatives 0.1, 0.4: 3 of 4 pairs ordered right
        assertEquals(0.75, LinearDetector.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1}), 1e-12);
        assertEquals(0.5, LinearDetector.auc(new double[] {1, 1, 1, 1}, new int[] {0, 1, 0, 1}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> LinearDetector.auc(new double[] {1, 2}, new int[] {1, 1}));
    }

    @Test
    void parse_refusesUnknownMethodsWithTheList() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> HidingMethod.parse("wavelet", null, null));
        assertTrue(e.getMessage().contains("spread-lsb-R-G-B"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HidingMethod.parse("neural", null, null));
        assertThrows(IllegalArgumentException.class, () -> HidingMethod.parse("lsbm-2", null, null));
    }
}
