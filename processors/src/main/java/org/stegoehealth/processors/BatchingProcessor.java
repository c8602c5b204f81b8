package org.stegoehealth.processors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.errors.StegoException;
import org.stegoehealth.schemas.DeadLetterEvent;

/**
 * Batching inference over raw records. Each arriving record is decoded and validated by the {@link BatchStage}
 * (failures become dead letters at once), then buffered in a persistent, changelogged key-value store under
 * {@code <width>x<height>/<offset>} ({@link GeometryKey}), so records of one geometry sit together and a crash loses nothing. A geometry's
 * batch runs as soon as it holds its batch size ({@link BatchSettings#batchSizeFor}); a wall-clock punctuator runs
 * any batch whose oldest record has waited the linger time. One model call sees one geometry only.
 *
 * <p>Forwarding is typed by child: the outputs ({@code O}) go to the output children only, dead letters to the
 * dead-letter child only, so every child receives exactly the one event type it is written for.
 *
 * <p>If a batch fails as a whole, its records are retried one at a time, so one poison record cannot take its
 * neighbours to the dead-letter topic.
 *
 * <p>A record the stage cannot admit yet ({@link RecordNotReadyException}: a stego image naming a model version not
 * yet received) waits in the same store under {@code waiting/<offset>} and is admitted again at every punctuation;
 * once admitted it joins its geometry's batch, and after the exception's maximum wait it becomes a dead letter. While
 * the stage is not {@linkplain BatchStage#ready() ready}, full batches stay buffered.
 *
 * <p><b>The large-image lane.</b> An image larger than {@link BatchSettings#laneSide()} (the model's tile size) takes
 * tens of seconds at full X-ray size; run on the stream thread it would hold back every record behind it in the
 * partition. Such an image is buffered like any other, then runs alone, at once, on the processor's own lane thread,
 * one image at a time, later ones queued in offset order. The stream thread goes on admitting, batching and running
 * smaller images meanwhile; the model serialises passes with a fair lock that a tiled image takes per pass of tiles,
 * so a small batch waits for at most one such pass. The stream thread checks the lane at every record and
 * punctuation, and forwards a finished image's output (or dead letter) and deletes its buffered record there, in the
 * same transaction, so exactly-once holds as for batches: until then the record stays in the changelogged buffer, and
 * a crash or a task migration (the lane's run is interrupted and its result dropped on {@link #close()}) runs it again
 * from there. The lane was chosen over a separate sub-topology or a tile-by-tile state machine in the punctuator: it
 * keeps one buffer, one set of exactly-once rules and one stage, and moves only the model call off the thread. The
 * stage's {@link BatchStage#run} must therefore allow a call from the lane thread concurrent with one from the stream
 * thread (both stages only read their models and keys there).
 */
