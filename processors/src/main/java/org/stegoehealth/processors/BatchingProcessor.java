package org.stegoehealth.processors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * Batching inference over raw records. Each arriving record is decoded and validated by the {@link BatchStage}
 * (failures become dead letters at once), then buffered in a persistent, changelogged key-value store under
 * {@code <width>x<height>/<offset>}, so records of one geometry sit together and a crash loses nothing. A geometry's
 * batch runs as soon as it holds its batch size ({@link BatchSettings#batchSizeFor}); a wall-clock punctuator runs
 * any batch whose oldest record has waited the linger time. One model call sees one geometry only.
 *
 * <p>If a batch fails as a whole, its records are retried one at a time, so one poison record cannot take its
 * neighbours to the dead-letter topic.
 */
final class BatchingProcessor<I, O extends SpecificRecord> implements Processor<byte[], byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final String storeName;
    private final BatchStage<I, O> stage;
    private final BatchSettings settings;
    private final List<String> outputChildren;
    private final String deadLetterChild;

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> buffer;
    /** Decoded items of buffered records, so a batch need not decode again; lost (and rebuilt) on restart. */
    private final Map<String, I> decoded = new HashMap<>();
    /** Per geometry group: buffered record count and the enqueue time of the oldest. */
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final Map<String, Long> oldest = new LinkedHashMap<>();

    BatchingProcessor(String storeName, BatchStage<I, O> stage, BatchSettings settings, List<String> outputChildren,
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

    static String group(int width, int height) {
        return String.format("%05dx%05d/", width, height);
    }

    private static int[] geometry(String group) {
        return new int[] {Integer.parseInt(group.substring(0, 5)), Integer.parseInt(group.substring(6, 11))};
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.buffer = context.getStateStore(storeName);
        stage.init(context);
        // rebuild the group bookkeeping from what survived in the store
        try (KeyValueIterator<String, byte[]> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                String group = e.key.substring(0, 12);
                counts.merge(group, 1, Integer::sum);
                long enqueued = InputRecord.fromBytes(e.value).enqueuedAtMs();
                oldest.merge(group, enqueued, Math::min);
            }
        }
        if (!counts.isEmpty()) {
            LOG.info("{}: resuming with {} buffered record(s) in {} geometry group(s)", storeName,
                    counts.values().stream().mapToInt(Integer::intValue).sum(), counts.size());
        }
        context.schedule(punctuationInterval(settings.linger()), PunctuationType.WALL_CLOCK_TIME, this::flushDue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        long now = context.currentSystemTimeMs();
        InputRecord in = new InputRecord(meta.topic(), meta.partition(), meta.offset(), record.timestamp(),
                record.key(), record.value(), now, null);
        BatchStage.Admitted<I> admitted;
        try {
            admitted = stage.admit(in);
        } catch (RecordRejectedException e) {
            deadLetter(in, e.type(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            if (Deserialization.isOutage(e)) {
                throw e;
            }
            deadLetter(in, ErrorType.PROCESSING, describe(e));
            return;
        }
        String group = group(admitted.width(), admitted.height());
        String key = group + String.format("%019d", meta.offset());
        buffer.put(key, admitted.record().toBytes());
        decoded.put(key, admitted.item());
        int count = counts.merge(group, 1, Integer::sum);
        oldest.putIfAbsent(group, now);
        if (count >= settings.batchSizeFor(admitted.width(), admitted.height())) {
            flush(group);
        }
    }

    private void flushDue(long now) {
        long linger = settings.linger().toMillis();
        for (Map.Entry<String, Long> e : new ArrayList<>(oldest.entrySet())) {
            if (now - e.getValue() >= linger) {
                flush(e.getKey());
            }
        }
    }

    /** Runs every buffered record of {@code group}, in batches of the group's size. */
    private void flush(String group) {
        List<KeyValue<String, InputRecord>> pending = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = buffer.prefixScan(group, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                pending.add(KeyValue.pair(e.key, InputRecord.fromBytes(e.value)));
            }
        }
        counts.remove(group);
        oldest.remove(group);
        int[] wh = geometry(group);
        int size = settings.batchSizeFor(wh[0], wh[1]);
        for (int from = 0; from < pending.size(); from += size) {
            runBatch(pending.subList(from, Math.min(pending.size(), from + size)), wh);
        }
    }

    private void runBatch(List<KeyValue<String, InputRecord>> entries, int[] wh) {
        long now = context.currentSystemTimeMs();
        List<I> items = new ArrayList<>();
        List<InputRecord> records = new ArrayList<>();
        for (KeyValue<String, InputRecord> e : entries) {
            I item = decoded.remove(e.key);
            if (item == null) {
                try {
                    item = stage.admit(e.value).item();
                } catch (RecordRejectedException ex) {
                    deadLetter(e.value, ex.type(), ex.getMessage());
                    continue;
                } catch (RuntimeException ex) {
                    if (Deserialization.isOutage(ex)) {
                        throw ex;
                    }
                    deadLetter(e.value, ErrorType.PROCESSING, describe(ex));
                    continue;
                }
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
                    deadLetter(records.get(0), failureType(batchFailure), reason(batchFailure));
                } else {
                    LOG.warn("a batch of {} image(s) {}x{} failed ({}); retrying one at a time", items.size(), wh[0], wh[1],
                            describe(batchFailure));
                    runOneByOne(items, records, now);
                }
            }
            // outside the try: a failure to write the output (registry, broker) is no fault of the record
            if (outputs != null) {
                emit(records, outputs);
                LOG.info("{} a batch of {} image(s) {}x{} in {} ms", stage.verb(), items.size(), wh[0], wh[1],
                        (System.nanoTime() - started) / 1_000_000);
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
                deadLetter(records.get(i), failureType(e), reason(e));
                continue;
            }
            emit(List.of(records.get(i)), single);
        }
    }

    private void emit(List<InputRecord> records, List<KeyValue<String, O>> outputs) {
        if (outputs.size() != records.size()) {
            throw new IllegalStateException("stage returned " + outputs.size() + " outputs for " + records.size() + " inputs");
        }
        for (int i = 0; i < outputs.size(); i++) {
            KeyValue<String, O> out = outputs.get(i);
            Record<String, SpecificRecord> r = new Record<>(out.key, out.value, records.get(i).timestamp());
            for (String child : outputChildren) {
                context.forward(r, child);
            }
        }
    }

    private static ErrorType failureType(RuntimeException e) {
        return e instanceof RecordRejectedException r ? r.type() : ErrorType.PROCESSING;
    }

    private static String reason(RuntimeException e) {
        return e instanceof RecordRejectedException ? e.getMessage() : describe(e);
    }

    private void deadLetter(InputRecord record, ErrorType type, String reason) {
        long now = context.currentSystemTimeMs();
        context.forward(new Record<>(record.coordinates(),
                DeadLetters.of(record, type, reason, context.applicationId(), now), record.timestamp()), deadLetterChild);
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
