package org.stegoehealth.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.security.SealedException.Reason;

/**
 * The covert mode: the sealed payload spread by syndrome-trellis codes with HILL costs over the whole cover. Bit for
 * bit back, few changes, and the same refusals as the sealed mode.
 */
class CovertHidingTest {

    private static final Path SAMPLES = Path.of("..", "samples");

    @TempDir
    static Path tmp;

    static Keyring hospital;
    static Keyring clinic;
    static Keyring otherClinic;
    static BufferedImage cover;
    static BufferedImage xray8;

    @BeforeAll
    static void keyringsAndImages() throws IOException {
        KeyringPair pair = KeyringPair.create(tmp.resolve("hospital"), "hospital", tmp.resolve("clinic-a"), "clinic-a");
        hospital = pair.hospital();
        clinic = pair.clinic();
        otherClinic = Keyring.init(tmp.resolve("clinic-b"), "clinic-b")
                .importPublic(hospital.exportPublic(Optional.empty()), "hospital", false)
                .keyring();
        BufferedImage photo = ImageIO.read(SAMPLES.resolve("covers/lomiri-16.04__Picture_1A_by_freespace.jpg")
                .toFile());
        // halved, as a cover library takes JPEG photos down to hide their 8x8 block grid
        cover = new BufferedImage(photo.getWidth() / 2, photo.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = cover.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(photo, 0, 0, cover.getWidth(), cover.getHeight(), null);
        g.dispose();
        BufferedImage full =
                ImageIO.read(SAMPLES.resolve("xray/IM-0003-0001.jpeg").toFile());
        BufferedImage crop = full.getSubimage(200, 200, 48, 48);
        xray8 = new BufferedImage(48, 48, BufferedImage.TYPE_BYTE_GRAY);
        xray8.getRaster().setRect(crop.getRaster());
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }

    /** A budget above the default, so these small test covers hold the test X-rays. */
    private static final double BUDGET = 0.05;

    private static SealedHiding covert(Keyring keyring) {
        return SealedHiding.covert(keyring, BUDGET, SealedHiding.DEFAULT_MAX_SIDE);
    }

    @Test
    void embedExtract_8bitXray_comesBackBitForBit_inTheWholeCover_withFewChanges() {
        SealedHiding.Embedded e = covert(hospital).embed(cover, xray8, "c-1", "clinic-a", Optional.of("ACC-1"));

        assertEquals(cover.getWidth(), e.stego().getWidth(), "the whole cover, at its own size");
        assertEquals(cover.getHeight(), e.stego().getHeight());
        assertTrue(e.bitsPerChannel() <= BUDGET, "rate " + e.bitsPerChannel());
        SealedHiding.Opened o =
                covert(clinic).extract(e.stego(), "c-1", e.placement(), e.receivingKeyId(), e.positionsKeyId());
        assertArrayEquals(pixels(xray8), pixels(o.xray()));
        assertEquals(Optional.of("ACC-1"), o.studyRef());

        int[] before = pixels(cover);
        int[] after = pixels(e.stego());
        int changed = 0;
        for (int i = 0; i < before.length; i++) {
            assertTrue(Math.abs(before[i] - after[i]) <= 1, "a change is +-1");
            changed += before[i] != after[i] ? 1 : 0;
        }
        // LSB matching changes one sample per two payload bits; the code carries several bits per change
        double bitsPerChange = (double) e.payloadBits() / changed;
        System.out.printf(
                "covert: %d payload bits in a %dx%d cover (%.4f bits per channel), %d samples changed: %.1f bits per"
                        + " change%n",
                e.payloadBits(), cover.getWidth(), cover.getHeight(), e.bitsPerChannel(), changed, bitsPerChange);
        assertTrue(bitsPerChange > 4, String.format("%d changes for %d bits", changed, e.payloadBits()));
    }

    @Test
    void embedExtract_16bitXray_keepsItsDepthBitForBit() {
        BufferedImage x16 = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = x16.getRaster();
        Random rnd = new Random(5);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                r.setSample(x, y, 0, (xray8.getRaster().getSample(x, y, 0) << 8) | rnd.nextInt(256));
            }
        }

        SealedHiding.Embedded e = covert(hospital).embed(cover, x16, "c-16", "clinic-a", Optional.empty());
        SealedHiding.Opened o =
                covert(clinic).extract(e.stego(), "c-16", e.placement(), e.receivingKeyId(), e.positionsKeyId());

        assertEquals(16, o.xray().getSampleModel().getSampleSize(0));
        assertArrayEquals(pixels(x16), pixels(o.xray()));
    }

    @Test
    void extract_onePixelChanged_isTampered_andAnotherClinic_isNotForThisKey() {
        SealedHiding.Embedded e = covert(hospital).embed(cover, xray8, "c-2", "clinic-a", Optional.empty());
        BufferedImage altered =
                new BufferedImage(e.stego().getWidth(), e.stego().getHeight(), BufferedImage.TYPE_INT_RGB);
        altered.setData(e.stego().getRaster());
        WritableRaster r = altered.getRaster();
        r.setSample(10, 10, 2, r.getSample(10, 10, 2) ^ 1);

        SealedException tampered = assertThrows(
                SealedException.class,
                () -> covert(clinic).extract(altered, "c-2", e.placement(), e.receivingKeyId(), e.positionsKeyId()));
        assertEquals(Reason.TAMPERED, tampered.reason(), tampered.getMessage());
        SealedException other = assertThrows(
                SealedException.class,
                () -> covert(otherClinic)
                        .extract(e.stego(), "c-2", e.placement(), e.receivingKeyId(), e.positionsKeyId()));
        assertEquals(Reason.NOT_FOR_THIS_KEY, other.reason());
        // a covert image is not a sealed one: the sealed reader finds no payload it can authenticate
        SealedException sealedReader = assertThrows(
                SealedException.class,
                () -> new SealedHiding(clinic)
                        .extract(e.stego(), "c-2", e.placement(), e.receivingKeyId(), e.positionsKeyId()));
        assertEquals(Reason.TAMPERED, sealedReader.reason());
    }

    @Test
    void embed_coverTooSmallForTheBudget_isCapacity() {
        BufferedImage small = cover.getSubimage(0, 0, 64, 64);

        SealedException ex = assertThrows(
                SealedException.class, () -> covert(hospital).embed(small, xray8, "c-3", "clinic-a", Optional.empty()));

        assertEquals(Reason.CAPACITY, ex.reason());
        assertTrue(ex.getMessage().contains("64x64"), ex.getMessage());
    }
}
