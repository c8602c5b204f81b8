package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Metrics;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.XrayImageEvent;

class EmbeddingTopologyTest {

    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final int RED = 0xC81E1E;
    private static final int GREEN = 0x1EC81E;
    private static final int BLUE = 0x1E1EC8;

    @TempDir
    Path stateDir;

    private final LsbModel model = new LsbModel();
    private Harness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private Harness start(BatchSettings settings) {
        h = new Harness(stateDir);
        h.start(EmbeddingTopology.build(h.topics, model, settings, TestKeys.hospital()));
        return h;
    }

    private Harness startOneByOne() {
        return start(BatchSettings.uniform(1, LINGER, 1024));
    }

    private void threeCovers() {
        h.pipeCover("c-red", TestImages.cover(96, 96, RED));
        h.pipeCover("c-green", TestImages.cover(96, 96, GREEN));
        h.pipeCover("c-blue", TestImages.cover(96, 96, BLUE));
    }

    private void pipe(XrayImageEvent event) {
        h.raw(h.topics.xrays.name())
                .pipeInput(event.getMessageId().getBytes(StandardCharsets.UTF_8), h.serialize(h.topics.xrays, event));
    }

    private List<StegoImageEvent> stego() {
        return h.output(h.topics.stego).readValuesToList();
    }

    private static FloatImage decode(StegoImageEvent e) {
        return FloatImage.of(InputImages.decode(TestImages.bytes(e.getImage()), "stego", 8192)
                .image());
    }

    /** The dominant colour of the stego image: which cover it was made from. */
    private static int dominant(FloatImage rgb) {
        double[] sum = new double[3];
        for (int i = 0; i < rgb.data().length; i++) {
            sum[i % 3] += rgb.data()[i];
        }
        int best = sum[0] > sum[1] && sum[0] > sum[2] ? 0 : sum[1] > sum[2] ? 1 : 2;
        return new int[] {RED, GREEN, BLUE}[best];
    }

    @Test
    void embedsAnXrayThatTheModelRecoversFromTheStegoPng() {
        startOneByOne();
        threeCovers();
        BufferedImage xray = TestImages.grayXray(64, 48, 1);
        pipe(TestImages.xray("m-1", xray));

        List<KeyValue<String, StegoImageEvent>> out = h.output(h.topics.stego).readKeyValuesToList();
        assertEquals(1, out.size());
        StegoImageEvent e = out.get(0).value;
        assertEquals("m-1", out.get(0).key);
        assertEquals("m-1", e.getMessageId());
        assertEquals("lsb4-test", e.getModelVersion());
        assertEquals(64, e.getWidth());
        assertEquals(48, e.getHeight());
        assertEquals(1, e.getSecretChannels());
        InputImages.Decoded png = InputImages.decode(TestImages.bytes(e.getImage()), "stego", 8192);
        assertEquals(ImageFormat.PNG, png.format());
        assertEquals(3, png.channels());
        assertEquals(8, png.bitDepth());

        FloatImage recovered =
                model.extract(List.of(FloatImage.of(png.image()))).get(0);
        double psnr = Metrics.psnr(FloatImage.of(xray), recovered);
        assertTrue(psnr > 30, "recovered X-ray PSNR " + psnr);
        assertTrue(h.deadLetters().isEmpty());
    }

