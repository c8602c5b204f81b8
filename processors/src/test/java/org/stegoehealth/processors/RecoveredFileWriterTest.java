package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.dicom.DicomImage;
import org.stegoehealth.dicom.DicomReader;
import org.stegoehealth.dicom.DicomTools;
import org.stegoehealth.schemas.RecoveredImageEvent;

/**
 * The clinic's output folder in each {@code output.format}; the DICOM files checked by this package's reader and,
 * where installed, by dciodvfy, dcmdump and dcm2pnm.
 */
class RecoveredFileWriterTest {

    @TempDir
    Path dir;

    private static RecoveredImageEvent event(
            String id, String method, String version, BufferedImage image, String ref) {
        return RecoveredImageEvent.newBuilder()
                .setMessageId(id)
                .setModelVersion(version)
                .setWidth(image.getWidth())
                .setHeight(image.getHeight())
                .setChannels(1)
                .setImage(ByteBuffer.wrap(TestImages.png(image)))
                .setRecoveredAt(Instant.parse("2026-12-07T04:30:00Z"))
                .setHidingMethod(method)
                .setBitDepth(image.getColorModel().getComponentSize(0))
                .setStudyRef(ref)
                .build();
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void write(OutputFormat format, RecoveredImageEvent e) {
        RecoveredFileWriter writer = new RecoveredFileWriter(dir, format);
        writer.init(null);
        writer.process(new Record<>(e.getMessageId(), e, 0L));
    }

    @Test
    void eachFormat_writesWhatItSays() throws Exception {
        RecoveredImageEvent e = event("m-1", "neural", "v7", TestImages.grayXray(16, 16, 1), "RX-1");
        write(OutputFormat.PNG, e);
        assertEquals(List.of("RX-1_m-1.png"), files());
        write(OutputFormat.DICOM, event("m-2", "neural", "v7", TestImages.grayXray(16, 16, 1), null));
        assertEquals(List.of("RX-1_m-1.png", "m-2.dcm"), files());
        write(OutputFormat.BOTH, event("m-3", "neural", "v7", TestImages.grayXray(16, 16, 1), "RX-3"));
        assertEquals(List.of("RX-1_m-1.png", "RX-3_m-3.dcm", "RX-3_m-3.png", "m-2.dcm"), files());
    }

    @Test
    void aSealed16BitXray_isWrittenBitIdenticalWithItsAccessionNumberAndLossless() throws Exception {
        BufferedImage xray = TestImages.gray16Xray(48, 32, 2);
        RecoveredImageEvent e = event("m-16", "sealed", TransferSecurity.SEALED_VERSION, xray, "RX-2026-0042");
        write(OutputFormat.DICOM, e);

        byte[] bytes = Files.readAllBytes(dir.resolve("RX-2026-0042_m-16.dcm"));
        DicomImage dicom = DicomReader.read(bytes, "m-16.dcm", 1024);
        assertArrayEquals(DicomTools.grayPixels(xray), dicom.pixels());
        assertEquals(16, dicom.bitsStored());
        assertEquals(Optional.of("RX-2026-0042"), dicom.accessionNumber());
        // a record replayed writes the same bytes: UIDs and dates come from the message id and recovery time
        write(OutputFormat.DICOM, e);
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("RX-2026-0042_m-16.dcm")));
    }

    @Test
    void dicomFiles_passDciodvfy_sayLossyOrNot_andDcm2pnmGivesTheRecoveredPixels() throws Exception {
        DicomTools.assumeInstalled("dciodvfy", "dcmdump", "dcm2pnm");
        record Case(RecoveredImageEvent event, String file, String lossy, String pnm) {}
        BufferedImage gray8 = TestImages.grayXray(64, 48, 3);
        BufferedImage gray16 = TestImages.gray16Xray(64, 48, 4);
        for (Case c : List.of(
                new Case(event("n-1", "neural", "v7", gray8, "RX-7"), "RX-7_n-1.dcm", "01", "+on"),
                new Case(event("s-1", "sealed", "sealed-1", gray16, "RX-8"), "RX-8_s-1.dcm", "00", "+on2"))) {
            write(OutputFormat.DICOM, c.event());
            Path file = dir.resolve(c.file());

            assertEquals(List.of(), DicomTools.dciodvfyErrors(file), c.file());
            String dump = DicomTools.ok("dcmdump", "+L", file.toString());
            assertTrue(dump.contains("(0008,0008) CS [DERIVED\\SECONDARY]"), dump);
            assertTrue(dump.contains("(0028,2110) CS [" + c.lossy() + "]"), dump);
            assertTrue(dump.contains(c.event().getStudyRef()), dump);
            assertTrue(
                    dump.contains("(0008,2111) ST [Stego-eHealth: recovered from a stego image by the "
                            + c.event().getHidingMethod() + " method"),
                    dump);
            assertTrue(dump.contains(c.event().getModelVersion()), dump);
            if (c.lossy().equals("01")) {
                assertTrue(dump.contains("(0028,2114) CS [STEGO_NEURAL]"), dump);
            } else {
                assertFalse(dump.contains("(0028,2114)"), dump);
            }
            Path png = dir.resolve(c.file() + ".png");
            DicomTools.ok("dcm2pnm", c.pnm(), file.toString(), png.toString());
            assertArrayEquals(
                    DicomTools.grayPixels(ImageIO.read(png.toFile())),
                    DicomTools.grayPixels(ImageIO.read(new java.io.ByteArrayInputStream(
                            TestImages.bytes(c.event().getImage())))),
                    c.file());
        }
    }

    @Test
    void outputFormat_parsesItsThreeNamesOnly() {
        assertEquals(OutputFormat.BOTH, OutputFormat.parse(" Both "));
        assertTrue(OutputFormat.DICOM.dicom() && !OutputFormat.DICOM.png());
        assertThrows(IllegalArgumentException.class, () -> OutputFormat.parse("jpeg"));
        assertEquals(OutputFormat.PNG, StegoConfig.defaultsOnly().outputFormat());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class,
                () -> StegoConfig.defaultsOnly()
                        .with(java.util.Map.of(StegoConfig.OUTPUT_FORMAT, "tiff"))
                        .outputFormat());
        assertTrue(bad.getMessage().startsWith("config output.format='tiff'"), bad.getMessage());
    }
}
