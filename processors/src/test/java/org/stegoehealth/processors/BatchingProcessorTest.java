package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.RecoveredImageEvent;

/** The batching processor on its own, driven by a {@link MockProcessorContext} and a stage that records its calls. */
class BatchingProcessorTest {

    private static final String STORE = "buffer";
    private static final Duration LINGER = Duration.ofMillis(400);
    private static final long T0 = 1_000_000L;

    /** Admits a record whose value is "<width>x<height>:<name>", rejects one whose value is "bad". */
    static final class RecordingStage implements BatchStage<String, RecoveredImageEvent> {
        final List<List<String>> runs = Collections.synchronizedList(new ArrayList<>());
        /** Items named "large..." wait for this gate in run(), as a long model call would. */
        final CountDownLatch gate = new CountDownLatch(1);
        /** Items named "failing..." fail in run(). */
        volatile String failure = "the model ran out of memory";

        @Override
        public void init(ProcessorContext<?, ?> context) {}

        @Override
        public Admitted<String> admit(InputRecord record) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            if (value.equals("bad")) {
                throw new RecordRejectedException(ErrorType.VALIDATION, "bad record");
            }
            String[] geometry = value.substring(0, value.indexOf(':')).split("x");
            return new Admitted<>(
                    record,
                    Integer.parseInt(geometry[0]),
                    Integer.parseInt(geometry[1]),
                    value.substring(value.indexOf(':') + 1));
        }

        @Override
        public List<KeyValue<String, RecoveredImageEvent>> run(List<String> items, long nowMs) {
            if (items.stream().anyMatch(name -> name.startsWith("large"))) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (items.stream().anyMatch(name -> name.startsWith("failing"))) {
                throw new IllegalStateException(failure);
            }
            runs.add(List.copyOf(items));
            return items.stream()
                    .map(name -> KeyValue.pair(
                            name,
                            RecoveredImageEvent.newBuilder()
                                    .setMessageId(name)
                                    .setModelVersion("v")
                                    .setWidth(8)
                                    .setHeight(8)
                                    .setChannels(1)
                                    .setImage(ByteBuffer.wrap(new byte[] {1}))
                                    .setRecoveredAt(Instant.ofEpochMilli(nowMs))
                                    .build()))
                    .toList();
        }

