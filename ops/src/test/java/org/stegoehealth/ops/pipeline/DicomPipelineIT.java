package org.stegoehealth.ops.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.dicom.DicomImage;
import org.stegoehealth.dicom.DicomReader;
import org.stegoehealth.dicom.DicomTools;
import org.stegoehealth.dicom.Part10;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.HidingMethod;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.OutputFormat;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.produce.PublishOutcome;
import org.stegoehealth.processors.produce.XrayProducer;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.stack.pipeline.ClusterContents;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * DICOM in at the hospital, DICOM out at the clinic, on two real clusters with MirrorMaker 2 between them: X-rays as a
 * modality writes them (patient name, id and birth date, study, series and instance UIDs, accession number; 8 bits
 * from img2dcm, 12 of 16 bits MONOCHROME1 and MONOCHROME2, explicit and implicit VR) are dropped at the hospital,
 * sent by the sealed method, and come out at the clinic as DICOM files that dciodvfy accepts, with the same pixels
 * and the accession number; a fourth, 8-bit, sent by the neural method (the bundled model) comes out as a lossy DICOM file naming the model version. Then every record on both clusters is
 * searched for the headers' identity and UIDs, as text: none is anywhere. The same search finds the accession numbers
 * on the hospital's X-ray topic (the study reference, before it is sealed), which shows it finds what it looks for.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DicomPipelineIT {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final Duration WAIT = Duration.ofMinutes(4);

    @TempDir
    static Path tmp;

    /** One source file and what of its header must not leave the hospital. */
    private record Source(Path file, String accession, int[] pixels, List<String> identity, HidingMethod method) {}

    @Test
    void dicomDroppedAtTheHospital_comesOutAtTheClinicAsValidDicomWithTheSamePixels_andNoHeaderIdentityOnAnyTopic()
            throws Exception {
        DicomTools.assumeInstalled("img2dcm", "dcmodify", "dcmdump", "dciodvfy", "dcm2pnm");
        List<Source> sources = sources(Files.createDirectories(tmp.resolve("modality")));
        Path viewer = tmp.resolve("viewer");
        // the bundled model, so the neural X-ray's PSNR at the clinic is the one a clinic gets
        Path models = SAMPLES.resolveSibling("models");
        StegoModel model = ModelArtifact.load(
                        models.resolve(Files.readString(models.resolve(ModelArtifact.DEFAULT_POINTER))
                                .strip()))
                .toModel();
        StegoConfig base = StegoConfig.defaultsOnly()
                .with(Map.of(StegoConfig.BATCH_LINGER_MS, "300", StegoConfig.COMMIT_INTERVAL_MS, "200"));
        PipelineKeys keys = PipelineKeys.under(tmp.resolve("keys"));
        try (PipelineCluster cluster = PipelineCluster.open(
                base, false, false, tmp.resolve("run"), "dicom", PipelineCluster.Stack.TWO_CLUSTERS)) {
            StegoConfig hospital = cluster.config();
            StegoConfig clinic = cluster.clinicConfig()
                    .with(Map.of(
                            StegoConfig.RECOVERED_DIR, viewer.toString(),
                            StegoConfig.OUTPUT_FORMAT, OutputFormat.DICOM.label()));
            Topics topics = cluster.topics();
            cluster.createTopics();
            cluster.publishCovers(SAMPLES.resolve("covers"));

            Map<String, Source> sent = new LinkedHashMap<>();
            Map<String, String> versions = new LinkedHashMap<>();
            try (InProcessPipeline pipeline = InProcessPipeline.start(
                            hospital,
                            clinic,
                            topics,
                            ModelSource.fixed(model),
                            ModelSource.fixed(model),
                            keys,
                            InProcessPipeline.START_TIMEOUT);
                    PipelineOutputs outputs = new PipelineOutputs(cluster, "dicom-reader");
                    Producer<String, XrayImageEvent> kafka = XrayProducer.kafkaProducer(hospital, topics.xrays)) {
                // no study reference given: each file's accession number becomes it
                for (Source source : sources) {
                    XrayProducer producer = new XrayProducer(
                            kafka,
                            topics.xrays.name(),
                            hospital.maxImageSide(),
                            Clock.systemUTC(),
                            source.method(),
                            false);
                    PublishOutcome o =
                            producer.publishAll(List.of(source.file()), null).get(0);
                    assertTrue(o.ok(), o.toString());
                    sent.put(o.key(), source);
                }
                outputs.awaitRecovered(sent.keySet(), WAIT, null, () -> {
                    pipeline.checkHealthy();
                    cluster.checkMirror();
                });
                assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
                outputs.recovered().forEach((id, r) -> versions.put(id, r.getModelVersion()));
            }

            for (Map.Entry<String, Source> e : sent.entrySet()) {
                Source s = e.getValue();
                Path out = viewer.resolve(s.accession() + "_" + e.getKey() + ".dcm");
                assertTrue(Files.isRegularFile(out), "the clinic's DICOM file " + out);
                assertEquals(List.of(), DicomTools.dciodvfyErrors(out), "dciodvfy on " + out);
                String dump = DicomTools.ok("dcmdump", "+L", out.toString());
                assertTrue(dump.contains("(0008,0050) SH [" + s.accession() + "]"), dump);
                assertTrue(dump.contains("(0008,0008) CS [DERIVED\\SECONDARY]"), dump);
                assertTrue(dump.contains(versions.get(e.getKey())), "the model version in " + dump);
                DicomImage back = DicomReader.read(
                        Files.readAllBytes(out), out.getFileName().toString(), 4096);
                Path png = tmp.resolve(e.getKey() + ".png");
                DicomTools.ok("dcm2pnm", back.bitsStored() > 8 ? "+on2" : "+on", out.toString(), png.toString());
                assertArrayEquals(
                        back.pixels(), DicomTools.grayPixels(ImageIO.read(png.toFile())), "dcm2pnm of " + out);
                if (s.method() == HidingMethod.SEALED) {
                    assertTrue(dump.contains("(0028,2110) CS [00]"), "bit-identical, not lossy: " + dump);
                    assertArrayEquals(s.pixels(), back.pixels(), s.file() + ": the same pixels at the clinic");
                } else {
                    assertTrue(dump.contains("(0028,2110) CS [01]"), "a lossy reconstruction: " + dump);
                    assertTrue(dump.contains("(0028,2114) CS [STEGO_NEURAL]"), dump);
                    assertEquals(s.pixels().length, back.pixels().length, "the geometry is kept");
                    double psnr = psnr(s.pixels(), back.pixels());
                    System.out.printf(
                            "%s (neural, model %s): PSNR %.2f dB at the clinic%n",
                            s.file().getFileName(), versions.get(e.getKey()), psnr);
                    assertTrue(psnr > 25, "the bundled model's reconstruction, PSNR " + psnr);
                }
            }

            Set<String> identity = new TreeSet<>();
            sources.forEach(s -> identity.addAll(s.identity()));
            Set<String> accessions = new TreeSet<>();
            sources.forEach(s -> accessions.add(s.accession()));
            Map<String, Set<String>> atHospital = new TreeMap<>();
            Map<String, Long> hospitalTopics =
                    ClusterContents.read(hospital, r -> search(r, identity, accessions, atHospital));
            Map<String, Set<String>> atClinic = new TreeMap<>();
            Map<String, Long> clinicTopics =
                    ClusterContents.read(clinic, r -> search(r, identity, accessions, atClinic));
            System.out.printf(
                    "hospital cluster: %s%nclinic cluster: %s%nhospital hits: %s%nclinic hits: %s%n",
                    hospitalTopics, clinicTopics, atHospital, atClinic);

            // the search finds what it looks for: the accession numbers, in clear on the hospital's X-ray topic
            assertEquals(
                    accessions,
                    atHospital.getOrDefault(topics.xrays.name(), Set.of()),
                    "accession numbers on the hospital's X-ray topic");
            // and at the clinic only in its own output, the recovered topic
            Map<String, Set<String>> clinicElsewhere = new TreeMap<>(atClinic);
            clinicElsewhere.remove(topics.recovered.name());
            assertEquals(Map.of(), clinicElsewhere, "accession numbers on the clinic's cluster outside its output");
            for (Map<String, Set<String>> hits : List.of(atHospital, atClinic)) {
                hits.forEach((topic, found) -> found.removeIf(accessions::contains));
                hits.values().removeIf(Set::isEmpty);
            }
            assertEquals(Map.of(), atHospital, "DICOM header identity on the hospital's cluster");
            assertEquals(Map.of(), atClinic, "DICOM header identity on the clinic's cluster");
        }
    }

    /** PSNR in dB of two 8-bit images given as pixel values. */
    private static double psnr(int[] a, int[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        double mse = sum / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** Adds to {@code hits}, under the record's topic, each needle its key, value or headers hold as text. */
    private static void search(
            ConsumerRecord<byte[], byte[]> r,
            Set<String> identity,
            Set<String> accessions,
            Map<String, Set<String>> hits) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(r.key());
        parts.add(r.value());
        for (Header h : r.headers()) {
            parts.add(h.key().getBytes(StandardCharsets.UTF_8));
            parts.add(h.value());
        }
        for (byte[] part : parts) {
            if (part == null) {
                continue;
            }
            String text = new String(part, StandardCharsets.ISO_8859_1);
            for (Set<String> needles : List.of(identity, accessions)) {
                for (String needle : needles) {
                    if (text.contains(needle)) {
                        hits.computeIfAbsent(r.topic(), t -> new TreeSet<>()).add(needle);
                    }
                }
            }
        }
    }

    /**
     * Four X-rays as a modality or PACS writes them: an 8-bit file made by img2dcm (explicit VR) with identity added
     * by dcmodify, two 12-of-16-bit files with a full header, MONOCHROME1 explicit VR and MONOCHROME2 implicit (all
     * three for the sealed method), and an 8-bit file for the neural method.
     */
    private static List<Source> sources(Path dir) throws IOException {
        List<Path> xrays = List.of(
                SAMPLES.resolve("xray/IM-0003-0001.jpeg"),
                SAMPLES.resolve("xray/person19_virus_50.jpeg"),
                SAMPLES.resolve("xray/NORMAL2-IM-0393-0001.jpeg"));
        List<Source> out = new ArrayList<>();

        BufferedImage gray8 = DicomTools.gray8(xrays.get(0));
        Path made = DicomTools.img2dcm(gray8, dir, "study-a");
        List<String> identityA = List.of("Roe^Richard", "PID-A-55102", "19580903", "1.2.826.0.1.3680043.8.498.70001");
        DicomTools.ok(
                "dcmodify",
                "-nb",
                "-i",
                "(0010,0010)=" + identityA.get(0),
                "-i",
                "(0010,0020)=" + identityA.get(1),
                "-i",
                "(0010,0030)=" + identityA.get(2),
                "-m",
                "(0020,000d)=" + identityA.get(3),
                "-i",
                "(0008,0050)=ACC-A-0001",
                made.toString());
        List<String> identity = new ArrayList<>(identityA);
        for (String line : DicomTools.ok("dcmdump", made.toString()).split("\n")) {
            if (line.startsWith("(0008,0018)") || line.startsWith("(0020,000e)")) {
                identity.add(line.replaceAll(".*\\[(.*)\\].*", "$1")); // the instance and series UIDs img2dcm made
            }
        }
        Files.delete(dir.resolve("study-a.bmp"));
        out.add(new Source(made, "ACC-A-0001", DicomTools.grayPixels(gray8), identity, HidingMethod.SEALED));

        String[][] headers = {
            {"study-b.dcm", Part10.EXPLICIT, "MONOCHROME1", "ACC-B-0002", "Doe^Jane", "PID-B-77812", "19610412"},
            {"study-c.dcm", Part10.IMPLICIT, "MONOCHROME2", "ACC-C-0003", "Poe^Edgar", "PID-C-10930", "19490119"},
        };
        for (int i = 0; i < headers.length; i++) {
            String[] h = headers[i];
            int[] stored = DicomTools.grayPixels(DicomTools.gray12(DicomTools.gray8(xrays.get(i + 1))));
            int w = 512;
            int rows = stored.length / w;
            ByteBuffer data = ByteBuffer.allocate(2 * stored.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : stored) {
                data.putShort((short) v);
            }
            String study = "1.2.826.0.1.3680043.8.498.8000" + i;
            String series = study + ".1";
            String instance = series + ".1";
            byte[] file = new Part10(h[1])
                    .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.1.1")
                    .text(0x00080018, "UI", instance)
                    .text(0x00080050, "SH", h[3])
                    .text(0x00080060, "CS", "DX")
                    .text(0x00100010, "PN", h[4])
                    .text(0x00100020, "LO", h[5])
                    .text(0x00100030, "DA", h[6])
                    .text(0x0020000D, "UI", study)
                    .text(0x0020000E, "UI", series)
                    .imagePixel(h[2], rows, w, 16, 12)
                    .text(0x00281050, "DS", "2048")
                    .text(0x00281051, "DS", "4096")
                    .pixelData("OW", data.array())
                    .bytes();
            Path path = dir.resolve(h[0]);
            Files.write(path, file);
            int[] expected = stored.clone();
            if (h[2].equals("MONOCHROME1")) {
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = 4095 - expected[k];
                }
            }
            out.add(new Source(
                    path, h[3], expected, List.of(h[4], h[5], h[6], study, series, instance), HidingMethod.SEALED));
        }
        BufferedImage neural = DicomTools.gray8(SAMPLES.resolve("xray/person106_virus_194.jpeg"));
        int[] pixels = DicomTools.grayPixels(neural);
        byte[] data = new byte[pixels.length];
        for (int k = 0; k < pixels.length; k++) {
            data[k] = (byte) pixels[k];
        }
        String study = "1.2.826.0.1.3680043.8.498.90001";
        Path path = dir.resolve("study-d.dcm");
        Files.write(
                path,
                new Part10(Part10.EXPLICIT)
                        .text(0x00080018, "UI", study + ".1.1")
                        .text(0x00080050, "SH", "ACC-D-0004")
                        .text(0x00100010, "PN", "Moe^Mary")
                        .text(0x00100020, "LO", "PID-D-31337")
                        .text(0x00100030, "DA", "19700101")
                        .text(0x0020000D, "UI", study)
                        .imagePixel("MONOCHROME2", neural.getHeight(), neural.getWidth(), 8, 8)
                        .pixelData("OB", data)
                        .bytes());
        out.add(new Source(
                path,
                "ACC-D-0004",
                pixels,
                List.of("Moe^Mary", "PID-D-31337", "19700101", study, study + ".1.1"),
                HidingMethod.NEURAL));
        return out;
    }
}
