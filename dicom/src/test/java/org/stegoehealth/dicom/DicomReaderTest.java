package org.stegoehealth.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reader on files built element by element: both little-endian transfer syntaxes, and every refusal. */
class DicomReaderTest {

    private static final int MAX_SIDE = 4096;

    private static byte[] ramp16(int n, int bits) {
        byte[] out = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            int v = (i * 37) & ((1 << bits) - 1);
            out[2 * i] = (byte) v;
            out[2 * i + 1] = (byte) (v >>> 8);
        }
        return out;
    }

    private static Part10 header(String ts, String photometric, int rows, int columns, int allocated, int stored) {
        return new Part10(ts)
                .text(Tags.SOP_CLASS_UID, "UI", "1.2.840.10008.5.1.4.1.1.1.1")
                .text(Tags.ACCESSION_NUMBER, "SH", "ACC-0042")
                .text(Tags.PATIENT_NAME, "PN", "Doe^Jane")
                .undefinedSequence(0x00081110, 0x00081150, "referenced study")
                .imagePixel(photometric, rows, columns, allocated, stored)
                .text(Tags.WINDOW_CENTER, "DS", "2048\\1024")
                .text(Tags.WINDOW_WIDTH, "DS", "4096")
                .text(Tags.RESCALE_INTERCEPT, "DS", "-1024")
                .text(Tags.RESCALE_SLOPE, "DS", "1.5");
    }

    @Test
    void read_explicitAndImplicit16Bit_givesStoredValuesAndKeepsRescaleAndWindow() {
        for (String ts : new String[] {Part10.EXPLICIT, Part10.IMPLICIT}) {
            byte[] data = ramp16(6 * 4, 12);
            byte[] file = header(ts, "MONOCHROME2", 4, 6, 16, 12)
                    .pixelData("OW", data)
                    .bytes();

            DicomImage image = DicomReader.read(file, "x.dcm", MAX_SIDE);

            assertEquals(4, image.rows());
            assertEquals(6, image.columns());
            assertEquals(12, image.bitsStored());
            for (int i = 0; i < 24; i++) {
                assertEquals((i * 37) & 0xFFF, image.pixels()[i], ts + " pixel " + i);
            }
            assertEquals(Optional.of("ACC-0042"), image.accessionNumber());
            assertEquals(2048, image.windowCenter().getAsDouble());
            assertEquals(4096, image.windowWidth().getAsDouble());
            assertEquals(-1024, image.rescaleIntercept().getAsDouble());
            assertEquals(1.5, image.rescaleSlope().getAsDouble());
            assertEquals(ts, image.transferSyntaxUid());
        }
    }

    @Test
    void read_monochrome1_invertsWithinStoredBits() {
        byte[] file = header(Part10.EXPLICIT, "MONOCHROME1", 1, 4, 8, 8)
                .pixelData("OB", new byte[] {0, 1, (byte) 200, (byte) 255})
                .bytes();

        DicomImage image = DicomReader.read(file, "m1.dcm", MAX_SIDE);

        assertArrayEquals(new int[] {255, 254, 55, 0}, image.pixels());
        assertEquals("MONOCHROME1", image.sourcePhotometric());
    }

    @Test
    void read_bitsAboveBitsStored_areMasked() {
        byte[] file = header(Part10.EXPLICIT, "MONOCHROME2", 1, 2, 16, 12)
                .pixelData("OW", new byte[] {(byte) 0xFF, (byte) 0xFF, 0x34, 0x12})
                .bytes();

        assertArrayEquals(
                new int[] {0xFFF, 0x234},
                DicomReader.read(file, "m.dcm", MAX_SIDE).pixels());
    }

    @Test
    void read_oddLength8BitPixelDataPaddedToEven_isAccepted() {
        byte[] file = header(Part10.IMPLICIT, "MONOCHROME2", 1, 3, 8, 8)
                .pixelData("OB", new byte[] {1, 2, 3, 0})
                .bytes();

        assertArrayEquals(
                new int[] {1, 2, 3}, DicomReader.read(file, "p.dcm", MAX_SIDE).pixels());
    }

    @Test
    void read_wrongPreamble_isRefusedNamingTheFile() {
        byte[] file = header(Part10.EXPLICIT, "MONOCHROME2", 1, 2, 8, 8)
                .pixelData("OB", new byte[2])
                .bytes();
        file[129] = 'X';

        DicomException e = assertThrows(DicomException.class, () -> DicomReader.read(file, "a.dcm", MAX_SIDE));

        assertEquals(DicomException.Problem.MALFORMED, e.problem());
        assertTrue(e.getMessage().startsWith("a.dcm: not a DICOM Part 10 file"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void read_truncatedAnywhere_isRefusedAsTruncatedOrMalformed() {
        byte[] whole = header(Part10.EXPLICIT, "MONOCHROME2", 8, 8, 16, 16)
                .pixelData("OW", ramp16(64, 16))
                .bytes();
        for (int cut = 0; cut < whole.length; cut += 7) {
            byte[] part = Arrays.copyOf(whole, cut);
            DicomException e =
                    assertThrows(DicomException.class, () -> DicomReader.read(part, "t.dcm", MAX_SIDE), "cut " + cut);
            assertTrue(e.getMessage().startsWith("t.dcm: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        byte[] headerOnly = Arrays.copyOf(whole, whole.length - 128 - 12);
        assertEquals(
                DicomException.Problem.TRUNCATED,
                assertThrows(DicomException.class, () -> DicomReader.read(headerOnly, "t.dcm", MAX_SIDE))
                        .problem(),
                "a file cut before its pixel data may be still being copied");
        byte[] lastPixelMissing = Arrays.copyOf(whole, whole.length - 2);
        DicomException e =
                assertThrows(DicomException.class, () -> DicomReader.read(lastPixelMissing, "t.dcm", MAX_SIDE));
        assertEquals(DicomException.Problem.TRUNCATED, e.problem());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void read_pixelDataLengthNotMatchingRowsColumnsBits_isRefused() {
        byte[] file = header(Part10.EXPLICIT, "MONOCHROME2", 4, 4, 16, 12)
                .pixelData("OW", new byte[16]) // 4 x 4 x 8 bits, not 16
                .bytes();

        DicomException e = assertThrows(DicomException.class, () -> DicomReader.read(file, "l.dcm", MAX_SIDE));

        assertEquals(DicomException.Problem.OUT_OF_LIMITS, e.problem());
        assertEquals("l.dcm: pixel data of 16 bytes, but 4 columns x 4 rows x 16 bits need 32", e.getMessage());
    }

    @Test
    void read_absurdHeader_isRefusedFromTheHeaderBeforeAllocating() {
        // Rows and Columns are US (at most 65535): the largest header that can be written, with a pixel data
        // length that claims almost 4 GiB and 8 bytes of data behind it
        byte[] file = header(Part10.EXPLICIT, "MONOCHROME2", 65535, 65535, 16, 16)
                .pixelData("OW", 0xFFFFFFF0L, new byte[8])
                .bytes();

        DicomException e = assertThrows(DicomException.class, () -> DicomReader.read(file, "big.dcm", MAX_SIDE));

        assertEquals(DicomException.Problem.OUT_OF_LIMITS, e.problem());
        assertEquals("big.dcm: 65535x65535 image exceeds the 4096-pixel side limit", e.getMessage());
        // within the side limit the claimed length is refused, still before any pixel is allocated
        DicomException length =
                assertThrows(DicomException.class, () -> DicomReader.read(file, "big.dcm", Integer.MAX_VALUE));
        assertTrue(length.getMessage().contains("pixel data of 4294967280 bytes"), length.getMessage());
    }

    @Test
    void read_compressedTransferSyntax_namesItAndTheCommandThatConverts() {
        String[][] cases = {
            {"1.2.840.10008.1.2.4.50", "JPEG Baseline", "dcmdjpeg j.dcm converted.dcm"},
            {"1.2.840.10008.1.2.4.70", "JPEG Lossless", "dcmdjpeg j.dcm converted.dcm"},
            {"1.2.840.10008.1.2.4.90", "JPEG 2000", "dcmdjp2k j.dcm converted.dcm"},
            {"1.2.840.10008.1.2.5", "RLE Lossless", "dcmdrle j.dcm converted.dcm"},
            {"1.2.840.10008.1.2.2", "Explicit VR Big Endian", "dcmconv +te j.dcm converted.dcm"},
        };
        for (String[] c : cases) {
            byte[] file = new Part10(c[0]).bytes();
            DicomException e = assertThrows(DicomException.class, () -> DicomReader.read(file, "j.dcm", MAX_SIDE));
            assertEquals(DicomException.Problem.UNSUPPORTED, e.problem());
            assertTrue(e.getMessage().startsWith("j.dcm: transfer syntax " + c[1]), e.getMessage());
            assertTrue(e.getMessage().contains(c[0]), e.getMessage());
            assertTrue(e.getMessage().endsWith(c[2]), e.getMessage());
        }
    }

    @Test
    void read_unknownTransferSyntax_isRefusedNamingIt() {
        byte[] file = new Part10("1.2.3.4.5").bytes();

        DicomException e = assertThrows(DicomException.class, () -> DicomReader.read(file, "u.dcm", MAX_SIDE));

        assertTrue(e.getMessage().startsWith("u.dcm: unknown transfer syntax '1.2.3.4.5'"), e.getMessage());
    }

    @Test
    void read_colourOrMultiFrameOrSigned_isRefusedInOneLine() {
        byte[] rgb = new Part10(Part10.EXPLICIT)
                .us(Tags.SAMPLES_PER_PIXEL, 3)
                .text(Tags.PHOTOMETRIC_INTERPRETATION, "CS", "RGB")
                .pixelData("OB", new byte[4])
                .bytes();
        assertTrue(assertThrows(DicomException.class, () -> DicomReader.read(rgb, "c.dcm", MAX_SIDE))
                .getMessage()
                .contains("3 samples per pixel, RGB"));
        byte[] frames = new Part10(Part10.EXPLICIT)
                .imagePixel("MONOCHROME2", 1, 1, 8, 8)
                .text(Tags.NUMBER_OF_FRAMES, "IS", "3")
                .pixelData("OB", new byte[4])
                .bytes();
        assertTrue(assertThrows(DicomException.class, () -> DicomReader.read(frames, "f.dcm", MAX_SIDE))
                .getMessage()
                .contains("3 frames; one image expected"));
        byte[] signed = new Part10(Part10.EXPLICIT)
                .imagePixel("MONOCHROME2", 1, 1, 16, 16)
                .us(Tags.PIXEL_REPRESENTATION, 1)
                .pixelData("OW", new byte[2])
                .bytes();
        assertTrue(assertThrows(DicomException.class, () -> DicomReader.read(signed, "s.dcm", MAX_SIDE))
                .getMessage()
                .contains("signed pixel values"));
    }

    @Test
    void isPart10_looksForDicmAfterThePreamble() {
        assertTrue(DicomReader.isPart10(new Part10(Part10.EXPLICIT).bytes()));
        assertFalse(DicomReader.isPart10(new byte[200]));
        assertFalse(DicomReader.isPart10(new byte[10]));
    }
}