    @Test
    void withJpeg_aNeuralStegoImageIsABaselineJpegNotingItsModel_andASealedOneStaysPng() {
        h = new Harness(stateDir);
        h.start(EmbeddingTopology.build(
                h.topics,
                ModelSource.fixed(model),
                BatchSettings.uniform(1, LINGER, 1024),
                TestKeys.hospital(),
                StegoFormat.jpeg(90)));
        threeCovers();
        pipe(TestImages.xray("m-1", TestImages.grayXray(64, 48, 1)));
        pipe(XrayImageEvent.newBuilder(TestImages.xray("m-2", TestImages.grayXray(64, 48, 2)))
                .setHidingMethod(HidingMethod.SEALED.label())
                .build());

        Map<String, StegoImageEvent> out = new HashMap<>();
        h.output(h.topics.stego).readKeyValuesToList().forEach(kv -> out.put(kv.key, kv.value));
        assertTrue(h.deadLetters().isEmpty(), h.deadLetters().toString());
        byte[] jpeg = TestImages.bytes(out.get("m-1").getImage());
        InputImages.Decoded decoded = InputImages.decode(jpeg, "stego", 8192);
        assertEquals(ImageFormat.JPEG, decoded.format());
        assertEquals(3, decoded.channels());
        assertEquals(Map.of(StegoFormat.MODEL_NOTE, "lsb4-test"), StegoFormat.notesOf(jpeg));
        byte[] sealed = TestImages.bytes(out.get("m-2").getImage());
        assertEquals(ImageFormat.PNG, InputImages.sniff(sealed), "the sealed method needs a lossless carrier");
        assertEquals(Map.of(), StegoFormat.notesOf(sealed), "a sealed stego image carries its pixels only");
    }

