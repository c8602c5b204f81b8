package org.stegoehealth.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The writer read back by this package's own reader; the DICOM tools check it in {@link DicomOracleTest}. */
class SecondaryCaptureWriterTest {

    static final ZonedDateTime WHEN = ZonedDateTime.of(2026, 12, 7, 4, 5, 6, 0, ZoneOffset.UTC);

    static SecondaryCaptureWriter.Description description(String accession, SecondaryCaptureWriter.Lossy lossy) {
        return new SecondaryCaptureWriter.Description(
                accession,
                "Recovered by Stego-eHealth, model v3",
                lossy,
                Uids.fromName("m1/study"),
                Uids.fromName("m1/series"),
                Uids.fromName("m1/instance"),
                WHEN);
    }

    static BufferedImage gradient(int type, int w, int h, int scale) {
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster()
                        .setSample(
                                x,
                                y,
                                0,
                                ((x * 7 + y * 13) * scale) % (type == BufferedImage.TYPE_BYTE_GRAY ? 256 : 65536));
            }
        }
        return image;
    }

    @Test
    void write_8And16BitGray_readsBackToTheSamePixelsAndAccession() {
        for (BufferedImage image : new BufferedImage[] {
            gradient(BufferedImage.TYPE_BYTE_GRAY, 33, 17, 1), gradient(BufferedImage.TYPE_USHORT_GRAY, 31, 20, 211)
        }) {
            byte[] file = SecondaryCaptureWriter.write(image, description("ACC-7", null));

            DicomImage back = DicomReader.read(file, "sc.dcm", 4096);

            assertArrayEquals(DicomTools.grayPixels(image), back.pixels());
            assertEquals(image.getColorModel().getComponentSize(0), back.bitsStored());
            assertEquals(Optional.of("ACC-7"), back.accessionNumber());
            assertEquals(Optional.of(SecondaryCaptureWriter.SOP_CLASS_UID), back.sopClassUid());
            assertEquals(Part10.EXPLICIT, back.transferSyntaxUid());
            assertEquals(0, file.length % 2, "every value padded to an even length");
        }
    }

    @Test
    void write_lossyAndLossless_sayWhichInLossyImageCompression() {
        BufferedImage image = gradient(BufferedImage.TYPE_BYTE_GRAY, 8, 8, 1);
        String lossless =
                new String(SecondaryCaptureWriter.write(image, description(null, null)), StandardCharsets.ISO_8859_1);
        String lossy = new String(
                SecondaryCaptureWriter.write(
                        image, description(null, new SecondaryCaptureWriter.Lossy(2.5, "STEGO_NEURAL"))),
                StandardCharsets.ISO_8859_1);

        assertTrue(lossless.contains("CS\u0002\u000000"), "(0028,2110) = 00");
        assertFalse(lossless.contains("STEGO_NEURAL"));
        assertTrue(lossy.contains("CS\u0002\u000001"), "(0028,2110) = 01");
        assertTrue(lossy.contains("DS\u0004\u00002.5 "));
        assertTrue(lossy.contains("STEGO_NEURAL"));
        assertTrue(lossy.contains("DERIVED\\SECONDARY"));
    }

    @Test
    void description_refusesAnAccessionNumberThatIsNoShortString() {
        assertThrows(IllegalArgumentException.class, () -> description("a-reference-longer-than-16", null));
        assertThrows(IllegalArgumentException.class, () -> description("back\\slash", null));
        assertTrue(SecondaryCaptureWriter.isAccessionNumber("RX-2026-000123"));
    }

    @Test
    void uids_areUuidDerivedAndStablePerName() {
        String a = Uids.fromName("m1");
        assertTrue(a.matches("2\\.25\\.[1-9][0-9]{0,38}"), a);
        assertTrue(a.length() <= 64);
        assertEquals(a, Uids.fromName("m1"));
        assertNotEquals(a, Uids.fromName("m2"));
        assertNotEquals(Uids.random(), Uids.random());
        assertTrue(Uids.ROOT.matches("2\\.25\\.[1-9][0-9]{0,38}"));
    }

    @Test
    void decimalString_fitsSixteenCharacters() {
        assertEquals("1", SecondaryCaptureWriter.decimalString(1.0));
        assertEquals("2.5", SecondaryCaptureWriter.decimalString(2.5));
        assertEquals("0.333333", SecondaryCaptureWriter.decimalString(1 / 3.0));
        assertTrue(SecondaryCaptureWriter.decimalString(1e20).length() <= 16);
    }
}
