package org.stegoehealth.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.security.SealedException.Reason;

class SealedHidingTest {

    private static final Path SAMPLES = Path.of("..", "samples");

    @TempDir
    static Path tmp;

    static Keyring hospital;
    static Keyring clinic;
    static Keyring otherClinic;
    static BufferedImage cover;
    static BufferedImage xray8;

    /** The hospital trusts clinic-a (and holds its position keys); clinic-b is another clinic. */
    @BeforeAll
    static void keyringsAndImages() throws IOException {
        KeyringPair pair = KeyringPair.create(tmp.resolve("hospital"), "hospital", tmp.resolve("clinic-a"), "clinic-a");
        hospital = pair.hospital();
        clinic = pair.clinic();
        otherClinic = Keyring.init(tmp.resolve("clinic-b"), "clinic-b")
                .importPublic(hospital.exportPublic(Optional.empty()), "hospital", false)
                .keyring();
        cover = ImageIO.read(SAMPLES.resolve("covers/lomiri-16.04__Picture_1A_by_freespace.jpg")
                .toFile());
        BufferedImage full =
                ImageIO.read(SAMPLES.resolve("xray/IM-0003-0001.jpeg").toFile());
        xray8 = full.getSubimage(128, 128, 256, 256);
    }

    /** A 16-bit gray X-ray using the whole 16-bit range (the 8-bit one shifted up, with noise in the low byte). */
    private static BufferedImage xray16() {
        BufferedImage img = new BufferedImage(160, 120, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        Random rnd = new Random(7);
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) {
                r.setSample(x, y, 0, (xray8.getRaster().getSample(x, y, 0) << 8) | rnd.nextInt(256));
            }
        }
        return img;
    }

    private static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
        assertEquals(expected.getWidth(), actual.getWidth());
        assertEquals(expected.getHeight(), actual.getHeight());
        assertEquals(expected.getRaster().getNumBands(), actual.getRaster().getNumBands());
        assertEquals(
                expected.getSampleModel().getSampleSize(0),
                actual.getSampleModel().getSampleSize(0));
        assertArrayEquals(
                expected.getRaster().getPixels(0, 0, expected.getWidth(), expected.getHeight(), (int[]) null),
                actual.getRaster().getPixels(0, 0, actual.getWidth(), actual.getHeight(), (int[]) null));
    }

    private static BufferedImage copy(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.setData(img.getRaster());
        return out;
    }

    @Test
    void embedExtract_8bitXray_comesBackBitForBit_withTheStudyReference_underTheBudget() {
        SealedHiding.Embedded e =
                new SealedHiding(hospital).embed(cover, xray8, "m-1", "clinic-a", Optional.of("STUDY-0042"));

        assertTrue(e.bitsPerChannel() <= SealedHiding.DEFAULT_BUDGET, "bpc " + e.bitsPerChannel());
        assertTrue(e.bitsPerChannel() > 0.45, "the crop is as small as the budget allows: " + e.bitsPerChannel());
        assertTrue(!e.coverScaled() && e.stego().getWidth() <= cover.getWidth(), "native crop");
        SealedHiding.Opened o = new SealedHiding(clinic)
                .extract(e.stego(), "m-1", e.placement(), e.receivingKeyId(), e.positionsKeyId());
        assertSamePixels(xray8, o.xray());
        assertEquals(Optional.of("STUDY-0042"), o.studyRef());
    }

    @Test
    void embedExtract_16bitXray_keepsItsDepthBitForBit() {
        BufferedImage x16 = xray16();
        SealedHiding.Embedded e = new SealedHiding(hospital).embed(cover, x16, "m-16", "clinic-a", Optional.empty());

        SealedHiding.Opened o = new SealedHiding(clinic)
                .extract(e.stego(), "m-16", e.placement(), e.receivingKeyId(), e.positionsKeyId());
        assertSamePixels(x16, o.xray());
        assertEquals(16, o.xray().getSampleModel().getSampleSize(0));
        assertEquals(Optional.empty(), o.studyRef());
    }

    @Test
    void extract_onePixelChangedAnywhere_orAnotherMessageId_isTampered() {
        SealedHiding.Embedded e = new SealedHiding(hospital).embed(cover, xray8, "m-2", "clinic-a", Optional.empty());
        SealedHiding reader = new SealedHiding(clinic);
        int w = e.stego().getWidth();
        int h = e.stego().getHeight();
        for (int[] at : new int[][] {{0, 0}, {w / 2, h / 2}, {w - 1, h - 1}}) {
            BufferedImage altered = copy(e.stego());
            WritableRaster r = altered.getRaster();
            r.setSample(at[0], at[1], 1, r.getSample(at[0], at[1], 1) ^ 1);
            SealedException ex = assertThrows(
                    SealedException.class,
                    () -> reader.extract(altered, "m-2", e.placement(), e.receivingKeyId(), e.positionsKeyId()));
            assertEquals(Reason.TAMPERED, ex.reason(), ex.getMessage());
        }
        SealedException id = assertThrows(
                SealedException.class,
                () -> reader.extract(e.stego(), "m-3", e.placement(), e.receivingKeyId(), e.positionsKeyId()));
        assertEquals(Reason.TAMPERED, id.reason(), id.getMessage());
    }

    @Test
    void sameXraySentTwice_getsAnotherCropAndOtherPositions_andEachOpensOnlyWithItsOwnPlacement() {
        SealedHiding sender = new SealedHiding(hospital);
        SealedHiding.Embedded first = sender.embed(cover, xray8, "m-8", "clinic-a", Optional.empty());
        SealedHiding.Embedded second = sender.embed(cover, xray8, "m-8", "clinic-a", Optional.empty());

        assertNotEquals(first.placement(), second.placement());
        int w = first.cover().getWidth();
        int h = first.cover().getHeight();
        assertFalse(
                Arrays.equals(
                        first.cover().getRaster().getPixels(0, 0, w, h, (int[]) null),
                        second.cover().getRaster().getPixels(0, 0, w, h, (int[]) null)),
                "each embedding crops the cover elsewhere");
        // positions: on one and the same crop, the changed samples of two embeddings are mostly different ones
        BufferedImage crop = first.cover();
        SealedHiding.Embedded again = sender.embed(crop, xray8, "m-8", "clinic-a", Optional.empty());
        SealedHiding.Embedded other = sender.embed(crop, xray8, "m-8", "clinic-a", Optional.empty());
        int[] base = crop.getRaster().getPixels(0, 0, w, h, (int[]) null);
        int[] a = again.stego().getRaster().getPixels(0, 0, w, h, (int[]) null);
        int[] b = other.stego().getRaster().getPixels(0, 0, w, h, (int[]) null);
        int changedA = 0;
        int changedBoth = 0;
        for (int i = 0; i < base.length; i++) {
            if (a[i] != base[i]) {
                changedA++;
                if (b[i] != base[i]) {
                    changedBoth++;
                }
            }
        }
        assertTrue(changedA > 1000, "changed " + changedA);
        assertTrue(changedBoth < changedA * 0.7, changedBoth + " of " + changedA + " changed in both");

        SealedHiding reader = new SealedHiding(clinic);
        assertSamePixels(
                xray8,
                reader.extract(
                                second.stego(),
                                "m-8",
                                second.placement(),
                                second.receivingKeyId(),
                                second.positionsKeyId())
                        .xray());
        SealedException swapped = assertThrows(
                SealedException.class,
                () -> reader.extract(
                        second.stego(), "m-8", first.placement(), second.receivingKeyId(), second.positionsKeyId()));
        assertEquals(Reason.TAMPERED, swapped.reason(), swapped.getMessage());
    }

    @Test
    void extract_atAnotherClinic_isNotForThisKey() {
        SealedHiding.Embedded e = new SealedHiding(hospital).embed(cover, xray8, "m-4", "clinic-a", Optional.empty());

        SealedException ex = assertThrows(
                SealedException.class,
                () -> new SealedHiding(otherClinic)
                        .extract(e.stego(), "m-4", e.placement(), e.receivingKeyId(), e.positionsKeyId()));
        assertEquals(Reason.NOT_FOR_THIS_KEY, ex.reason());
        assertTrue(
                ex.getMessage().contains(e.receivingKeyId()) && ex.getMessage().contains("clinic-b"), ex.getMessage());
    }

    @Test
    void embed_payloadOverTheSizeLimit_isRefusedForCapacity() {
        SealedException ex = assertThrows(
                SealedException.class,
                () -> new SealedHiding(hospital, 0.5, 128).embed(cover, xray8, "m-5", "clinic-a", Optional.empty()));
        assertEquals(Reason.CAPACITY, ex.reason());
        assertTrue(ex.getMessage().contains("128 px limit"), ex.getMessage());
    }

    @Test
    void embed_smallCover_isScaledUpToTheBudget_andStillLossless() {
        BufferedImage small = cover.getSubimage(0, 0, 200, 150);
        SealedHiding.Embedded e = new SealedHiding(hospital).embed(small, xray8, "m-6", "clinic-a", Optional.empty());

        assertTrue(e.coverScaled() && e.bitsPerChannel() <= 0.5);
        assertSamePixels(
                xray8,
                new SealedHiding(clinic)
                        .extract(e.stego(), "m-6", e.placement(), e.receivingKeyId(), e.positionsKeyId())
                        .xray());
    }

    @Test
    void extract_afterTheClinicRotatedItsKeys_stillOpensWhatWasSentBefore() {
        Path dir = tmp.resolve("clinic-rot");
        KeyringPair pair = KeyringPair.create(tmp.resolve("hospital-rot"), "hospital-r", dir, "clinic-r");
        Keyring c = pair.clinic();
        Keyring h = pair.hospital();
        SealedHiding.Embedded e = new SealedHiding(h).embed(cover, xray8, "m-7", "clinic-r", Optional.of("S-7"));

        Keyring rotated = c.rotate(EnumSet.allOf(KeyPurpose.class));

        SealedHiding.Opened o = new SealedHiding(rotated)
                .extract(e.stego(), "m-7", e.placement(), e.receivingKeyId(), e.positionsKeyId());
        assertSamePixels(xray8, o.xray());
        assertEquals(Optional.of("S-7"), o.studyRef());
    }
}
