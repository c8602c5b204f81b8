package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.dicom.DicomImage;
import org.stegoehealth.dicom.DicomReader;
import org.stegoehealth.dicom.DicomTools;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Metrics;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.ReceiptKind;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.security.StudyReferences;

class ExtractionTopologyTest {

    private static final Duration LINGER = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private final LsbModel model = new LsbModel();
    private Harness embedder;
    private Harness extractor;

    @AfterEach
    void close() {
        for (Harness h : new Harness[] {embedder, extractor}) {
            if (h != null) {
                h.close();
            }
        }
    }

    /** Stego events made by the real embedding topology, in the order of {@code xrays}. */
    private List<StegoImageEvent> embed(List<BufferedImage> xrays) {
        return embed(xrays, StegoFormat.PNG);
    }

    /** As above, the neural stego images sent as {@code format}. */
    private List<StegoImageEvent> embed(List<BufferedImage> xrays, StegoFormat format) {
        embedder = new Harness(dir.resolve("embedder-state"));
        embedder.start(EmbeddingTopology.build(
                embedder.topics,
                ModelSource.fixed(model),
                BatchSettings.uniform(1, LINGER, 1024),
                TestKeys.hospital(),
                format));
        embedder.pipeCover("sky", TestImages.cover(120, 80, 0x4080C0));
        for (int i = 0; i < xrays.size(); i++) {
            byte[] value = embedder.serialize(embedder.topics.xrays, TestImages.xray("x-" + i, xrays.get(i)));
            embedder.raw(embedder.topics.xrays.name()).pipeInput(null, value);
        }
        return embedder.output(embedder.topics.stego).readValuesToList();
    }

    private Harness startExtractor(BatchSettings settings, Path recoveredDir) {
        extractor = new Harness(dir.resolve("extractor-state"));
        extractor.start(ExtractionTopology.build(extractor.topics, model, settings, TestKeys.clinic(), recoveredDir));
        return extractor;
    }

    private void pipe(StegoImageEvent e) {
        extractor
                .raw(extractor.topics.stego.name())
                .pipeInput(
                        e.getMessageId().getBytes(StandardCharsets.UTF_8),
                        extractor.serialize(extractor.topics.stego, e));
    }

    /** {@code e} signed again by the hospital: a genuine event whose content breaks a rule. */
    private static StegoImageEvent resigned(StegoImageEvent e) {
        return StegoEvents.sign(e, TestKeys.hospitalKeyring().signer());
    }

    private List<RecoveredImageEvent> recovered() {
        return extractor.output(extractor.topics.recovered).readValuesToList();
    }