    @Test
    void jpegWithASealedDefault_isRefusedAtStartUp() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> EmbeddingTopology.build(
                        new Harness(stateDir).topics,
                        ModelSource.fixed(model),
                        BatchSettings.uniform(1, LINGER, 1024),
                        TestKeys.hospital(HidingMethod.COVERT),
                        StegoFormat.jpeg(90)));
        assertTrue(e.getMessage().startsWith("stego.format=jpeg works with the neural method only"), e.getMessage());
    }

    @Test
    void embedsA16BitXrayKeepingItsTopBits() {
        startOneByOne();
        threeCovers();
        BufferedImage xray = TestImages.gray16Xray(40, 40, 2);
        pipe(TestImages.xray("m-16", xray));
        StegoImageEvent e = stego().get(0);
        FloatImage recovered = model.extract(List.of(decode(e))).get(0);
        assertTrue(Metrics.psnr(FloatImage.of(xray), recovered) > 28);
    }

    @Test
    void stegoEventCarriesNoStudyRefOrSourceName() {
        startOneByOne();
        threeCovers();
        pipe(TestImages.xray("m-private", TestImages.grayXray(32, 32, 3)));
        TestRecord<byte[], byte[]> raw = h.driver
                .createOutputTopic(h.topics.stego.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecord();

        Set<String> fields = new HashSet<>();
        StegoImageEvent.getClassSchema().getFields().forEach(f -> fields.add(f.name()));
        assertFalse(fields.contains("studyRef"));
        assertFalse(fields.contains("sourceName"));
        String bytes = new String(raw.value(), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains("STUDY-4711"));
        assertFalse(bytes.contains("patient-doe"));
        assertEquals(0, raw.headers().toArray().length);
    }

    @Test
    void coverChoiceIsDeterministicOverTheSortedCoverIds() {
        startOneByOne();
        h.pipeCover("c-red", TestImages.cover(96, 96, RED));
        h.pipeCover("c-blue", TestImages.cover(96, 96, BLUE));
        h.pipeCover("c-green", TestImages.cover(96, 96, GREEN));
        Map<String, Integer> first = new TreeMap<>();
        for (int i = 0; i < 12; i++) {
            pipe(TestImages.xray("msg-" + i, TestImages.grayXray(32, 32, i)));
        }
        for (StegoImageEvent e : stego()) {
            first.put(e.getMessageId(), dominant(decode(e)));
        }
        List<String> sorted = List.of("c-blue", "c-green", "c-red");
        Map<String, Integer> colours = Map.of("c-blue", BLUE, "c-green", GREEN, "c-red", RED);
        first.forEach((id, colour) -> assertEquals(colours.get(sorted.get(CoverLibrary.pick(id, 3))), colour, id));
        assertTrue(new HashSet<>(first.values()).size() > 1, "twelve messages all got one cover");

        // a second embedder that learnt the covers in another order picks the same ones
        h.close();
        h = new Harness(stateDir.resolve("second"));
        h.start(EmbeddingTopology.build(h.topics, model, BatchSettings.uniform(1, LINGER, 1024), TestKeys.hospital()));
        threeCovers();
        for (int i = 0; i < 12; i++) {
            pipe(TestImages.xray("msg-" + i, TestImages.grayXray(32, 32, i)));
        }
        Map<String, Integer> second = new TreeMap<>();
        stego().forEach(e -> second.put(e.getMessageId(), dominant(decode(e))));
        assertEquals(first, second);
    }

    @Test
    void usesTheCoverTheXrayNames() {
        startOneByOne();
        threeCovers();
        for (String cover : List.of("c-red", "c-green", "c-blue")) {
            BufferedImage img = TestImages.grayXray(32, 32, 5);
            pipe(TestImages.xray("named-" + cover, TestImages.png(img), 32, 32, 1, 8, cover));
        }
        List<Integer> colours = stego().stream().map(e -> dominant(decode(e))).toList();
        assertEquals(List.of(RED, GREEN, BLUE), colours);
    }

    @Test
    void aMissingNamedCoverIsDeadLetteredAndTheNextXrayStillEmbeds() {
        startOneByOne();
        threeCovers();
        BufferedImage img = TestImages.grayXray(32, 32, 5);
        pipe(TestImages.xray("no-such", TestImages.png(img), 32, 32, 1, 8, "c-purple"));
        pipe(TestImages.xray("fine", img));
        List<DeadLetterEvent> dead =
                h.deadLetters().stream().map(TestRecord::value).toList();
        assertEquals(1, dead.size());
        assertEquals("UNKNOWN_COVER", dead.get(0).getErrorType());
        assertEquals("cover 'c-purple' is not in the cover library", dead.get(0).getReason());
        assertEquals(
                List.of("fine"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
    }

    @Test
    void aStegoImageTooLargeForARecord_isADeadLetterWithTheSizes_andTheNextXrayStillEmbeds() {
        // room for a 32 px stego image (a few KB) but not a 256 px one of noise: the limit less 64 KB of headroom
        start(BatchSettings.uniform(1, LINGER, 1024).withMaxRecordBytes(64 * 1024 + 16 * 1024));
        threeCovers();
        java.util.Random random = new java.util.Random(7);
        BufferedImage noise = new BufferedImage(256, 256, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                noise.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        pipe(TestImages.xray("too-large", noise));
        pipe(TestImages.xray("fine", TestImages.grayXray(32, 32, 5)));

        List<DeadLetterEvent> dead =
                h.deadLetters().stream().map(TestRecord::value).toList();
        assertEquals(1, dead.size());
        assertEquals("VALIDATION", dead.get(0).getErrorType());
        assertTrue(
                dead.get(0).getReason().contains("stego image of too-large is")
                        && dead.get(0).getReason().contains("max.message.bytes 0.1 MB"),
                dead.get(0).getReason());
        assertEquals(
                List.of("fine"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
    }

    @Test
    void aCoverOverTheImageSizeLimitIsUnusableLikeAnXrayOverIt() {
        start(BatchSettings.uniform(1, LINGER, 128));
        h.pipeCover("c-huge", TestImages.cover(200, 120, RED));
        pipe(TestImages.xray("in-huge", TestImages.grayXray(32, 32, 5)));
        List<DeadLetterEvent> dead =
                h.deadLetters().stream().map(TestRecord::value).toList();
        assertEquals(1, dead.size());
        assertEquals("UNKNOWN_COVER", dead.get(0).getErrorType());
        assertEquals(
                "unusable cover 'c-huge': image 200x120 exceeds the 128 px limit",
                dead.get(0).getReason());
        assertTrue(stego().isEmpty());
    }

    @Test
    void anEmptyCoverLibraryDeadLettersTheXray() {
        startOneByOne();
        pipe(TestImages.xray("lonely", TestImages.grayXray(32, 32, 5)));
        DeadLetterEvent dead = h.deadLetters().get(0).value();
        assertEquals("UNKNOWN_COVER", dead.getErrorType());
        assertTrue(dead.getReason().contains("cover library is empty"));
    }

    @Test
    void aDeletedCoverIsNoLongerChosen() {
        startOneByOne();
        h.pipeCover("c-red", TestImages.cover(96, 96, RED));
        h.pipeCover("c-green", TestImages.cover(96, 96, GREEN));
        h.driver
                .createInputTopic(h.topics.covers.name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("c-red", (byte[]) null);
        for (int i = 0; i < 6; i++) {
            pipe(TestImages.xray("d-" + i, TestImages.grayXray(32, 32, i)));
        }
        assertTrue(stego().stream().allMatch(e -> dominant(decode(e)) == GREEN));
    }

    @Test
    void aWideCoverIsCentreCroppedToTheXrayAspectRatio() {
        startOneByOne();
        // 300x100: red 100 px on each side, green square in the middle
        BufferedImage wide = TestImages.cover(300, 100, RED);
        for (int y = 0; y < 100; y++) {
            for (int x = 100; x < 200; x++) {
                wide.setRGB(x, y, GREEN);
            }
        }
        h.pipeCover("wide", wide);
        pipe(TestImages.xray("square", TestImages.grayXray(64, 64, 9)));
        FloatImage stego = decode(stego().get(0));
        for (int i = 0; i < stego.width() * stego.height(); i++) {
            float r = stego.data()[3 * i];
            float g = stego.data()[3 * i + 1];
            assertTrue(g > r + 0.4f, "pixel " + i + " is not from the green centre: r=" + r + " g=" + g);
        }
    }

    @Test
    void aFullBatchFlushesAtOnceAsOneModelCall() {
        start(BatchSettings.uniform(3, LINGER, 1024));
        threeCovers();
        for (int i = 0; i < 3; i++) {
            pipe(TestImages.xray("b-" + i, TestImages.grayXray(64, 64, i)));
        }
        assertEquals(
                List.of("b-0", "b-1", "b-2"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        assertEquals(List.of(new LsbModel.Call("embed", 3, 64, 64)), model.calls);
    }

    @Test
    void aPartialBatchWaitsInTheStoreUntilTheLingerHasPassed() {
        start(BatchSettings.uniform(3, LINGER, 1024));
        threeCovers();
        pipe(TestImages.xray("p-0", TestImages.grayXray(64, 64, 0)));
        pipe(TestImages.xray("p-1", TestImages.grayXray(64, 64, 1)));
        KeyValueStore<String, byte[]> buffer = h.driver.getKeyValueStore(EmbeddingTopology.BUFFER_STORE);
        assertEquals(2, count(buffer));
        assertTrue(stego().isEmpty());

        h.driver.advanceWallClockTime(LINGER.minusMillis(1));
        assertTrue(stego().isEmpty());
        assertTrue(model.calls.isEmpty());

        h.driver.advanceWallClockTime(Duration.ofMillis(1));
        assertEquals(
                List.of("p-0", "p-1"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        assertEquals(List.of(new LsbModel.Call("embed", 2, 64, 64)), model.calls);
        assertEquals(0, count(buffer));
    }

    @Test
    void mixedGeometriesAreBatchedSeparately() {
        start(BatchSettings.uniform(2, LINGER, 1024));
        threeCovers();
        pipe(TestImages.xray("a-0", TestImages.grayXray(64, 64, 0)));
        pipe(TestImages.xray("b-0", TestImages.grayXray(96, 64, 0)));
        pipe(TestImages.xray("a-1", TestImages.grayXray(64, 64, 1)));
        assertEquals(
                List.of("a-0", "a-1"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        h.driver.advanceWallClockTime(LINGER);
        assertEquals(
                List.of("b-0"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        assertEquals(
                List.of(new LsbModel.Call("embed", 2, 64, 64), new LsbModel.Call("embed", 1, 96, 64)), model.calls);
    }

    @Test
    void batchSizeFollowsTheImageSize() {
        start(new BatchSettings(BatchSettings.parseSizes("64:2,*:1"), LINGER, 1024));
        threeCovers();
        pipe(TestImages.xray("small", TestImages.grayXray(64, 64, 0)));
        pipe(TestImages.xray("large", TestImages.grayXray(128, 80, 0)));
        assertEquals(
                List.of("large"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        h.driver.advanceWallClockTime(LINGER);
        assertEquals(
                List.of("small"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
    }

    @Test
    void aModelFailureInABatchDeadLettersOnlyThePoisonRecord() {
        model.failingOn(secret -> secret.data()[0] == 0f);
        start(BatchSettings.uniform(3, LINGER, 1024));
        threeCovers();
        pipe(TestImages.xray("ok-0", TestImages.grayXray(32, 32, 0)));
        BufferedImage black = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        pipe(TestImages.xray("poison", black));
        pipe(TestImages.xray("ok-1", TestImages.grayXray(32, 32, 1)));

        assertEquals(
                List.of("ok-0", "ok-1"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        List<TestRecord<String, DeadLetterEvent>> dead = h.deadLetters();
        assertEquals(1, dead.size());
        assertEquals("PROCESSING", dead.get(0).value().getErrorType());
        assertEquals(
                "IllegalStateException: model diverged on this input",
                dead.get(0).value().getReason());
        assertEquals(1L, dead.get(0).value().getSourceOffset());
        assertEquals(4, model.calls.size(), "one failed batch, then three single calls");
    }

    /** Every kind of bad input, between two good X-rays. */
    static Stream<Arguments> badXrays() {
        BufferedImage gray = TestImages.grayXray(40, 40, 7);
        byte[] png = TestImages.png(gray);
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        BufferedImage rgb = TestImages.cover(40, 40, RED);
        byte[] jpeg = TestImages.encode(gray, "jpeg");
        byte[] halfJpeg = Arrays.copyOf(jpeg, jpeg.length / 2);
        return Stream.of(
                Arguments.of(
                        "garbage bytes",
                        raw("no avro here".getBytes(StandardCharsets.UTF_8)),
                        "DESERIALIZATION",
                        "not Confluent-framed"),
                Arguments.of(
                        "wrong magic byte",
                        (Bad) (hh, ok) -> {
                            byte[] b = ok.clone();
                            b[0] = 7;
                            return b;
                        },
                        "DESERIALIZATION",
                        "not Confluent-framed"),
                Arguments.of(
                        "unknown schema id",
                        (Bad) (hh, ok) -> {
                            byte[] b = ok.clone();
                            b[4] = 99;
                            return b;
                        },
                        "DESERIALIZATION",
                        "unknown writer schema id"),
                Arguments.of(
                        "another schema",
                        (Bad) (hh, ok) -> hh.topics
                                .covers
                                .valueSerde()
                                .serializer()
                                .serialize(hh.topics.xrays.name(), TestImages.coverEvent("x", rgb)),
                        "DESERIALIZATION",
                        "corrupt XrayImageEvent"),
                Arguments.of(
                        "truncated Avro",
                        (Bad) (hh, ok) -> Arrays.copyOf(ok, 30),
                        "DESERIALIZATION",
                        "corrupt XrayImageEvent"),
                Arguments.of(
                        "corrupt PNG",
                        event(TestImages.xray("bad", truncated, 40, 40, 1, 8, null)),
                        "DECODE",
                        "X-ray bad"),
                Arguments.of(
                        "JPEG cut in half",
                        event(withFormat(TestImages.xray("bad", halfJpeg, 40, 40, 1, 8, null), ImageFormat.JPEG)),
                        "DECODE",
                        "truncated JPEG"),
                Arguments.of(
                        "not an image",
                        event(TestImages.xray("bad", "hello".getBytes(StandardCharsets.UTF_8), 40, 40, 1, 8, null)),
                        "DECODE",
                        "not a PNG or JPEG"),
                Arguments.of(
                        "oversized image",
                        event(TestImages.xray("bad", TestImages.grayXray(200, 100, 1))),
                        "VALIDATION",
                        "image 200x100 exceeds the 128 px limit"),
                Arguments.of(
                        "oversized image declared small",
                        event(TestImages.xray(
                                "bad", TestImages.png(TestImages.grayXray(200, 100, 1)), 40, 40, 1, 8, null)),
                        "VALIDATION",
                        "image 200x100 exceeds the 128 px limit"),
                Arguments.of(
                        "RGBA image",
                        event(TestImages.xray("bad", TestImages.png(TestImages.rgba(40, 40)), 40, 40, 3, 8, null)),
                        "VALIDATION",
                        "image has 4 channels (with alpha)"),
                Arguments.of(
                        "RGB declared gray",
                        event(TestImages.xray("bad", TestImages.png(rgb), 40, 40, 1, 8, null)),
                        "VALIDATION",
                        "declared 1 channel(s) but the image has 3"),
                Arguments.of(
                        "two channels declared",
                        event(TestImages.xray("bad", png, 40, 40, 2, 8, null)),
                        "VALIDATION",
                        "declares 2 channels"),
                Arguments.of(
                        "geometry mismatch",
                        event(TestImages.xray("bad", png, 40, 32, 1, 8, null)),
                        "VALIDATION",
                        "declared 40x32 but the image is 40x40"),
                Arguments.of(
                        "bit depth mismatch",
                        event(TestImages.xray("bad", png, 40, 40, 1, 16, null)),
                        "VALIDATION",
                        "declared 16-bit but the image is 8-bit"),
                Arguments.of(
                        "unsupported bit depth",
                        event(TestImages.xray("bad", png, 40, 40, 1, 12, null)),
                        "VALIDATION",
                        "declares 12-bit samples"),
                Arguments.of(
                        "format mismatch",
                        event(withFormat(TestImages.xray("bad", gray), ImageFormat.JPEG)),
                        "VALIDATION",
                        "declared JPEG but the bytes are PNG"),
                Arguments.of(
                        "path in message id",
                        event(TestImages.xray("../../etc/passwd", gray)),
                        "VALIDATION",
                        "message id '../../etc/passwd'"),
                Arguments.of("tombstone", (Bad) (hh, ok) -> null, "DESERIALIZATION", "record has no value"));
    }

    interface Bad {
        byte[] value(Harness h, byte[] goodValue);
    }

    private static Bad raw(byte[] bytes) {
        return (hh, ok) -> bytes;
    }

    private static Bad event(XrayImageEvent e) {
        return (hh, ok) -> hh.serialize(hh.topics.xrays, e);
    }

    private static XrayImageEvent withFormat(XrayImageEvent e, ImageFormat f) {
        e.setFormat(f);
        return e;
    }

    @Test
    void withRedactedDeadLetters_aBadXrayLeavesItsSha256AndSize_notItsBytes() throws Exception {
        start(new BatchSettings(BatchSettings.parseSizes("*:1"), LINGER, 128, true));
        threeCovers();
        // too large for the 128 px limit: refused before the model, dead-lettered
        byte[] value = h.serialize(h.topics.xrays, TestImages.xray("too-large", TestImages.grayXray(200, 40, 1)));
        h.raw(h.topics.xrays.name()).pipeInput("too-large".getBytes(StandardCharsets.UTF_8), value);
        pipe(TestImages.xray("after", TestImages.grayXray(32, 32, 3)));

        assertEquals(
                List.of("after"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        List<TestRecord<String, DeadLetterEvent>> dead = h.deadLetters();
        assertEquals(1, dead.size());
        DeadLetterEvent d = dead.get(0).value();
        assertTrue(d.getRedacted());
        assertEquals(null, d.getValue(), "no original bytes");
        assertEquals((long) value.length, d.getValueSize());
        assertEquals(
                java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(value)),
                d.getValueSha256());
        assertEquals("too-large", new String(TestImages.bytes(d.getKey()), StandardCharsets.UTF_8));
        assertEquals(
                Harness.APP + "/" + h.topics.xrays.name() + "-0@0",
                dead.get(0).key(),
                "who set it aside, and where the original still is");
        assertEquals("VALIDATION", d.getErrorType(), d.getReason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badXrays")
    void aBadRecordIsDeadLetteredWithItsBytesAndItsNeighboursStillEmbed(
            String label, Bad bad, String type, String reason) {
        start(BatchSettings.uniform(1, LINGER, 128));
        threeCovers();
        pipe(TestImages.xray("before", TestImages.grayXray(32, 32, 1)));
        byte[] good = h.serialize(h.topics.xrays, TestImages.xray("good", TestImages.grayXray(32, 32, 2)));
        byte[] value = bad.value(h, good);
        TestInputTopic<byte[], byte[]> in = h.raw(h.topics.xrays.name());
        byte[] key = "poison-key".getBytes(StandardCharsets.UTF_8);
        in.pipeInput(key, value);
        pipe(TestImages.xray("after", TestImages.grayXray(32, 32, 3)));

        assertEquals(
                List.of("before", "after"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        List<TestRecord<String, DeadLetterEvent>> dead = h.deadLetters();
        assertEquals(1, dead.size(), label);
        DeadLetterEvent d = dead.get(0).value();
        assertEquals(type, d.getErrorType(), d.getReason());
        assertTrue(d.getReason().contains(reason), "reason: " + d.getReason());
        assertFalse(d.getReason().contains("\n"));
        assertEquals(Harness.APP, d.getApplication());
        assertEquals(h.topics.xrays.name(), d.getSourceTopic());
        assertEquals(0, d.getSourcePartition());
        assertEquals(1L, d.getSourceOffset());
        assertEquals(
                Harness.APP + "/" + h.topics.xrays.name() + "-0@1", dead.get(0).key());
        assertArrayEquals(key, TestImages.bytes(d.getKey()));
        if (value == null) {
            assertEquals(null, d.getValue());
        } else {
            assertArrayEquals(value, TestImages.bytes(d.getValue()));
        }
    }

    /**
     * Embeds three X-rays in a full batch, leaves two buffered, then restarts: closes the driver and starts a new one
     * on the same state directory. {@code TopologyTestDriver.close()} wipes its state directory, so the directory is
     * kept as the driver left it on disk (it commits after every record) and put back after the close.
     */
    private void restartWithTwoBuffered(BatchSettings settings, Path saved) throws IOException {
        start(settings);
        threeCovers();
        for (String id : List.of("done-0", "done-1", "done-2", "kept-0", "kept-1")) {
            pipe(TestImages.xray(id, TestImages.grayXray(32, 32, id.hashCode())));
        }
        assertEquals(
                List.of("done-0", "done-1", "done-2"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        assertEquals(2, count(h.driver.getKeyValueStore(EmbeddingTopology.BUFFER_STORE)));

        copyTree(stateDir, saved);
        h.close();
        copyTree(saved, stateDir);
        h = new Harness(stateDir, h.registry);
        h.start(EmbeddingTopology.build(h.topics, model, settings, TestKeys.hospital()));
        threeCovers();
        assertEquals(2, count(h.driver.getKeyValueStore(EmbeddingTopology.BUFFER_STORE)), "the buffer survived");
        assertTrue(stego().isEmpty());
    }

    @Test
    void bufferedRecordsSurviveARestartOnTheSameStateDirAndAreEmbeddedOnceEach(@TempDir Path saved) throws IOException {
        restartWithTwoBuffered(BatchSettings.uniform(3, LINGER, 1024), saved);
        h.driver.advanceWallClockTime(LINGER.dividedBy(2));
        assertTrue(stego().isEmpty(), "the restored records keep their enqueue time");
        h.driver.advanceWallClockTime(LINGER.dividedBy(2));
        assertEquals(
                List.of("kept-0", "kept-1"),
                stego().stream().map(StegoImageEvent::getMessageId).toList());
        h.driver.advanceWallClockTime(LINGER.multipliedBy(5));
        assertTrue(stego().isEmpty(), "nothing is embedded twice");
        assertTrue(h.deadLetters().isEmpty());
        assertEquals(
                List.of(new LsbModel.Call("embed", 3, 32, 32), new LsbModel.Call("embed", 2, 32, 32)), model.calls);
    }

    @Test
    void aBatchRestoredAfterARestartFillsUpWithNewRecords(@TempDir Path saved) throws IOException {
        restartWithTwoBuffered(BatchSettings.uniform(3, LINGER, 1024), saved);
        pipe(TestImages.xray("late-0", TestImages.grayXray(32, 32, 9)));
        // a batch runs in offset order, and a new TopologyTestDriver numbers its input from offset 0 again
        assertEquals(
                List.of("kept-0", "kept-1", "late-0"),
                stego().stream().map(StegoImageEvent::getMessageId).sorted().toList());
        h.driver.advanceWallClockTime(LINGER.multipliedBy(5));
        assertTrue(stego().isEmpty(), "nothing is embedded twice");
        assertEquals(
                List.of(new LsbModel.Call("embed", 3, 32, 32), new LsbModel.Call("embed", 3, 32, 32)), model.calls);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("LOCK")) {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void topologyNamesEveryProcessorAndStore() {
        startOneByOne();
        String description = EmbeddingTopology.build(
                        h.topics, model, BatchSettings.uniform(1, LINGER, 1024), TestKeys.hospital())
                .describe()
                .toString();
        // literal names: they are the contract with the running clusters (state directories, changelog topics)
        for (String node : List.of(
                "Source: xray-source (topics: [t.xray-images])",
                "Processor: xray-embedder (stores: [xray-batch-buffer])",
                "Sink: stego-sink (topic: t.stego-images)",
                "Sink: embedder-dead-letter-sink (topic: t.dead-letters)",
                "Source: cover-source (topics: [t.cover-images])",
                "Processor: cover-store-updater (stores: [cover-store])")) {
            assertTrue(description.contains(node), node + " missing from\n" + description);
        }
        assertFalse(description.contains("KSTREAM-"), description);
    }

    @Test
    void theBufferIsChangeloggedUnderItsFixedTopicName_andTheCoverStoreIsNot() {
        start(BatchSettings.uniform(2, LINGER, 1024));
        threeCovers();
        pipe(TestImages.xray("buffered", TestImages.grayXray(32, 32, 1)));
        Set<String> produced = h.driver.producedTopicNames();
        assertTrue(produced.contains("stego-test-xray-batch-buffer-changelog"), produced.toString());
        assertFalse(produced.stream().anyMatch(t -> t.contains("cover-store")), produced.toString());
    }

    private static int count(KeyValueStore<String, byte[]> store) {
        List<String> keys = new ArrayList<>();
        store.all().forEachRemaining(kv -> keys.add(kv.key));
        return keys.size();
    }

    @Test
    void bufferEntriesKeepTheOriginalRecord() {
        start(BatchSettings.uniform(2, LINGER, 1024));
        threeCovers();
        XrayImageEvent event = TestImages.xray("kept", TestImages.grayXray(32, 32, 1));
        byte[] image = TestImages.bytes(event.getImage());
        byte[] sent = h.serialize(h.topics.xrays, event);
        byte[] sentCopy = sent.clone();
        h.raw(h.topics.xrays.name()).pipeInput("kept".getBytes(StandardCharsets.UTF_8), sent);

        KeyValueStore<String, byte[]> buffer = h.driver.getKeyValueStore(EmbeddingTopology.BUFFER_STORE);
        List<KeyValue<String, byte[]>> entries = new ArrayList<>();
        buffer.all().forEachRemaining(entries::add);
        assertEquals(1, entries.size(), "one record waits for its batch");
        assertEquals("00032x00032/0000000000000000000", entries.get(0).key);
        InputRecord stored = InputRecord.fromBytes(entries.get(0).value);
        assertArrayEquals(sentCopy, stored.value(), "the buffered value is the record's bytes as they were sent");
        assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), stored.key());
        assertEquals(h.topics.xrays.name(), stored.topic());
        assertNotEquals(null, stored.coverId());
        XrayImageEvent back =
                h.topics.xrays.valueSerde().deserializer().deserialize(h.topics.xrays.name(), stored.value());
        assertArrayEquals(image, TestImages.bytes(back.getImage()), "the X-ray's bytes come back unchanged");

        // what a restarted embedder restores the buffer from
        List<KeyValue<String, byte[]>> changelog = h.driver
                .createOutputTopic(
                        "stego-test-xray-batch-buffer-changelog", new StringDeserializer(), new ByteArrayDeserializer())
                .readKeyValuesToList();
        assertEquals(1, changelog.size(), changelog.toString());
        assertArrayEquals(entries.get(0).value, changelog.get(0).value);
    }
}
