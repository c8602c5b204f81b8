package org.stegoehealth.processors.produce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.dicom.DicomTools;
import org.stegoehealth.dicom.Part10;
import org.stegoehealth.processors.HidingMethod;
import org.stegoehealth.processors.TestImages;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.InMemorySchemaRegistry;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;

/**
 * DICOM files at the hospital: their pixels travel as a lossless PNG, their accession number becomes the study
 * reference, and nothing else of the header (patient name, id, birth date, UIDs) is in any record sent. Bad DICOM is
 * refused in one line and the producer keeps going.
 */
class DicomIntakeTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T04:00:00Z"), ZoneOffset.UTC);
    static final String PATIENT_NAME = "Doe^Jane";
    static final String PATIENT_ID = "PID-778812";
    static final String BIRTH_DATE = "19610412";
    static final String STUDY_UID = "1.2.826.0.1.3680043.8.498.11111";
    static final String SOP_UID = "1.2.826.0.1.3680043.8.498.22222";
    static final List<String> IDENTIFYING = List.of(PATIENT_NAME, "Doe", PATIENT_ID, BIRTH_DATE, STUDY_UID, SOP_UID);

    @TempDir
    Path dir;

    private final Topics topics = new Topics("p.", new InMemorySchemaRegistry(), 1);
    private final MockProducer<String, XrayImageEvent> kafka = new MockProducer<>(
            true,
            null,
            topics.xrays.keySerde().serializer(),
            topics.xrays.valueSerde().serializer());
    private final AtomicLong now = new AtomicLong();
    private final List<PublishOutcome> seen = new CopyOnWriteArrayList<>();

    /** A DX-like file as a modality writes it: identity, study and instance UIDs, accession, 12 of 16 bits. */
    static byte[] hospitalDicom(String ts, String photometric, int[] pixels, int w, int h, int stored) {
        ByteBuffer data = ByteBuffer.allocate(2 * pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : pixels) {
            data.putShort((short) v);
        }
        return new Part10(ts)
                .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.1.1")
                .text(0x00080018, "UI", SOP_UID)
                .text(0x00080050, "SH", "RX-2026-0042")
                .text(0x00100010, "PN", PATIENT_NAME)
                .text(0x00100020, "LO", PATIENT_ID)
                .text(0x00100030, "DA", BIRTH_DATE)
                .text(0x0020000D, "UI", STUDY_UID)
                .imagePixel(photometric, h, w, 16, stored)
                .text(0x00281050, "DS", "2048")
                .text(0x00281051, "DS", "4096")
                .pixelData("OW", data.array())
                .bytes();
    }

    static int[] gray12(int w, int h, int seed) {
        int[] v = new int[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 131 + seed * 17 + (i / w) * 7) & 0xFFF;
        }
        return v;
    }

    private XrayProducer producer(boolean studyRefFromName) {
        return new XrayProducer(kafka, topics.xrays.name(), 1024, CLOCK, HidingMethod.SEALED, studyRefFromName);
    }

    private byte[] serialized(ProducerRecord<String, XrayImageEvent> r) {
        return topics.xrays.valueSerde().serializer().serialize(r.topic(), r.value());
    }

    private static void assertNoHeaderIdentity(byte[] record) {
        String text = new String(record, StandardCharsets.ISO_8859_1);
        for (String s : IDENTIFYING) {
            assertFalse(text.contains(s), "the record holds '" + s + "' from the DICOM header");
        }
    }

    @Test
    void aDicomFile_travelsAsLosslessPngWithItsAccessionNumberAndNothingElseOfItsHeader() throws Exception {
        int[] pixels = gray12(40, 30, 1);
        for (String ts : List.of(Part10.EXPLICIT, Part10.IMPLICIT)) {
            kafka.clear();
            Path file = dir.resolve("chest-" + ts.length() + ".dcm");
            Files.write(file, hospitalDicom(ts, "MONOCHROME2", pixels, 40, 30, 12));

            List<PublishOutcome> outcomes = producer(false).publishAll(List.of(file), null);

            assertTrue(outcomes.get(0).ok(), outcomes.toString());
            XrayImageEvent event = kafka.history().get(0).value();
            assertEquals(ImageFormat.PNG, event.getFormat());
            assertEquals(16, event.getBitDepth());
            assertEquals(1, event.getChannels());
            assertEquals("RX-2026-0042", event.getStudyRef());
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(TestImages.bytes(event.getImage())));
            assertArrayEquals(pixels, DicomTools.grayPixels(png));
            assertNoHeaderIdentity(serialized(kafka.history().get(0)));
        }
    }

    @Test
    void aMonochrome1File_isSentInvertedAsMonochrome2() throws Exception {
        int[] pixels = gray12(16, 8, 2);
        Path file = dir.resolve("inverted.dcm");
        Files.write(file, hospitalDicom(Part10.EXPLICIT, "MONOCHROME1", pixels, 16, 8, 12));

        producer(false).publishAll(List.of(file), null);

        BufferedImage png = ImageIO.read(new ByteArrayInputStream(
                TestImages.bytes(kafka.history().get(0).value().getImage())));
        int[] sent = DicomTools.grayPixels(png);
        for (int i = 0; i < pixels.length; i++) {
            assertEquals(4095 - pixels[i], sent[i]);
        }
    }

    @Test
    void studyRefFromName_winsOverTheAccessionNumber() throws Exception {
        Path file = dir.resolve("ward7-bed3.dcm");
        Files.write(file, hospitalDicom(Part10.EXPLICIT, "MONOCHROME2", gray12(8, 8, 3), 8, 8, 12));

        producer(true).publishAll(List.of(file), null);

        assertEquals("ward7-bed3", kafka.history().get(0).value().getStudyRef());
    }

    @Test
    void aDirectory_givesItsDicomFilesWithOrWithoutExtension_andPngs() throws Exception {
        Files.write(dir.resolve("a.dcm"), hospitalDicom(Part10.EXPLICIT, "MONOCHROME2", gray12(8, 8, 4), 8, 8, 12));
        Files.write(dir.resolve("B0000001"), hospitalDicom(Part10.IMPLICIT, "MONOCHROME2", gray12(8, 8, 5), 8, 8, 12));
        Files.write(dir.resolve("c.png"), TestImages.png(TestImages.grayXray(8, 8, 6)));
        Files.writeString(dir.resolve("README"), "not an image");

        List<PublishOutcome> outcomes = producer(false).publishAll(List.of(dir), null);

        assertEquals(
                List.of("B0000001", "a.dcm", "c.png"),
                outcomes.stream().map(o -> o.file().getFileName().toString()).toList());
        assertTrue(outcomes.stream().allMatch(PublishOutcome::ok), outcomes.toString());
        assertNull(kafka.history().get(2).value().getStudyRef());
    }

    @Test
    void badDicom_isRefusedInOneLine_andTheFilesAfterItAreSent() throws Exception {
        byte[] good = hospitalDicom(Part10.EXPLICIT, "MONOCHROME2", gray12(8, 8, 7), 8, 8, 12);
        byte[] wrongPreamble = good.clone();
        wrongPreamble[128] = 'X';
        byte[] wrongLength = hospitalDicom(Part10.EXPLICIT, "MONOCHROME2", gray12(8, 8, 7), 8, 8, 12);
        wrongLength[wrongLength.length - 8 * 8 * 2 - 4] = 64; // pixel data length 64 where 128 are needed
        byte[] jpeg = new Part10("1.2.840.10008.1.2.4.50").bytes();
        byte[] j2k = new Part10("1.2.840.10008.1.2.4.91").bytes();
        byte[] unknown = new Part10("1.2.3.4").bytes();
        byte[] huge = new Part10(Part10.EXPLICIT)
                .imagePixel("MONOCHROME2", 65535, 65535, 16, 16)
                .pixelData("OW", 0xFFFFFFF0L, new byte[8])
                .bytes();
        byte[] truncated = Arrays.copyOf(good, good.length - 10);
        String[][] cases = {
            {"1-preamble.dcm", "not a DICOM Part 10 file (no 'DICM' after the 128-byte preamble)"},
            {"2-length.dcm", "pixel data of 64 bytes, but 8 columns x 8 rows x 16 bits need 128"},
            {"3-jpeg.dcm", "convert it with: dcmdjpeg 3-jpeg.dcm converted.dcm"},
            {"4-j2k.dcm", "convert it with: dcmdjp2k 4-j2k.dcm converted.dcm"},
            {"5-unknown.dcm", "unknown transfer syntax '1.2.3.4'"},
            {"6-huge.dcm", "65535x65535 image exceeds the 1024-pixel side limit"},
            {"7-truncated.dcm", "truncated DICOM file"},
        };
        List<byte[]> contents = List.of(wrongPreamble, wrongLength, jpeg, j2k, unknown, huge, truncated);
        for (int i = 0; i < cases.length; i++) {
            Files.write(dir.resolve(cases[i][0]), contents.get(i));
        }
        Files.write(dir.resolve("8-good.dcm"), good);

        List<PublishOutcome> outcomes = producer(false).publishAll(List.of(dir), null);

        assertEquals(8, outcomes.size());
        for (int i = 0; i < cases.length; i++) {
            PublishOutcome o = outcomes.get(i);
            assertFalse(o.ok(), cases[i][0]);
            assertTrue(o.problem().contains(cases[i][1]), cases[i][0] + ": " + o.problem());
            assertFalse(o.problem().contains("\n"), o.problem());
        }
        assertTrue(outcomes.get(7).ok(), outcomes.get(7).toString());
        assertEquals(1, kafka.history().size());
    }

    @Test
    void dropFolder_sendsDicom_waitsForATruncatedOne_andRefusesCompressedWithTheCommand() throws Exception {
        XrayProducer.Watch watch = producer(false)
        .new Watch(
                dir, null, new DropFolder.Timing(Duration.ofSeconds(1), Duration.ofSeconds(60)), now::get, seen::add);
        byte[] good = hospitalDicom(Part10.EXPLICIT, "MONOCHROME2", gray12(32, 32, 8), 32, 32, 12);
        Files.write(dir.resolve("x.dcm"), good);
        Path partial = dir.resolve("y.dcm");
        Files.write(partial, Arrays.copyOf(good, 400));
        Files.write(dir.resolve("z.dcm"), new Part10("1.2.840.10008.1.2.4.70").bytes());

        watch.pass();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        watch.pass();

        assertEquals(1, kafka.history().size());
        assertEquals("x.dcm", kafka.history().get(0).value().getSourceName());
        Path failed = dir.resolve(XrayProducer.FAILED);
        assertTrue(Files.readString(failed.resolve("z.dcm.reason"))
                .strip()
                .endsWith("transfer syntax JPEG Lossless (Process 14, SV1) (1.2.840.10008.1.2.4.70); only"
                        + " uncompressed Implicit or Explicit VR Little Endian is read; convert it with: dcmdjpeg"
                        + " z.dcm converted.dcm"));
        assertTrue(Files.exists(partial), "a truncated DICOM file waits for the rest");

        Files.write(partial, good);
        watch.pass();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        watch.pass();
        // the same content as x.dcm: recognised and not sent twice
        assertEquals(1, kafka.history().size());
        assertTrue(Files.exists(dir.resolve(XrayProducer.DONE).resolve("y.dcm")));
    }

    @Test
    void imgDcmFiles_withIdentityInTheirHeader_sendNoneOfIt() throws Exception {
        DicomTools.assumeInstalled("img2dcm", "dcmodify", "dcmconv");
        BufferedImage gray = DicomTools.gray8(Path.of("..", "samples", "xray", "IM-0003-0001.jpeg"));
        Path explicit = DicomTools.img2dcm(gray, dir, "xray");
        DicomTools.ok(
                "dcmodify",
                "-nb",
                "-i",
                "(0010,0010)=" + PATIENT_NAME,
                "-i",
                "(0010,0020)=" + PATIENT_ID,
                "-i",
                "(0010,0030)=" + BIRTH_DATE,
                "-m",
                "(0020,000d)=" + STUDY_UID,
                "-i",
                "(0008,0050)=RX-7",
                explicit.toString());
        Path implicit = dir.resolve("xray-implicit.dcm");
        DicomTools.ok("dcmconv", "+ti", explicit.toString(), implicit.toString());
        String dump = DicomTools.ok("dcmdump", implicit.toString());
        assertTrue(dump.contains(PATIENT_NAME) && dump.contains(STUDY_UID), dump);
        String sopUid = dump.lines()
                .filter(l -> l.startsWith("(0008,0018)"))
                .findFirst()
                .orElseThrow()
                .replaceAll(".*\\[(.*)\\].*", "$1");

        List<PublishOutcome> outcomes = producer(false).publishAll(List.of(explicit, implicit), null);

        assertTrue(outcomes.stream().allMatch(PublishOutcome::ok), outcomes.toString());
        for (ProducerRecord<String, XrayImageEvent> r : kafka.history()) {
            assertEquals("RX-7", r.value().getStudyRef());
            assertEquals(8, r.value().getBitDepth());
            assertNoHeaderIdentity(serialized(r));
            assertFalse(new String(serialized(r), StandardCharsets.ISO_8859_1).contains(sopUid));
            BufferedImage png = ImageIO.read(
                    new ByteArrayInputStream(TestImages.bytes(r.value().getImage())));
            assertArrayEquals(DicomTools.grayPixels(gray), DicomTools.grayPixels(png));
        }
    }
}
