package org.stegoehealth.processors.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.TestImages;
import org.stegoehealth.schemas.InMemorySchemaRegistry;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;

/**
 * The drop folder publishes a file once it is whole: first with a fake ticker (one {@link XrayProducer.Watch#pass}
 * at a time, no sleeping), then with real writers that pause, append and rename while the watcher runs.
 */
class DropFolderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final DropFolder.Timing TIMING =
            new DropFolder.Timing(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @TempDir
    Path dir;

    private final Topics topics = new Topics("p.", new InMemorySchemaRegistry(), 1);
    private final MockProducer<String, XrayImageEvent> kafka = new MockProducer<>(
            true,
            null,
            topics.xrays.keySerde().serializer(),
            topics.xrays.valueSerde().serializer());
    private final XrayProducer xrays = new XrayProducer(kafka, topics.xrays.name(), 1024, CLOCK);
    private final AtomicLong now = new AtomicLong();
    private final List<PublishOutcome> seen = new CopyOnWriteArrayList<>();

    private XrayProducer.Watch watch() {
        return xrays.new Watch(dir, null, TIMING, now::get, seen::add);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private static byte[] xray(int seed) {
        return TestImages.png(TestImages.grayXray(64, 48, seed));
    }

    private List<String> sent() {
        return kafka.history().stream().map(r -> r.value().getSourceName()).toList();
    }

    private List<String> names(String sub) throws Exception {
        Path folder = dir.resolve(sub);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void temporaryNames_areIgnored() {
        for (String name : List.of(".a.png", "a.png.part", "a.png.tmp", "a.png.crdownload", "a.PNG.PART", "a.png~")) {
            assertTrue(DropFolder.isTemporary(name), name);
        }
        for (String name : List.of("a.png", "a.jpeg", "scan.gif", "part.png")) {
            assertFalse(DropFolder.isTemporary(name), name);
        }
    }

    @Test
    void aFile_isReadOnlyOnceItsSizeAndTimeStayStillForTheSettleWindow() throws Exception {
        XrayProducer.Watch watch = watch();
        byte[] png = xray(1);
        Path file = dir.resolve("a.png");
        Files.write(file, Arrays.copyOf(png, 100));
        watch.pass();
        advance(Duration.ofMillis(900));
        Files.write(file, Arrays.copyOf(png, 200));
        watch.pass();
        advance(Duration.ofMillis(900));
        // still growing: 900 ms since its last change is under the settle window
        Files.write(file, png);
        watch.pass();
        assertTrue(seen.isEmpty(), seen.toString());
        advance(Duration.ofSeconds(1));
        watch.pass();
        assertEquals(List.of("a.png"), sent());
        assertEquals(List.of("a.png"), names(XrayProducer.DONE));
        assertEquals(List.of(), names(XrayProducer.FAILED));
    }

    @Test
    void aTruncatedFile_waitsForTheRest_andIsPublishedOnceWhenComplete() throws Exception {
        XrayProducer.Watch watch = watch();
        byte[] png = xray(2);
        Path file = dir.resolve("paused.png");
        Files.write(file, Arrays.copyOf(png, png.length / 2));
        watch.pass();
        advance(Duration.ofSeconds(5));
        watch.pass();
        advance(Duration.ofSeconds(30));
        watch.pass();
        assertTrue(seen.isEmpty(), "a truncated file waits: " + seen);
        assertTrue(Files.exists(file));
        Files.write(file, Arrays.copyOfRange(png, png.length / 2, png.length), StandardOpenOption.APPEND);
        watch.pass();
        advance(Duration.ofSeconds(1));
        watch.pass();
        assertEquals(List.of("paused.png"), sent());
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).ok(), seen.toString());
        assertEquals(List.of(), names(XrayProducer.FAILED));
    }

    @Test
    void aFileTruncatedPastTheDeadline_goesToFailedWithTheReason() throws Exception {
        XrayProducer.Watch watch = watch();
        byte[] png = xray(3);
        Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length - 20));
        watch.pass();
        advance(Duration.ofSeconds(59));
        watch.pass();
        assertTrue(seen.isEmpty());
        advance(Duration.ofSeconds(1));
        watch.pass();
        assertEquals(List.of("cut.png", "cut.png.reason"), names(XrayProducer.FAILED));
        assertEquals(
                "truncated PNG (no IEND chunk at the end); still so after 60 s without a change",
                Files.readString(dir.resolve(XrayProducer.FAILED).resolve("cut.png.reason"))
                        .strip());
        assertEquals(1, seen.size());
        assertFalse(seen.get(0).ok());
        assertTrue(kafka.history().isEmpty());
    }

    @Test
    void otherFormats_goToFailedAtOnce_withAOneLineReason() throws Exception {
        XrayProducer.Watch watch = watch();
        Files.write(dir.resolve("scan.gif"), TestImages.encode(TestImages.cover(20, 20, 0x808080), "gif"));
        Files.write(dir.resolve("scan.bmp"), TestImages.encode(TestImages.cover(20, 20, 0x808080), "bmp"));
        Files.writeString(dir.resolve("notes.txt"), "not an X-ray");
        Files.write(dir.resolve("alpha.png"), TestImages.png(TestImages.rgba(20, 20)));
        watch.pass();
        advance(Duration.ofSeconds(1));
        watch.pass();
        assertEquals(
                List.of(
                        "alpha.png",
                        "alpha.png.reason",
                        "notes.txt",
                        "notes.txt.reason",
                        "scan.bmp",
                        "scan.bmp.reason",
                        "scan.gif",
                        "scan.gif.reason"),
                names(XrayProducer.FAILED));
        Path failed = dir.resolve(XrayProducer.FAILED);
        assertEquals(
                "a GIF image; only PNG or JPEG is accepted",
                Files.readString(failed.resolve("scan.gif.reason")).strip());
        assertEquals(
                "a BMP image; only PNG or JPEG is accepted",
                Files.readString(failed.resolve("scan.bmp.reason")).strip());
        assertEquals(
                "not a PNG or JPEG image (12 bytes)",
                Files.readString(failed.resolve("notes.txt.reason")).strip());
        assertEquals(
                "image has 4 channels (with alpha); 1 (gray) or 3 (RGB) expected",
                Files.readString(failed.resolve("alpha.png.reason")).strip());
        assertEquals(4, seen.size());
        assertTrue(kafka.history().isEmpty());
    }

    @Test
    void aTemporaryName_isLeftAlone_untilRenamedIntoPlace() throws Exception {
        XrayProducer.Watch watch = watch();
        Path part = dir.resolve("study.png.part");
        Files.write(part, Arrays.copyOf(xray(4), 50));
        watch.pass();
        advance(Duration.ofMinutes(10));
        watch.pass();
        assertTrue(seen.isEmpty());
        assertTrue(Files.exists(part));
        Files.write(part, xray(4));
        Files.move(part, dir.resolve("study.png"), StandardCopyOption.ATOMIC_MOVE);
        watch.pass();
        advance(Duration.ofSeconds(1));
        watch.pass();
        assertEquals(List.of("study.png"), sent());
        assertEquals(List.of(), names(XrayProducer.FAILED));
    }

    // --- real writers, real time -----------------------------------------------------------------------------

    private static final Duration SETTLE = Duration.ofMillis(200);
    /** Longer than the settle window, so the watcher reads each file mid-way. */
    private static final long PAUSE_MS = 700;

    /** Writes half, pauses with the file open, writes the rest. */
    private static void pauseMidFile(Path file, byte[] bytes) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            Thread.sleep(PAUSE_MS);
            out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        }
    }

    /** Writes half and closes, then reopens the file to append the rest. */
    private static void appendByReopening(Path file, byte[] bytes) throws Exception {
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 3));
        Thread.sleep(PAUSE_MS);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write(bytes, bytes.length / 3, bytes.length / 3);
        }
        Thread.sleep(PAUSE_MS);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write(bytes, 2 * (bytes.length / 3), bytes.length - 2 * (bytes.length / 3));
        }
    }

    /** Writes slowly under a temporary name, then renames it into place. */
    private static void writePartThenRename(Path file, byte[] bytes) throws Exception {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        pauseMidFile(part, bytes);
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private interface Writer {
        void write(Path file, byte[] bytes) throws Exception;
    }

    @Test
    @Timeout(30)
    void slowWriters_pausingAppendingAndRenaming_eachXrayIsPublishedExactlyOnce_noneFailed() throws Exception {
        List<Writer> writers = List.of(
                DropFolderTest::pauseMidFile, DropFolderTest::appendByReopening, DropFolderTest::writePartThenRename);
        List<String> names = List.of("paused.png", "appended.png", "renamed.png");
        List<PublishOutcome> outcomes = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            try {
                xrays.watch(dir, null, SETTLE, Duration.ofSeconds(20), running::get, outcomes::add);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        watcher.start();
        try {
            // a JPEG too: its decoder is the one that read a cut file as gray before
            List<byte[]> contents = List.of(
                    TestImages.png(TestImages.grayXray(256, 256, 11)),
                    TestImages.encode(TestImages.cover(256, 256, 0x40A0C0), "jpeg"),
                    TestImages.png(TestImages.gray16Xray(128, 128, 13)));
            List<String> fileNames = List.of(names.get(0), names.get(1).replace(".png", ".jpeg"), names.get(2));
            List<Thread> threads = new java.util.ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < writers.size(); i++) {
                int w = i;
                threads.add(new Thread(() -> {
                    try {
                        writers.get(w).write(dir.resolve(fileNames.get(w)), contents.get(w));
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(failures.isEmpty(), failures.toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (outcomes.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // anything more (a second publish, a refusal) would come within a few settle windows
            Thread.sleep(5 * SETTLE.toMillis());
            assertEquals(3, outcomes.size(), outcomes.toString());
            assertTrue(outcomes.stream().allMatch(PublishOutcome::ok), outcomes.toString());
            assertEquals(
                    fileNames.stream().sorted().toList(),
                    sent().stream().sorted().toList());
            assertEquals(List.of(), names(XrayProducer.FAILED));
            assertEquals(fileNames.stream().sorted().toList(), names(XrayProducer.DONE));
        } finally {
            running.set(false);
            watcher.join();
        }
    }
}