        @Override
        public String verb() {
            return "recorded";
        }
    }

    private final RecordingStage stage = new RecordingStage();
    private MockProcessorContext<String, SpecificRecord> context;
    private BatchingProcessor<String, RecoveredImageEvent> processor;
    private KeyValueStore<String, byte[]> store;
    private long offset;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor =
                new BatchingProcessor<>(STORE, stage, BatchSettings.uniform(3, LINGER, 1024), List.of("out"), "dead");
        context.setCurrentSystemTimeMs(T0);
        processor.init(context);
    }

    private void process(String value, long atMs) {
        context.setCurrentSystemTimeMs(atMs);
        context.setRecordMetadata("in", 0, offset++);
        processor.process(new Record<>(null, value.getBytes(StandardCharsets.UTF_8), atMs));
    }

    private CapturedPunctuator punctuator() {
        assertEquals(1, context.scheduledPunctuators().size());
        return context.scheduledPunctuators().get(0);
    }

    private List<String> forwardedTo(String child) {
        return context.forwarded(child).stream()
                .map(f -> (String) f.record().key())
                .toList();
    }

    private int buffered() {
        int n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void aPartialBatchIsFlushedByTheWallClockPunctuatorOnceTheOldestHasWaitedTheLinger() {
        CapturedPunctuator punctuator = punctuator();
        assertEquals(PunctuationType.WALL_CLOCK_TIME, punctuator.getType());
        assertEquals(Duration.ofMillis(100), punctuator.getInterval());

        process("64x64:a", T0);
        process("64x64:b", T0 + 150);
        punctuator.getPunctuator().punctuate(T0 + LINGER.toMillis() - 1);
        assertTrue(context.forwarded().isEmpty());
        assertEquals(2, buffered());

        punctuator.getPunctuator().punctuate(T0 + LINGER.toMillis());
        assertEquals(List.of("a", "b"), forwardedTo("out"));
        assertEquals(List.of(List.of("a", "b")), stage.runs, "one model call for the two records");
        assertEquals(0, buffered());

        context.resetForwards();
        punctuator.getPunctuator().punctuate(T0 + 10 * LINGER.toMillis());
        assertTrue(context.forwarded().isEmpty(), "nothing is flushed twice");
    }

    @Test
    void eachGeometryLingersFromItsOwnOldestRecord() {
        process("64x64:early", T0);
        process("32x48:late", T0 + 300);
        punctuator().getPunctuator().punctuate(T0 + 400);
        assertEquals(List.of("early"), forwardedTo("out"));
        punctuator().getPunctuator().punctuate(T0 + 699);
        assertEquals(List.of("early"), forwardedTo("out"));
        punctuator().getPunctuator().punctuate(T0 + 700);
        assertEquals(List.of("early", "late"), forwardedTo("out"));
        assertEquals(List.of(List.of("early"), List.of("late")), stage.runs);
    }

    @Test
    void outputsGoToTheOutputChildrenAndDeadLettersToTheDeadLetterChildOnly() {
        process("bad", T0);
        process("8x8:x", T0);
        punctuator().getPunctuator().punctuate(T0 + LINGER.toMillis());
        assertEquals(List.of("x"), forwardedTo("out"));
        assertTrue(context.forwarded("out").stream().allMatch(f -> f.record().value() instanceof RecoveredImageEvent));
        assertEquals(List.of(context.applicationId() + "/in-0@0"), forwardedTo("dead"));
        DeadLetterEvent dead =
                (DeadLetterEvent) context.forwarded("dead").get(0).record().value();
        assertEquals("VALIDATION", dead.getErrorType());
        assertEquals("bad record", dead.getReason());
    }

    @Test
    void batchesImagesAndDeadLettersAreCountedPerApplication() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        try {
            String app = context.applicationId();
            process("bad", T0);
            process("8x8:a", T0);
            process("8x8:b", T0);
            process("8x8:c", T0);
            process("16x16:d", T0);
            punctuator().getPunctuator().punctuate(T0 + LINGER.toMillis());

            var sizes = meters.get(BatchingProcessor.METRIC_BATCH_SIZE)
                    .tag("application", app)
                    .summary();
            assertEquals(2, sizes.count(), "a full batch of three and a lingering batch of one");
            assertEquals(4.0, sizes.totalAmount());
            assertEquals(
                    2,
                    meters.get(BatchingProcessor.METRIC_BATCH_LATENCY)
                            .tag("application", app)
                            .timer()
                            .count());
            assertEquals(
                    4.0,
                    meters.get(BatchingProcessor.METRIC_IMAGES)
                            .tag("application", app)
                            .counter()
                            .count());
            assertEquals(
                    1.0,
                    meters.get(DeadLetters.METRIC)
                            .tags("application", app, "reason", "VALIDATION")
                            .counter()
                            .count());
        } finally {
            Metrics.removeRegistry(meters);
        }
    }

    @Test
    void bufferKeysCarryTheGeometryAndTheOffset() {
        BatchingProcessor.GeometryKey key = new BatchingProcessor.GeometryKey(640, 48);
        assertEquals("00640x00048/", key.prefix());
        assertEquals("00640x00048/0000000000000000042", key.storeKey(42));
        assertEquals(key, BatchingProcessor.GeometryKey.parse(key.storeKey(42)));
        assertEquals(
                new BatchingProcessor.GeometryKey(99_999, 1), BatchingProcessor.GeometryKey.parse("99999x00001/7"));
        assertThrows(IllegalStateException.class, () -> BatchingProcessor.GeometryKey.parse("garbage"));
        assertThrows(IllegalArgumentException.class, () -> new BatchingProcessor.GeometryKey(100_000, 8));
    }

    /** The punctuator of the processor initialised last (the mock context keeps those of closed ones too). */
    private CapturedPunctuator latestPunctuator() {
        List<CapturedPunctuator> all = context.scheduledPunctuators();
        return all.get(all.size() - 1);
    }

    /** Punctuates until {@code child} has received {@code count} records (the lane finishes on its own thread). */
    private void punctuateUntil(String child, int count, long atMs) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (context.forwarded(child).size() < count) {
            assertTrue(System.nanoTime() < deadline, "nothing reached " + child + " within 10 s");
            Thread.sleep(5);
            latestPunctuator().getPunctuator().punctuate(atMs);
        }
    }

    private BatchingProcessor<String, RecoveredImageEvent> withLane() {
        processor.close();
        BatchingProcessor<String, RecoveredImageEvent> laned = new BatchingProcessor<>(
                STORE, stage, BatchSettings.uniform(3, LINGER, 8192).withLaneAbove(512), List.of("out"), "dead");
        context.resetForwards();
        laned.init(context);
        return laned;
    }

    @Test
    void aSmallImageArrivingWhileALargeOneRuns_isEmittedFirst_andTheLargeOneFollowsOnce() throws Exception {
        processor = withLane();
        process("4096x4096:large", T0);
        process("256x256:s1", T0 + 2000);
        process("256x256:s2", T0 + 2001);
        process("256x256:s3", T0 + 2002); // a full batch of 3: runs at once on the stream thread
        assertEquals(List.of("s1", "s2", "s3"), forwardedTo("out"), "the small ones did not wait for the large one");
        assertEquals(1, buffered(), "the large image stays buffered while it runs");

        latestPunctuator().getPunctuator().punctuate(T0 + 2500);
        assertEquals(3, forwardedTo("out").size(), "not emitted before it has finished");
        stage.gate.countDown();
        punctuateUntil("out", 4, T0 + 3000);
        assertEquals(List.of("s1", "s2", "s3", "large"), forwardedTo("out"));
        assertEquals(0, buffered());
        latestPunctuator().getPunctuator().punctuate(T0 + 10_000);
        assertEquals(4, forwardedTo("out").size(), "emitted once");
        processor.close();
    }

    @Test
    void largeImages_runOneAtATime_inArrivalOrder_andAFailureIsADeadLetterForThatImageOnly() throws Exception {
        stage.gate.countDown();
        processor = withLane();
        process("1000x800:failing", T0);
        process("600x600:large2", T0 + 1);
        process("4096x2000:large3", T0 + 2);
        punctuateUntil("out", 2, T0 + 10);
        assertEquals(List.of("large2", "large3"), forwardedTo("out"));
        assertEquals(List.of(List.of("large2"), List.of("large3")), stage.runs, "alone, in order");
        assertEquals(1, context.forwarded("dead").size());
        DeadLetterEvent letter =
                (DeadLetterEvent) context.forwarded("dead").get(0).record().value();
        assertTrue(letter.getReason().contains("the model ran out of memory"), letter.getReason());
        assertEquals(0, buffered());
        processor.close();
    }

    @Test
    void aLargeImageInterruptedByClose_staysBuffered_andRunsOnceWhenTheTaskStartsAgain() throws Exception {
        processor = withLane();
        process("2048x2048:large", T0);
        processor.close(); // a rebalance or shutdown while the large image runs
        assertTrue(forwardedTo("out").isEmpty());
        assertEquals(1, buffered(), "its record is still in the changelogged buffer");

        RecordingStage fresh = new RecordingStage();
        fresh.gate.countDown();
        BatchingProcessor<String, RecoveredImageEvent> restarted = new BatchingProcessor<>(
                STORE, fresh, BatchSettings.uniform(3, LINGER, 8192).withLaneAbove(512), List.of("out"), "dead");
        context.resetForwards();
        restarted.init(context);
        processor = restarted;
        punctuateUntil("out", 1, T0 + LINGER.toMillis());
        assertEquals(List.of("large"), forwardedTo("out"));
        assertEquals(0, buffered());
        restarted.close();
    }
}