    @Test
    void recoversTheXrayAsAGrayPngAndWritesItForTheViewer() throws Exception {
        BufferedImage xray = TestImages.grayXray(64, 48, 4);
        StegoImageEvent stego = embed(List.of(xray)).get(0);
        Path viewer = dir.resolve("viewer");
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), viewer);
        pipe(stego);

        List<RecoveredImageEvent> out = recovered();
        assertEquals(1, out.size());
        RecoveredImageEvent r = out.get(0);
        assertEquals("x-0", r.getMessageId());
        assertEquals("lsb4-test", r.getModelVersion());
        assertEquals(64, r.getWidth());
        assertEquals(48, r.getHeight());
        assertEquals(1, r.getChannels());
        InputImages.Decoded png = InputImages.decode(TestImages.bytes(r.getImage()), "recovered", 1024);
        assertEquals(1, png.channels());
        assertEquals(8, png.bitDepth());
        double psnr = Metrics.psnr(FloatImage.of(xray), FloatImage.of(png.image()));
        assertTrue(psnr > 30, "PSNR " + psnr);

        assertEquals("STUDY-4711-SECRET", r.getStudyRef(), "opened with the clinic's key");
        Path file = viewer.resolve("STUDY-4711-SECRET_x-0.png");
        assertArrayEquals(TestImages.bytes(r.getImage()), Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(viewer)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void outputFormatBoth_writesThePngAndADicomFileOfTheSamePixels() throws Exception {
        StegoImageEvent stego = embed(List.of(TestImages.grayXray(40, 24, 5))).get(0);
        Path viewer = dir.resolve("viewer");
        extractor = new Harness(dir.resolve("extractor-state"));
        extractor.start(ExtractionTopology.build(
                extractor.topics,
                ModelSource.fixed(model),
                BatchSettings.uniform(1, LINGER, 1024),
                TestKeys.clinic(),
                viewer,
                OutputFormat.BOTH,
                Duration.ZERO,
                ExtractionTopology.DEFAULT_RECOVERED_IDS_RETENTION));
        pipe(stego);

        RecoveredImageEvent r = recovered().get(0);
        Path png = viewer.resolve("STUDY-4711-SECRET_x-0.png");
        Path dcm = viewer.resolve("STUDY-4711-SECRET_x-0.dcm");
        assertArrayEquals(TestImages.bytes(r.getImage()), Files.readAllBytes(png));
        DicomImage dicom = DicomReader.read(Files.readAllBytes(dcm), "x-0.dcm", 1024);
        assertArrayEquals(
                DicomTools.grayPixels(InputImages.decode(TestImages.bytes(r.getImage()), "r", 1024)
                        .image()),
                dicom.pixels());
        // 17 characters: no valid Accession Number (at most 16), so it is left empty rather than cut
        assertEquals(Optional.empty(), dicom.accessionNumber());
    }

    @Test
    void extractsInBatchesLikeTheEmbedder() {
        List<StegoImageEvent> stego = embed(List.of(
                TestImages.grayXray(32, 32, 1), TestImages.grayXray(32, 32, 2), TestImages.grayXray(48, 32, 3)));
        model.calls.clear();
        startExtractor(BatchSettings.uniform(2, LINGER, 1024), null);
        stego.forEach(this::pipe);
        assertEquals(
                List.of("x-0", "x-1"),
                recovered().stream().map(RecoveredImageEvent::getMessageId).toList());
        extractor.driver.advanceWallClockTime(LINGER.minusMillis(1));
        assertTrue(recovered().isEmpty());
        extractor.driver.advanceWallClockTime(Duration.ofMillis(1));
        assertEquals(
                List.of("x-2"),
                recovered().stream().map(RecoveredImageEvent::getMessageId).toList());
        assertEquals(
                List.of(new LsbModel.Call("extract", 2, 32, 32), new LsbModel.Call("extract", 1, 48, 32)), model.calls);
    }

    /** A second good event, another X-ray, to send after a bad one: the same one again would be a repeat. */
    private StegoImageEvent neighbour;

    /** A good stego event (X-ray x-0); its {@link #neighbour} is x-1. */
    private StegoImageEvent goodWithNeighbour() {
        List<StegoImageEvent> two = embed(List.of(TestImages.grayXray(32, 32, 1), TestImages.grayXray(32, 32, 2)));
        neighbour = two.get(1);
        return two.get(0);
    }

    private DeadLetterEvent deadLetterFor(StegoImageEvent bad, StegoImageEvent good) {
        pipe(good);
        pipe(bad);
        pipe(neighbour);
        assertEquals(2, recovered().size(), "the good records around the bad one are still extracted");
        List<TestRecord<String, DeadLetterEvent>> dead = extractor.deadLetters();
        assertEquals(1, dead.size());
        DeadLetterEvent d = dead.get(0).value();
        assertEquals(1L, d.getSourceOffset());
        assertEquals(extractor.topics.stego.name(), d.getSourceTopic());
        assertArrayEquals(extractor.serialize(extractor.topics.stego, bad), TestImages.bytes(d.getValue()));
        return d;
    }

    private List<TestRecord<String, ReceiptEvent>> receipts() {
        return extractor.output(extractor.topics.receipts).readRecordsToList();
    }

    @Test
    void eachRecoveredStudy_getsOneSignedRecoveredReceipt_andAFailedOneNone() {
        StegoImageEvent good = goodWithNeighbour();
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        StegoImageEvent tampered =
                StegoImageEvent.newBuilder(good).setMessageId("x-forged").build();
        deadLetterFor(tampered, good);

        List<TestRecord<String, ReceiptEvent>> receipts = receipts();
        assertEquals(
                List.of("x-0", "x-1"), receipts.stream().map(TestRecord::key).toList());
        ReceiptEvent r = receipts.get(0).value();
        assertEquals(ReceiptKind.RECOVERED, r.getKind());
        assertEquals(TestKeys.CLINIC, r.getClinic());
        assertEquals("lsb4-test", r.getModelVersion());
        assertEquals("neural", r.getHidingMethod());
        assertEquals(null, r.getReviewer());
        // the hospital verifies it with the clinic's public key and opens the study reference sealed to it
        assertEquals(TestKeys.CLINIC, Receipts.verify(r, Receipts.clinicSigners(TestKeys.hospitalKeyring())));
        assertEquals(
                "STUDY-4711-SECRET",
                new StudyReferences(TestKeys.hospitalKeyring()).open("x-0", TestImages.bytes(r.getSealedStudyRef())));
    }

    @Test
    void anUnknownModelVersionIsDeadLettered() {
        StegoImageEvent good = goodWithNeighbour();
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        StegoImageEvent other = resigned(
                StegoImageEvent.newBuilder(good).setModelVersion("v-2031").build());
        DeadLetterEvent d = deadLetterFor(other, good);
        assertEquals("UNKNOWN_MODEL", d.getErrorType());
        assertEquals("unknown model version v-2031; this extractor holds lsb4-test", d.getReason());
    }

    @Test
    void aNeuralStegoImageSentAsJpeg_isRecovered_andItsSignatureCoversTheJpegBytes() {
        List<StegoImageEvent> sent =
                embed(List.of(TestImages.grayXray(48, 32, 1), TestImages.grayXray(48, 32, 2)), StegoFormat.jpeg(90));
        StegoImageEvent jpeg = sent.get(0);
        byte[] bytes = TestImages.bytes(jpeg.getImage());
        assertEquals(ImageFormat.JPEG, InputImages.sniff(bytes));
        assertEquals(Optional.of("lsb4-test"), StegoFormat.modelVersionOf(bytes), "the model noted in the file");
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        // one bit of the JPEG changed: the signature, made over the bytes as sent, no longer holds
        byte[] flipped = bytes.clone();
        flipped[flipped.length / 2] ^= 1;
        pipe(StegoImageEvent.newBuilder(jpeg).setImage(ByteBuffer.wrap(flipped)).build());
        pipe(jpeg);

        List<RecoveredImageEvent> out = recovered();
        assertEquals(
                List.of("x-0"),
                out.stream().map(RecoveredImageEvent::getMessageId).toList());
        assertEquals(48, out.get(0).getWidth());
        assertEquals(32, out.get(0).getHeight());
        assertEquals("lsb4-test", out.get(0).getModelVersion());
        List<TestRecord<String, DeadLetterEvent>> dead = extractor.deadLetters();
        assertEquals(1, dead.size());
        assertEquals("TAMPERED", dead.get(0).value().getErrorType());
    }

    @Test
    void aTruncatedJpegStegoImageIsDeadLettered() {
        StegoImageEvent good = goodWithNeighbour();
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        byte[] jpeg = StegoFormat.jpeg(90).encode(TestImages.cover(32, 32, 0x808080), "lsb4-test");
        StegoImageEvent cut = resigned(StegoImageEvent.newBuilder(good)
                .setImage(ByteBuffer.wrap(java.util.Arrays.copyOf(jpeg, jpeg.length * 2 / 3)))
                .build());
        DeadLetterEvent d = deadLetterFor(cut, good);
        assertEquals("DECODE", d.getErrorType());
        assertTrue(d.getReason().contains("truncated JPEG"), d.getReason());
    }

    @Test
    void aSealedStegoImageAsJpegIsRefused() {
        StegoImageEvent good = goodWithNeighbour();
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        BufferedImage photo = TestImages.cover(32, 32, 0x808080);
        StegoImageEvent jpeg = resigned(StegoImageEvent.newBuilder(good)
                .setHidingMethod(HidingMethod.SEALED.label())
                .setImage(ByteBuffer.wrap(TestImages.encode(photo, "jpg")))
                .build());
        DeadLetterEvent d = deadLetterFor(jpeg, good);
        assertEquals("VALIDATION", d.getErrorType());
        assertTrue(d.getReason().contains("sealed stego image must be a lossless PNG"), d.getReason());
    }

    @Test
    void aGeometryMismatchIsRefused() {
        StegoImageEvent good = goodWithNeighbour();
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        DeadLetterEvent d = deadLetterFor(
                resigned(StegoImageEvent.newBuilder(good).setWidth(33).build()), good);
        assertEquals("VALIDATION", d.getErrorType());
        assertEquals("stego image x-0: declared 33x32 but the image is 32x32", d.getReason());
    }

    @Test
    void aGrayStegoImageIsRefused() {
        StegoImageEvent good = goodWithNeighbour();
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        StegoImageEvent gray = resigned(StegoImageEvent.newBuilder(good)
                .setImage(ByteBuffer.wrap(TestImages.png(TestImages.grayXray(32, 32, 1))))
                .build());
        DeadLetterEvent d = deadLetterFor(gray, good);
        assertEquals("VALIDATION", d.getErrorType());
        assertTrue(d.getReason().contains("a stego image is 8-bit RGB"), d.getReason());
    }

    @Test
    void aMessageIdThatIsNoPlainFileNameIsRefusedAndNoFileIsWritten() throws Exception {
        StegoImageEvent good = goodWithNeighbour();
        Path viewer = dir.resolve("viewer");
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), viewer);
        DeadLetterEvent d = deadLetterFor(
                resigned(StegoImageEvent.newBuilder(good)
                        .setMessageId("../escape")
                        .build()),
                good);
        assertEquals("VALIDATION", d.getErrorType());
        try (Stream<Path> files = Files.list(viewer)) {
            assertEquals(
                    List.of(viewer.resolve("STUDY-4711-SECRET_x-0.png"), viewer.resolve("STUDY-4711-SECRET_x-1.png")),
                    files.sorted().toList());
        }
        assertFalse(Files.exists(dir.resolve("escape.png")));
    }

    @Test
    void garbageIsDeadLetteredAsDeserialization() {
        StegoImageEvent good = goodWithNeighbour();
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        pipe(good);
        extractor.raw(extractor.topics.stego.name()).pipeInput(new byte[] {0, 0, 0, 0, 1, 2, 3});
        pipe(neighbour);
        assertEquals(2, recovered().size());
        DeadLetterEvent d = extractor.deadLetters().get(0).value();
        assertEquals("DESERIALIZATION", d.getErrorType());
        assertEquals(Instant.ofEpochMilli(Harness.START.toEpochMilli()), d.getFailedAt());
    }

    @Test
    void topologyNamesEveryProcessorAndStore() {
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), dir.resolve("viewer"));
        String description = ExtractionTopology.build(
                        extractor.topics,
                        model,
                        BatchSettings.uniform(1, LINGER, 1024),
                        TestKeys.clinic(),
                        dir.resolve("viewer"))
                .describe()
                .toString();
        // literal names: they are the contract with the running clusters (state directories, changelog topics)
        for (String node : List.of(
                "Source: stego-source (topics: [t.stego-images])",
                "Processor: stego-extractor (stores: [stego-batch-buffer])",
                "Processor: recovered-once (stores: [recovered-ids])",
                "Processor: recovered-file-writer",
                "Sink: recovered-sink (topic: t.recovered-images)",
                "Processor: receipt-issuer",
                "Sink: receipts-sink (topic: t.receipts)",
                "Sink: extractor-dead-letter-sink (topic: t.dead-letters)")) {
            assertTrue(description.contains(node), node + " missing from\n" + description);
        }
        assertFalse(description.contains("KSTREAM-"));
        String plain = ExtractionTopology.build(
                        extractor.topics, model, BatchSettings.uniform(1, LINGER, 1024), TestKeys.clinic())
                .describe()
                .toString();
        assertFalse(plain.contains("recovered-file-writer"));
    }

    @Test
    void theBufferAndTheRecoveredIdsAreChangeloggedUnderTheirFixedTopicNames() {
        StegoImageEvent stego = embed(List.of(TestImages.grayXray(32, 32, 1))).get(0);
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), dir.resolve("viewer"));
        pipe(stego);
        Set<String> produced = extractor.driver.producedTopicNames();
        assertTrue(produced.contains("stego-test-stego-batch-buffer-changelog"), produced.toString());
        assertTrue(produced.contains("stego-test-recovered-ids-changelog"), produced.toString());
    }

    @Test
    void theSameMessageIdTwice_givesOneRecoveredRecordAndOneFile_andTheRepeatIsCounted() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.addRegistry(meters);
        try {
            StegoImageEvent stego =
                    embed(List.of(TestImages.grayXray(32, 32, 1))).get(0);
            Path viewer = dir.resolve("viewer");
            startExtractor(BatchSettings.uniform(1, LINGER, 1024), viewer);
            pipe(stego);
            assertEquals(1, recovered().size());
            Path file = viewer.resolve("STUDY-4711-SECRET_x-0.png");
            Files.delete(file);
            // the same content sent again days later, in another run of the producer
            extractor.driver.advanceWallClockTime(Duration.ofDays(3));
            pipe(stego);

            assertEquals(List.of(), recovered(), "no second recovered record for x-0");
            assertEquals(1, receipts().size(), "one receipt for x-0, none for the repeat");
            assertFalse(Files.exists(file), "no second file for x-0");
            assertTrue(extractor.deadLetters().isEmpty(), "a repeat is no error");
            assertEquals(
                    1.0,
                    meters.get(RecoveredOnce.METRIC_DUPLICATES)
                            .tag("application", Harness.APP)
                            .counter()
                            .count());
        } finally {
            io.micrometer.core.instrument.Metrics.removeRegistry(meters);
        }
    }

    @Test
    void recoveredIds_areWrittenToTheStoresChangelog_soTheySurviveARestart() {
        StegoImageEvent stego = embed(List.of(TestImages.grayXray(32, 32, 1))).get(0);
        startExtractor(BatchSettings.uniform(1, LINGER, 1024), null);
        pipe(stego);
        String changelog = Harness.APP + "-" + ExtractionTopology.RECOVERED_IDS_STORE + "-changelog";
        List<String> ids = extractor
                .driver
                .createOutputTopic(changelog, new StringDeserializer(), new LongDeserializer())
                .readKeyValuesToList()
                .stream()
                .map(kv -> kv.key)
                .toList();
        assertEquals(List.of("x-0"), ids);
    }

    @Test
    void aMessageIdPastTheRetention_isForgotten_andRecoveredAgain() {
        StegoImageEvent stego = embed(List.of(TestImages.grayXray(32, 32, 1))).get(0);
        extractor = new Harness(dir.resolve("extractor-state"));
        extractor.start(ExtractionTopology.build(
                extractor.topics,
                ModelSource.fixed(model),
                BatchSettings.uniform(1, LINGER, 1024),
                TestKeys.clinic(),
                null,
                Duration.ZERO,
                Duration.ofDays(2)));
        pipe(stego);
        extractor.driver.advanceWallClockTime(Duration.ofDays(1));
        pipe(stego);
        assertEquals(1, recovered().size(), "a repeat within the retention is dropped");
        extractor.driver.advanceWallClockTime(Duration.ofDays(1));
        pipe(stego);
        assertEquals(1, recovered().size(), "forgotten after the retention: recovered again");
    }
}
