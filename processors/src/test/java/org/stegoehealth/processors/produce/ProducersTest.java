package org.stegoehealth.processors.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.TestImages;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.InMemorySchemaRegistry;
import org.stegoehealth.schemas.SchemaRegistryClient;
import org.stegoehealth.schemas.SchemaRegistryException;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;

class ProducersTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final Topics topics = new Topics("p.", new InMemorySchemaRegistry(), 1);
    private final MockProducer<String, XrayImageEvent> xrayKafka = new MockProducer<>(
            true,
            null,
            topics.xrays.keySerde().serializer(),
            topics.xrays.valueSerde().serializer());
    private final XrayProducer xrays = new XrayProducer(xrayKafka, topics.xrays.name(), 1024, CLOCK);

    private Path write(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void publishesValidXraysOfEveryKindAndReportsTheBadOnes() throws Exception {
        write("a-gray8.png", TestImages.png(TestImages.grayXray(64, 48, 1)));
        write("b-gray16.png", TestImages.png(TestImages.gray16Xray(32, 32, 2)));
        write("c-rgb.jpg", TestImages.encode(TestImages.cover(40, 30, 0x336699), "jpg"));
        write("d-notes.png", "not an image".getBytes());
        write("e-huge.png", TestImages.png(TestImages.grayXray(1500, 20, 1)));
        write("f-alpha.png", TestImages.png(TestImages.rgba(20, 20)));
        write("readme.txt", "ignored".getBytes());

        List<PublishOutcome> outcomes = xrays.publishAll(List.of(dir), null);

        assertEquals(6, outcomes.size());
        assertEquals(
                List.of(true, true, true, false, false, false),
                outcomes.stream().map(PublishOutcome::ok).toList());
        assertEquals("not a PNG or JPEG image (12 bytes)", outcomes.get(3).problem());
        assertEquals(
                "error: " + dir.resolve("d-notes.png") + ": not a PNG or JPEG image (12 bytes)",
                outcomes.get(3).toString());
        assertEquals("image 1500x20 exceeds the 1024 px limit", outcomes.get(4).problem());
        assertEquals(
                "image has 4 channels (with alpha); 1 (gray) or 3 (RGB) expected",
                outcomes.get(5).problem());

        List<ProducerRecord<String, XrayImageEvent>> sent = xrayKafka.history();
        assertEquals(3, sent.size());
        XrayImageEvent gray8 = sent.get(0).value();
        assertEquals(sent.get(0).key(), gray8.getMessageId());
        assertEquals("a-gray8.png", gray8.getSourceName());
        assertEquals(ImageFormat.PNG, gray8.getFormat());
        assertEquals(
                List.of(64, 48, 1, 8),
                List.of(gray8.getWidth(), gray8.getHeight(), gray8.getChannels(), gray8.getBitDepth()));
        assertEquals(CLOCK.instant(), gray8.getProducedAt());
        XrayImageEvent gray16 = sent.get(1).value();
        assertEquals(List.of(1, 16), List.of(gray16.getChannels(), gray16.getBitDepth()));
        XrayImageEvent rgb = sent.get(2).value();
        assertEquals(ImageFormat.JPEG, rgb.getFormat());
        assertEquals(3, rgb.getChannels());
    }

    @Test
    void theSameFileAlwaysGetsTheSameKey() throws Exception {
        byte[] png = TestImages.png(TestImages.grayXray(32, 32, 3));
        Path one = write("one.png", png);
        Path copy = write("copy-of-one.png", png);
        Path other = write("other.png", TestImages.png(TestImages.grayXray(32, 32, 4)));
        String first = xrays.publishAll(List.of(one), "c-1").get(0).key();
        String again = xrays.publishAll(List.of(copy), "c-1").get(0).key();
        String different = xrays.publishAll(List.of(other), null).get(0).key();
        assertEquals(first, again);
        assertNotEquals(first, different);
        assertEquals("c-1", xrayKafka.history().get(0).value().getCoverId());
        assertEquals(null, xrayKafka.history().get(2).value().getCoverId());
    }

    @Test
    void resending_mintsANewMessageIdEachTime_fromTheContentId() throws Exception {
        Path one = write("one.png", TestImages.png(TestImages.grayXray(32, 32, 3)));
        String content = xrays.publishAll(List.of(one), null).get(0).key();
        XrayProducer again = xrays.resending();
        String first = again.publishAll(List.of(one), null).get(0).key();
        String second = again.publishAll(List.of(one), null).get(0).key();
        assertTrue(first.matches(content + "-resend-[0-9a-f]{10}"), first);
        assertNotEquals(first, second);
        assertEquals(
                List.of(content, first, second),
                xrayKafka.history().stream().map(r -> r.value().getMessageId()).toList());
        assertEquals(
                List.of(content, first, second),
                xrayKafka.history().stream().map(ProducerRecord::key).toList());
    }

    @Test
    void aMissingFileIsReported() throws Exception {
        List<PublishOutcome> o = xrays.publishAll(List.of(dir.resolve("gone.png")), null);
        assertEquals("no such file", o.get(0).problem());
        assertTrue(xrayKafka.history().isEmpty());
    }

    @Test
    void aFailedSendIsReportedNotHidden() throws Exception {
        MockProducer<String, XrayImageEvent> failing = new MockProducer<>(
                true,
                null,
                topics.xrays.keySerde().serializer(),
                topics.xrays.valueSerde().serializer());
        failing.sendException = new RecordTooLargeException("record too large");
        XrayProducer p = new XrayProducer(failing, topics.xrays.name(), 1024, CLOCK);
        Path f = write("x.png", TestImages.png(TestImages.grayXray(32, 32, 3)));
        List<PublishOutcome> o = p.publishAll(List.of(f), null);
        assertEquals("not acknowledged by Kafka: record too large", o.get(0).problem());
    }

    @Test
    void aRegistryOutageIsReportedAsARegistryOutageNotAsKafka() throws Exception {
        SchemaRegistryClient down = new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                throw new SchemaRegistryException(
                        "schema registry failed 5 tries of POST http://registry:8081/subjects;"
                                + " last: ConnectException",
                        new ConnectException("Connection refused"));
            }

            @Override
            public Schema schemaById(int id) {
                throw new UnsupportedOperationException();
            }
        };
        Topics offline = new Topics("p.", down, 1);
        MockProducer<String, XrayImageEvent> kafka = new MockProducer<>(
                true,
                null,
                offline.xrays.keySerde().serializer(),
                offline.xrays.valueSerde().serializer());
        XrayProducer p = new XrayProducer(kafka, offline.xrays.name(), 1024, CLOCK);
        Path f = write("x.png", TestImages.png(TestImages.grayXray(32, 32, 3)));
        String problem = p.publishAll(List.of(f), null).get(0).problem();
        assertTrue(
                problem.startsWith("not sent, the schema registry is unavailable: schema registry failed 5 tries"),
                problem);
        assertTrue(kafka.history().isEmpty());
    }

    @Test
    @Timeout(20)
    void watchModeMovesSentFilesToDoneAndRefusedOnesToFailedWithTheReason() throws Exception {
        Path drop = Files.createDirectory(dir.resolve("drop"));
        byte[] xray = TestImages.png(TestImages.grayXray(32, 32, 1));
        Files.write(drop.resolve("a.png"), xray);
        byte[] whole = TestImages.encode(TestImages.grayXray(64, 64, 5), "jpeg");
        Files.write(drop.resolve("cut.jpeg"), Arrays.copyOf(whole, whole.length / 2));
        List<PublishOutcome> seen = watchUntil(drop, 2);
        assertEquals(List.of("a.png"), names(drop.resolve(XrayProducer.DONE)));
        assertEquals(List.of("cut.jpeg", "cut.jpeg.reason"), names(drop.resolve(XrayProducer.FAILED)));
        String reason = Files.readString(drop.resolve(XrayProducer.FAILED).resolve("cut.jpeg.reason"))
                .strip();
        assertEquals("truncated JPEG (no end-of-image marker); still so after 300 ms without a change", reason);
        assertEquals(1, seen.stream().filter(PublishOutcome::ok).count());

        // a restart finds nothing left to send; a new file with a taken name gets a fresh one in done/
        Files.write(drop.resolve("a.png"), TestImages.png(TestImages.grayXray(32, 32, 9)));
        watchUntil(drop, 1);
        assertEquals(List.of("a-1.png", "a.png"), names(drop.resolve(XrayProducer.DONE)));
        assertEquals(2, xrayKafka.history().size());
        assertTrue(
                names(drop).stream().noneMatch(n -> n.endsWith(".png") || n.endsWith(".jpeg")),
                names(drop).toString());
    }

    @Test
    @Timeout(20)
    void watchModeKeepsAFileWhoseSendFailedForTheNextStart() throws Exception {
        MockProducer<String, XrayImageEvent> failing = new MockProducer<>(
                true,
                null,
                topics.xrays.keySerde().serializer(),
                topics.xrays.valueSerde().serializer());
        failing.sendException = new TimeoutException("broker unavailable");
        XrayProducer p = new XrayProducer(failing, topics.xrays.name(), 1024, CLOCK);
        Path drop = Files.createDirectory(dir.resolve("drop"));
        Files.write(drop.resolve("a.png"), TestImages.png(TestImages.grayXray(32, 32, 1)));
        List<PublishOutcome> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            try {
                p.watch(drop, null, Duration.ofMillis(50), Duration.ofSeconds(5), running::get, seen::add);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        watcher.start();
        await(() -> seen.size() == 1);
        running.set(false);
        watcher.join();
        assertTrue(Files.exists(drop.resolve("a.png")));
        assertTrue(Files.notExists(drop.resolve(XrayProducer.FAILED)));
    }

    private List<PublishOutcome> watchUntil(Path drop, int outcomes) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<PublishOutcome> seen = new CopyOnWriteArrayList<>();
        Thread watcher = new Thread(() -> {
            try {
                xrays.watch(drop, null, Duration.ofMillis(50), Duration.ofMillis(300), running::get, seen::add);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        watcher.start();
        try {
            await(() -> seen.size() >= outcomes);
        } finally {
            running.set(false);
            watcher.join();
        }
        return seen;
    }

    private static List<String> names(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> f.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    @Test
    @Timeout(20)
    void watchModePublishesEachNewFileOnce() throws Exception {
        Path drop = Files.createDirectory(dir.resolve("drop"));
        Files.write(drop.resolve("already-there.png"), TestImages.png(TestImages.grayXray(32, 32, 1)));
        AtomicBoolean running = new AtomicBoolean(true);
        List<PublishOutcome> seen = new CopyOnWriteArrayList<>();
        Thread watcher = new Thread(() -> {
            try {
                xrays.watch(drop, null, Duration.ofMillis(100), Duration.ofSeconds(5), running::get, seen::add);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        watcher.start();
        try {
            await(() -> seen.size() == 1);
            byte[] fresh = TestImages.png(TestImages.grayXray(48, 32, 2));
            // drop folders are filled by writing elsewhere and moving in, or by copying in place
            Path staging = Files.write(dir.resolve("staging.png"), fresh);
            Files.move(staging, drop.resolve("new.png"), StandardCopyOption.ATOMIC_MOVE);
            await(() -> seen.size() == 2);
            Files.write(drop.resolve("same-content.png"), fresh);
            Files.write(drop.resolve("broken.png"), new byte[] {1, 2, 3});
            await(() -> seen.size() == 3);
            Thread.sleep(400);
        } finally {
            running.set(false);
            watcher.join();
        }
        assertEquals(3, seen.size(), seen.toString());
        assertEquals(
                List.of("already-there.png", "new.png"),
                xrayKafka.history().stream().map(r -> r.value().getSourceName()).toList());
        assertTrue(seen.stream().anyMatch(o -> !o.ok() && o.file().endsWith("broken.png")));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 15 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void coversAreKeyedByTheirFileNameAndBadOnesAreReported() throws Exception {
        MockProducer<String, CoverImageEvent> kafka = new MockProducer<>(
                true,
                null,
                topics.covers.keySerde().serializer(),
                topics.covers.valueSerde().serializer());
        CoverProducer covers = new CoverProducer(kafka, topics.covers.name(), 1024, CLOCK);
        write("Beach Sunset 2.JPG", TestImages.encode(TestImages.cover(64, 48, 0xFFAA33), "jpg"));
        write("forest.png", TestImages.png(TestImages.cover(80, 80, 0x22AA22)));
        write("forest.jpeg", TestImages.encode(TestImages.cover(80, 80, 0x22AA22), "jpg"));
        write("broken.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5});

        List<PublishOutcome> outcomes = covers.publish(dir, "CC-BY 4.0, J. Doe");

        assertEquals("beach-sunset-2", outcomes.get(0).key());
        assertTrue(
                !outcomes.get(1).ok() && outcomes.get(1).problem().startsWith("corrupt image header"),
                outcomes.get(1).toString());
        assertEquals("forest", outcomes.get(2).key());
        assertEquals(
                "cover id 'forest' is already taken by forest.jpeg",
                outcomes.get(3).problem());
        assertEquals(
                List.of("beach-sunset-2", "forest"),
                kafka.history().stream().map(ProducerRecord::key).toList());
        CoverImageEvent beach = kafka.history().get(0).value();
        assertEquals(ImageFormat.JPEG, beach.getFormat());
        assertEquals(64, beach.getWidth());
        assertEquals("CC-BY 4.0, J. Doe", beach.getAttribution());
    }

    @Test
    void coverIdsAreDerivedFromFileNames() {
        assertEquals("beach-sunset-2", CoverProducer.coverIdOf(Path.of("/x/Beach Sunset 2.JPG")));
        assertEquals("img_001", CoverProducer.coverIdOf(Path.of("IMG_001.png")));
        assertEquals("caf-au-lait", CoverProducer.coverIdOf(Path.of("café au lait.png")));
    }

    @Test
    void onlyUnusableFiles_neverAskForAKafkaProducer() throws Exception {
        Path empty = write("empty.png", new byte[0]);
        Path text = write("notes.jpg", "not an image".getBytes());
        AtomicBoolean asked = new AtomicBoolean();
        XrayProducer p = new XrayProducer(
                () -> {
                    asked.set(true);
                    return xrayKafka;
                },
                topics.xrays.name(),
                1024,
                CLOCK,
                null,
                false);
        List<PublishOutcome> outcomes = p.publishAll(List.of(empty, text), null);
        assertEquals(2, outcomes.size());
        assertTrue(outcomes.stream().noneMatch(PublishOutcome::ok), outcomes.toString());
        assertTrue(!asked.get(), "a Kafka producer was created for a run with nothing to send");
    }

    @Test
    void withModelVersion_namesTheVersionOnEveryXray_andResendingKeepsIt() throws Exception {
        write("a.png", TestImages.png(TestImages.grayXray(32, 32, 1)));
        xrays.withModelVersion("stego-gray-robust").publishAll(List.of(dir), null);
        xrays.withModelVersion("stego-gray-robust").resending().publishAll(List.of(dir), null);
        xrays.publishAll(List.of(dir), null);
        assertEquals(
                java.util.Arrays.asList("stego-gray-robust", "stego-gray-robust", null),
                xrayKafka.history().stream()
                        .map(r -> r.value().getModelVersion())
                        .toList());
    }
}
