package org.stegoehealth.processors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.schemas.RecoveredImageEvent;

/**
 * Once per message id at the clinic, across runs: passes a recovered X-ray on (to the recovered topic and the file
 * writer) only if its message id has not been recovered within the retention, and drops a repeat with one INFO line
 * and a count ({@value #METRIC_DUPLICATES}). Message ids are derived from the X-ray's content, so the same study sent
 * again (a second producer run, the drop folder after a restore) is recovered once; a deliberate re-send mints a new
 * id ({@code produce-xrays --resend}).
 *
 * <p>The ids live in a persistent key-value store ({@value #STORE}: message id to the wall-clock time it was first
 * recovered), changelogged, so they survive restarts and moves of the task. With exactly-once processing the store's
 * changelog and the recovered record are written in one transaction: an id is remembered if and only if its record
 * was published. A wall-clock punctuator forgets ids older than the retention ({@code recovered.ids.retention.days},
 * 30 days by default), which bounds the store; the same content arriving after that is recovered again.
 */
final class RecoveredOnce implements Processor<String, RecoveredImageEvent, String, RecoveredImageEvent> {

    /** The store of recovered message ids; its name is part of the topology's contract (changelog topic). */
    static final String STORE = "recovered-ids";
    /** Recovered X-rays dropped because their message id was recovered before (a counter), tagged application. */
    static final String METRIC_DUPLICATES = "stego.recovered.duplicates";

    private static final Logger LOG = LoggerFactory.getLogger(RecoveredOnce.class);
    /** How often ids past the retention are forgotten (at most; a shorter retention sweeps more often). */
    private static final Duration SWEEP_EVERY = Duration.ofHours(1);

    private final Duration retention;
    private ProcessorContext<String, RecoveredImageEvent> context;
    private KeyValueStore<String, Long> store;
    private Counter duplicates;

    RecoveredOnce(Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the retention of recovered message ids must be positive");
        }
        this.retention = retention;
    }

    /** The persistent, changelogged store this processor needs. */
    static StoreBuilder<KeyValueStore<String, Long>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long())
                .withCachingDisabled();
    }

    /** How often to sweep: hourly, or a tenth of a shorter retention (at least a second). */
    static Duration sweepInterval(Duration retention) {
        Duration tenth = retention.dividedBy(10);
        if (tenth.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return tenth.compareTo(SWEEP_EVERY) < 0 ? tenth : SWEEP_EVERY;
    }

    /** "30 days", or seconds under a day. */
    static String describe(Duration d) {
        return d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays())) ? d.toDays() + " days" : d.toSeconds() + " s";
    }

    @Override
    public void init(ProcessorContext<String, RecoveredImageEvent> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        this.duplicates = Counter.builder(METRIC_DUPLICATES)
                .tag("application", context.applicationId())
                .register(Metrics.globalRegistry);
        context.schedule(sweepInterval(retention), PunctuationType.WALL_CLOCK_TIME, this::forgetExpired);
    }

    @Override
    public void process(Record<String, RecoveredImageEvent> record) {
        String id = record.value().getMessageId();
        long now = context.currentSystemTimeMs();
        Long first = store.get(id);
        if (first != null && now - first < retention.toMillis()) {
            duplicates.increment();
            LOG.info(
                    "X-ray {} was recovered before (at {}); this copy is dropped, not published or written again",
                    id,
                    Instant.ofEpochMilli(first));
            return;
        }
        store.put(id, now);
        context.forward(record);
    }

    private void forgetExpired(long now) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> e = all.next();
                if (now - e.value >= retention.toMillis()) {
                    expired.add(e.key);
                }
            }
        }
        expired.forEach(store::delete);
        if (!expired.isEmpty()) {
            LOG.info("forgot {} recovered message id(s) older than {}", expired.size(), describe(retention));
        }
    }
}
