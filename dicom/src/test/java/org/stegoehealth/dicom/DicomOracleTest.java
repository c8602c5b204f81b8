package org.stegoehealth.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader and the writer against the DICOM tools: files made by DCMTK's {@code img2dcm} (then {@code dcmconv},
 * {@code dcmodify}) from the sample X-rays are read to the same pixels; what the writer makes passes dicom3tools'
 * {@code dciodvfy} with no error, shows its attributes in {@code dcmdump} and converts back to the same pixels with
 * {@code dcm2pnm}. Each test is skipped, naming the tool, only where the tool is not installed.
 */
class DicomOracleTest {

    static final Path XRAYS = Path.of("..", "samples", "xray");
    static final List<String> SAMPLES = List.of("IM-0003-0001.jpeg", "person19_virus_50.jpeg");

    @TempDir
    Path dir;

    private static byte[] le16(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static DicomImage read(Path file) throws IOException {
        return DicomReader.read(Files.readAllBytes(file), file.getFileName().toString(), 4096);
    }

    @Test
    void img2dcm8Bit_explicitAndImplicit_readsToThePngPixels() throws IOException {
        DicomTools.assumeInstalled("img2dcm", "dcmconv", "dcmdump");
        for (String sample : SAMPLES) {
            BufferedImage gray = DicomTools.gray8(XRAYS.resolve(sample));
            Path png = dir.resolve(sample + ".png");
            ImageIO.write(gray, "png", png.toFile());
            int[] expected = DicomTools.grayPixels(ImageIO.read(png.toFile()));
            Path explicit = DicomTools.img2dcm(gray, dir, sample);
            Path implicit = dir.resolve(sample + "-implicit.dcm");
            DicomTools.ok("dcmconv", "+ti", explicit.toString(), implicit.toString());
            assertTrue(DicomTools.ok("dcmdump", implicit.toString()).contains("=LittleEndianImplicit"));

            for (Path file : List.of(explicit, implicit)) {
                DicomImage image = read(file);
                assertEquals(gray.getWidth(), image.columns());
                assertEquals(8, image.bitsStored());
                assertArrayEquals(expected, image.pixels(), file.getFileName().toString());
            }
        }
    }

    @Test
    void sixteenBitMonochrome1And2_explicitAndImplicit_readToThe16BitPngPixels() throws IOException {
        DicomTools.assumeInstalled("img2dcm", "dcmconv", "dcmodify");
        BufferedImage gray = DicomTools.gray8(XRAYS.resolve(SAMPLES.get(0)));
        BufferedImage gray12 = DicomTools.gray12(gray);
        Path png16 = dir.resolve("x16.png");
        ImageIO.write(gray12, "png", png16.toFile());
        int[] expected = DicomTools.grayPixels(ImageIO.read(png16.toFile()));
        Path raw = dir.resolve("x16.raw");
        Files.write(raw, le16(expected));

        for (String photometric : List.of("MONOCHROME2", "MONOCHROME1")) {
            Path explicit = DicomTools.img2dcm(gray, dir, "x16-" + photometric);
            DicomTools.ok(
                    "dcmodify",
                    "-nb",
                    "-m",
                    "(0028,0100)=16",
                    "-m",
                    "(0028,0101)=12",
                    "-m",
                    "(0028,0102)=11",
                    "-m",
                    "(0028,0004)=" + photometric,
                    "-i",
                    "(0008,0050)=RX-0001",
                    "-i",
                    "(0028,1050)=2048",
                    "-i",
                    "(0028,1051)=4096",
                    "-mf",
                    "(7fe0,0010)=" + raw,
                    explicit.toString());
            Path implicit = dir.resolve("x16-" + photometric + "-implicit.dcm");
            DicomTools.ok("dcmconv", "+ti", explicit.toString(), implicit.toString());

            for (Path file : List.of(explicit, implicit)) {
                DicomImage image = read(file);
                assertEquals(12, image.bitsStored());
                assertEquals(photometric, image.sourcePhotometric());
                assertEquals(Optional.of("RX-0001"), image.accessionNumber());
                assertEquals(2048, image.windowCenter().getAsDouble());
                int[] want = expected.clone();
                if (photometric.equals("MONOCHROME1")) {
                    for (int i = 0; i < want.length; i++) {
                        want[i] = 4095 - want[i];
                    }
                }
                assertArrayEquals(want, image.pixels(), file.getFileName().toString());
            }
        }
    }

    @Test
    void img2dcmJpeg_isRefusedNamingDcmdjpeg_andReadsOnceDecompressed() throws IOException {
        DicomTools.assumeInstalled("img2dcm", "dcmdjpeg", "dcm2pnm");
        Path jpeg = dir.resolve("x.dcm");
        DicomTools.ok("img2dcm", XRAYS.resolve(SAMPLES.get(1)).toString(), jpeg.toString());

        DicomException e = assertThrows(DicomException.class, () -> read(jpeg));
        assertEquals(
                "x.dcm: transfer syntax JPEG Baseline (Process 1) (1.2.840.10008.1.2.4.50); only uncompressed"
                        + " Implicit or Explicit VR Little Endian is read; convert it with: dcmdjpeg x.dcm converted.dcm",
                e.getMessage());

        Path plain = dir.resolve("plain.dcm");
        DicomTools.ok("dcmdjpeg", jpeg.toString(), plain.toString());
        Path png = dir.resolve("plain.png");
        DicomTools.ok("dcm2pnm", "+on", plain.toString(), png.toString());
        assertArrayEquals(
                DicomTools.grayPixels(ImageIO.read(png.toFile())), read(plain).pixels());
    }

    @Test
    void writer_passesDciodvfy_showsItsAttributesInDcmdump_andDcm2pnmGivesThePixels() throws IOException {
        DicomTools.assumeInstalled("dciodvfy", "dcmdump", "dcm2pnm");
        BufferedImage gray = DicomTools.gray8(XRAYS.resolve(SAMPLES.get(0)));
        record Case(String name, BufferedImage image, SecondaryCaptureWriter.Lossy lossy, String pnmOption) {}
        for (Case c : List.of(
                new Case("neural8", gray, new SecondaryCaptureWriter.Lossy(1, "STEGO_NEURAL"), "+on"),
                new Case("sealed16", DicomTools.gray12(gray), null, "+on2"))) {
            Path file = dir.resolve(c.name() + ".dcm");
            Files.write(
                    file,
                    SecondaryCaptureWriter.write(
                            c.image(), SecondaryCaptureWriterTest.description("RX-0001", c.lossy())));

            assertEquals(List.of(), DicomTools.dciodvfyErrors(file), c.name());

            String dump = DicomTools.ok("dcmdump", file.toString());
            assertTrue(dump.contains("(0008,0008) CS [DERIVED\\SECONDARY]"), dump);
            assertTrue(dump.contains("(0008,0050) SH [RX-0001]"), dump);
            assertTrue(dump.contains("(0008,2111) ST [Recovered by Stego-eHealth, model v3]"), dump);
            assertTrue(dump.contains("(0008,0016) UI =SecondaryCaptureImageStorage"), dump);
            assertTrue(dump.contains("(0002,0012) UI [" + Uids.ROOT + "]"), dump);
            if (c.lossy() == null) {
                assertTrue(dump.contains("(0028,2110) CS [00]"), dump);
                assertTrue(dump.contains("(0028,0101) US 16"), dump);
            } else {
                assertTrue(dump.contains("(0028,2110) CS [01]"), dump);
                assertTrue(dump.contains("(0028,2112) DS [1]"), dump);
                assertTrue(dump.contains("(0028,2114) CS [STEGO_NEURAL]"), dump);
            }

            Path png = dir.resolve(c.name() + ".png");
            DicomTools.ok("dcm2pnm", c.pnmOption(), file.toString(), png.toString());
            assertArrayEquals(
                    DicomTools.grayPixels(c.image()), DicomTools.grayPixels(ImageIO.read(png.toFile())), c.name());
        }
    }
}