final class BatchingProcessor<I, O extends SpecificRecord>
        implements Processor<byte[], byte[], String, SpecificRecord> {

    /** Images per model batch (a summary: count, sum, max), tagged {@code application}. */
    static final String METRIC_BATCH_SIZE = "stego.batch.size";
    /** Time of one batch through the model and out (a timer), tagged {@code application}. */
    static final String METRIC_BATCH_LATENCY = "stego.batch.latency";
    /** Images that came out of the model (a counter; its rate is images per second), tagged {@code application}. */
    static final String METRIC_IMAGES = "stego.images.processed";

    private static final Logger LOG = LoggerFactory.getLogger(BatchingProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final String storeName;
    private final BatchStage<I, O> stage;
    private final BatchSettings settings;
    private final List<String> outputChildren;
    private final String deadLetterChild;

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> buffer;
    private DistributionSummary batchSizes;
    private Timer batchLatency;
    private Counter imagesProcessed;
    /** Decoded items of buffered records, so a batch need not decode again; lost (and rebuilt) on restart. */
    private final Map<String, I> decoded = new HashMap<>();
    /** Per geometry: buffered record count and the enqueue time of the oldest. */
    private final Map<GeometryKey, Integer> counts = new LinkedHashMap<>();

    private final Map<GeometryKey, Long> oldest = new LinkedHashMap<>();
    /** Waiting records: store key to the wall-clock time they started waiting. */
    private final Map<String, Long> waiting = new LinkedHashMap<>();

    private long lastNotReadyLog;

    /** The large-image lane's thread, started with the first large image. */
    private ExecutorService lane;
    /** Store keys of large images waiting for the lane, in arrival order; the running one is not among them. */
    private final Deque<String> laneQueue = new ArrayDeque<>();
    /** Store keys queued for or running in the lane, so a flush does not queue them twice. */
    private final Set<String> inLane = new HashSet<>();
    /** The image the lane runs now, or null. */
    private LaneRun<O> laneRun;

    /** One image in the lane: its buffered record and the stage's run of it. */
    private record LaneRun<O>(
            String key, InputRecord record, long startedNanos, Future<List<KeyValue<String, O>>> outputs) {}

    /** Store-key prefix of records waiting for something not yet received; no geometry key starts like this. */
    static final String WAITING_PREFIX = "waiting/";

    BatchingProcessor(
            String storeName,
            BatchStage<I, O> stage,
            BatchSettings settings,
            List<String> outputChildren,
            String deadLetterChild) {
        this.storeName = storeName;
        this.stage = stage;
        this.settings = settings;
        this.outputChildren = List.copyOf(outputChildren);
        this.deadLetterChild = deadLetterChild;
    }

    /** Punctuate often enough that a batch waits at most about a quarter linger past its deadline. */
    static Duration punctuationInterval(Duration linger) {
        long ms = Math.max(10, Math.min(1000, linger.toMillis() / 4));
        return Duration.ofMillis(ms);
    }

    /**
     * The geometry part of a batch buffer key. Keys are {@code <width>x<height>/<offset>}, zero-padded
     * ({@code 00064x00048/0000000000000000042}), so a prefix scan finds one geometry's records in offset order.
     */
    record GeometryKey(int width, int height) {

        private static final int MAX_SIDE = 99_999;

        GeometryKey {
            if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
                throw new IllegalArgumentException("image geometry " + width + "x" + height + " out of range");
            }
        }

        /** The store-key prefix shared by every record of this geometry. */
        String prefix() {
            return String.format("%05dx%05d/", width, height);
        }

        /** The store key of the record at {@code offset}. */
        String storeKey(long offset) {
            return prefix() + String.format("%019d", offset);
        }

        /** The geometry of a store key (or prefix) made by {@link #storeKey}. */
        static GeometryKey parse(String storeKey) {
            int x = storeKey.indexOf('x');
            int slash = storeKey.indexOf('/');
            if (x < 1 || slash < x + 2) {
                throw new IllegalStateException("not a batch buffer key: '" + storeKey + "'");
            }
            return new GeometryKey(
                    Integer.parseInt(storeKey.substring(0, x)), Integer.parseInt(storeKey.substring(x + 1, slash)));
        }

        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.buffer = context.getStateStore(storeName);
        stage.init(context);
        String application = context.applicationId();
        batchSizes = DistributionSummary.builder(METRIC_BATCH_SIZE)
                .tag("application", application)
                .register(Metrics.globalRegistry);
        batchLatency = Timer.builder(METRIC_BATCH_LATENCY)
                .tag("application", application)
                .publishPercentiles(0.5, 0.99)
                .register(Metrics.globalRegistry);
        imagesProcessed =
                Counter.builder(METRIC_IMAGES).tag("application", application).register(Metrics.globalRegistry);
        // rebuild the group bookkeeping from what survived in the store
        try (KeyValueIterator<String, byte[]> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                if (e.key.startsWith(WAITING_PREFIX)) {
                    waiting.put(e.key, InputRecord.fromBytes(e.value).enqueuedAtMs());
                    continue;
                }
                GeometryKey geometry = GeometryKey.parse(e.key);
                counts.merge(geometry, 1, Integer::sum);
                long enqueued = InputRecord.fromBytes(e.value).enqueuedAtMs();
                oldest.merge(geometry, enqueued, Math::min);
            }
        }
        if (!counts.isEmpty() || !waiting.isEmpty()) {
            LOG.info(
                    "{}: resuming with {} buffered record(s) in {} geometry group(s), {} waiting",
                    storeName,
                    counts.values().stream().mapToInt(Integer::intValue).sum(),
                    counts.size(),
                    waiting.size());
        }
        context.schedule(punctuationInterval(settings.linger()), PunctuationType.WALL_CLOCK_TIME, this::flushDue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        long now = context.currentSystemTimeMs();
        pumpLane(now);
        InputRecord in = new InputRecord(
                meta.topic(),
                meta.partition(),
                meta.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                now,
                null);
        BatchStage.Admitted<I> admitted;
        try {
            admitted = admitOrDeadLetter(in);
        } catch (RecordNotReadyException notReady) {
            String key = WAITING_PREFIX + String.format("%019d", meta.offset());
            buffer.put(key, in.toBytes());
            waiting.put(key, now);
            LOG.info(
                    "{} waits: {} (up to {} s)",
                    in.coordinates(),
                    notReady.getMessage(),
                    notReady.maxWait().toSeconds());
            return;
        }
        if (admitted != null) {
            enqueue(admitted, now);
        }
    }

    /**
     * Puts an admitted record into its geometry's batch, and runs the batch if it is full.
     *
     * @param since when the record arrived: the batch's linger counts from its oldest record
     */
    private void enqueue(BatchStage.Admitted<I> admitted, long since) {
        GeometryKey geometry = new GeometryKey(admitted.width(), admitted.height());
        String key = geometry.storeKey(admitted.record().offset());
        buffer.put(key, admitted.record().toBytes());
        decoded.put(key, admitted.item());
        int count = counts.merge(geometry, 1, Integer::sum);
        oldest.merge(geometry, since, Math::min);
        if (count >= settings.batchSizeFor(geometry.width(), geometry.height())
                || settings.inLane(geometry.width(), geometry.height())) {
            flush(geometry);
        }
    }

    /** Admits waiting records whose dependency has arrived; dead-letters those that waited too long. */
    private void retryWaiting(long now) {
        for (Map.Entry<String, Long> e : new ArrayList<>(waiting.entrySet())) {
            byte[] stored = buffer.get(e.getKey());
            if (stored == null) {
                waiting.remove(e.getKey());
                continue;
            }
            InputRecord record = InputRecord.fromBytes(stored);
            BatchStage.Admitted<I> admitted;
            try {
                admitted = admitOrDeadLetter(record);
            } catch (RecordNotReadyException notReady) {
                if (now - e.getValue() < notReady.maxWait().toMillis()) {
                    continue;
                }
                deadLetter(
                        record,
                        notReady.type(),
                        notReady.getMessage() + " (waited " + (now - e.getValue()) / 1000 + " s)");
                admitted = null;
            }
            buffer.delete(e.getKey());
            waiting.remove(e.getKey());
            if (admitted != null) {
                LOG.info("{} admitted after waiting {} ms", record.coordinates(), now - e.getValue());
                // it has waited long enough already: its batch may run at once
                enqueue(admitted, e.getValue());
            }
        }
    }

    /**
     * The stage's admission of {@code record}, or null when the record was bad and has been dead-lettered. An
     * {@linkplain StegoException#isOutage() outage} propagates: the record is no worse than its neighbours, so the
     * task fails and reads it again after a restart.
     */
    private BatchStage.Admitted<I> admitOrDeadLetter(InputRecord record) {
        try {
            return stage.admit(record);
        } catch (RecordNotReadyException e) {
            throw e;
        } catch (RuntimeException e) {
            if (StegoException.isOutage(e)) {
                throw e;
            }
            deadLetter(record, e);
            return null;
        }
    }

    private void flushDue(long now) {
        pumpLane(now);
        if (!waiting.isEmpty()) {
            retryWaiting(now);
        }
        long linger = settings.linger().toMillis();
        for (Map.Entry<GeometryKey, Long> e : new ArrayList<>(oldest.entrySet())) {
            if (now - e.getValue() >= linger) {
                flush(e.getKey());
            }
        }
    }

    /** Runs every buffered record of {@code geometry}, in batches of the geometry's size. */
    private void flush(GeometryKey geometry) {
        if (!stage.ready()) {
            long now = context.currentSystemTimeMs();
            if (now - lastNotReadyLog > 30_000) {
                LOG.warn(
                        "{}: no model to run batches with yet; {} record(s) wait",
                        storeName,
                        counts.values().stream().mapToInt(Integer::intValue).sum());
                lastNotReadyLog = now;
            }
            return;
        }
        List<KeyValue<String, InputRecord>> pending = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = buffer.prefixScan(geometry.prefix(), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                pending.add(KeyValue.pair(e.key, InputRecord.fromBytes(e.value)));
            }
        }
        counts.remove(geometry);
        oldest.remove(geometry);
        if (settings.inLane(geometry.width(), geometry.height())) {
            for (KeyValue<String, InputRecord> e : pending) {
                if (inLane.add(e.key)) {
                    laneQueue.add(e.key);
                }
            }
            pumpLane(context.currentSystemTimeMs());
            return;
        }
        int size = settings.batchSizeFor(geometry.width(), geometry.height());
        for (int from = 0; from < pending.size(); from += size) {
            runBatch(pending.subList(from, Math.min(pending.size(), from + size)), geometry);
        }
    }

    /** Emits what the lane has finished, then starts the next queued large image if the lane is free. */
    private void pumpLane(long now) {
        if (laneRun != null && laneRun.outputs().isDone()) {
            finishLaneRun();
        }
        while (laneRun == null && !laneQueue.isEmpty()) {
            String key = laneQueue.poll();
            byte[] stored = buffer.get(key);
            I item = decoded.remove(key);
            if (stored == null) {
                inLane.remove(key);
                continue;
            }
            InputRecord record = InputRecord.fromBytes(stored);
            if (item == null) {
                BatchStage.Admitted<I> admitted;
                try {
                    admitted = admitOrDeadLetter(record);
                } catch (RecordNotReadyException notReady) {
                    // after a restart, what it needs has not been received again yet: it waits once more
                    String waitKey = WAITING_PREFIX + String.format("%019d", record.offset());
                    buffer.put(waitKey, stored);
                    waiting.put(waitKey, now);
                    admitted = null;
                }
                if (admitted == null) {
                    buffer.delete(key);
                    inLane.remove(key);
                    continue;
                }
                item = admitted.item();
            }
            if (lane == null) {
                lane = Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, storeName + "-large-image-lane");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            I laneItem = item;
            LOG.info("{}: {} runs in the large-image lane, {} more queued", storeName, key, laneQueue.size());
            laneRun =
                    new LaneRun<>(key, record, System.nanoTime(), lane.submit(() -> stage.run(List.of(laneItem), now)));
        }
    }

    /** Forwards the finished lane image's output, or its dead letter, and drops its record from the buffer. */
    private void finishLaneRun() {
        LaneRun<O> run = laneRun;
        laneRun = null;
        List<KeyValue<String, O>> outputs = null;
        try {
            outputs = run.outputs().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            deadLetter(
                    run.record(),
                    cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while collecting a large image", e);
        }
        // outside the try: a failure to write the output (registry, broker) is no fault of the record
        if (outputs != null) {
            emit(List.of(run.record()), outputs);
            long nanos = System.nanoTime() - run.startedNanos();
            batchSizes.record(1);
            batchLatency.record(nanos, TimeUnit.NANOSECONDS);
            imagesProcessed.increment();
            LOG.info("{} a large image {} in the lane in {} ms", stage.verb(), run.key(), nanos / 1_000_000);
        }
        buffer.delete(run.key());
        inLane.remove(run.key());
    }

    /**
     * Stops the lane: a large image still running is interrupted and its result dropped; its record stays in the
     * buffer and runs again when the task next starts.
     */
    @Override
    public void close() {
        if (lane != null) {
            if (laneRun != null) {
                laneRun.outputs().cancel(true);
            }
            lane.shutdownNow();
        }
    }

    private void runBatch(List<KeyValue<String, InputRecord>> entries, GeometryKey geometry) {
        long now = context.currentSystemTimeMs();
        List<I> items = new ArrayList<>();
        List<InputRecord> records = new ArrayList<>();
        for (KeyValue<String, InputRecord> e : entries) {
            I item = decoded.remove(e.key);
            if (item == null) {
                BatchStage.Admitted<I> admitted;
                try {
                    admitted = admitOrDeadLetter(e.value);
                } catch (RecordNotReadyException notReady) {
                    // after a restart, what it needs has not been received again yet: it waits once more
                    String key = WAITING_PREFIX + String.format("%019d", e.value.offset());
                    buffer.put(key, e.value.toBytes());
                    waiting.put(key, now);
                    continue;
                }
                if (admitted == null) {
                    continue;
                }
                item = admitted.item();
            }
            items.add(item);
            records.add(e.value);
        }
        if (!items.isEmpty()) {
            long started = System.nanoTime();
            List<KeyValue<String, O>> outputs = null;
            try {
                outputs = stage.run(items, now);
            } catch (RuntimeException batchFailure) {
                if (items.size() == 1) {
                    deadLetter(records.get(0), batchFailure);
                } else {
                    LOG.warn(
                            "a batch of {} image(s) {} failed ({}); retrying one at a time",
                            items.size(),
                            geometry,
                            describe(batchFailure));
                    runOneByOne(items, records, now);
                }
            }
            // outside the try: a failure to write the output (registry, broker) is no fault of the record
            if (outputs != null) {
                emit(records, outputs);
                long nanos = System.nanoTime() - started;
                batchSizes.record(items.size());
                batchLatency.record(nanos, TimeUnit.NANOSECONDS);
                imagesProcessed.increment(items.size());
                LOG.info(
                        "{} a batch of {} image(s) {} in {} ms",
                        stage.verb(),
                        items.size(),
                        geometry,
                        nanos / 1_000_000);
            }
        }
        for (KeyValue<String, InputRecord> e : entries) {
            buffer.delete(e.key);
        }
    }

    private void runOneByOne(List<I> items, List<InputRecord> records, long now) {
        for (int i = 0; i < items.size(); i++) {
            List<KeyValue<String, O>> single;
            try {
                single = stage.run(List.of(items.get(i)), now);
            } catch (RuntimeException e) {
                deadLetter(records.get(i), e);
                continue;
            }
            emit(List.of(records.get(i)), single);
            imagesProcessed.increment();
        }
    }

    private void emit(List<InputRecord> records, List<KeyValue<String, O>> outputs) {
        if (outputs.size() != records.size()) {
            throw new IllegalStateException(
                    "stage returned " + outputs.size() + " outputs for " + records.size() + " inputs");
        }
        for (int i = 0; i < outputs.size(); i++) {
            KeyValue<String, O> out = outputs.get(i);
            Record<String, O> r =
                    new Record<>(out.key, out.value, records.get(i).timestamp());
            for (String child : outputChildren) {
                context.forward(r, child);
            }
        }
    }

    /** Dead-letters {@code record} for {@code failure}: a rejection with its category and reason, else PROCESSING. */
    private void deadLetter(InputRecord record, RuntimeException failure) {
        if (failure instanceof RecordRejectedException rejected) {
            deadLetter(record, rejected.type(), rejected.getMessage());
        } else {
            deadLetter(record, ErrorType.PROCESSING, describe(failure));
        }
    }

    private void deadLetter(InputRecord record, ErrorType type, String reason) {
        long now = context.currentSystemTimeMs();
        DeadLetterEvent event =
                DeadLetters.of(record, type, reason, context.applicationId(), now, settings.redactDeadLetters());
        Record<String, DeadLetterEvent> letter = new Record<>(DeadLetters.key(event), event, record.timestamp());
        context.forward(letter, deadLetterChild);
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName()
                + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
