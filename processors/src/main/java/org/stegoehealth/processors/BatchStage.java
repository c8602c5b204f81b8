package org.stegoehealth.processors;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * What a batching inference processor does with its records; {@link BatchingProcessor} does the buffering,
 * flushing and dead-lettering around it. One instance per stream task.
 *
 * @param <I> a decoded, validated record ready for the model
 * @param <O> the output event
 */
interface BatchStage<I, O extends SpecificRecord> {

    /** A record accepted into the buffer: the record to store (possibly amended), its image geometry and item. */
    record Admitted<I>(InputRecord record, int width, int height, I item) {}

    /** Called once per task before any record. */
    void init(ProcessorContext<?, ?> context);

    /**
     * Deserialises, decodes and validates a record. Called when a record arrives and again at flush time for records
     * whose decoded item did not survive a restart, so it must give the same answer for the stored record.
     *
     * @throws RecordRejectedException with the dead letter's category and reason
     * @throws RecordNotReadyException when the record needs something not yet received: it waits and is admitted
     *     again later
     */
    Admitted<I> admit(InputRecord record);

    /**
     * Whether batches can run now. While not (an embedder with no promoted model yet), buffered records wait and
     * the batches run once it is.
     */
    default boolean ready() {
        return true;
    }

    /**
     * Runs the model once over items that share one geometry. A large image runs alone on the processor's lane
     * thread, possibly while the stream thread runs a batch of small ones: this method must not use the processor
     * context or state stores, only what is safe to share between threads (models, keys).
     *
     * @return one keyed output per item, in order
     */
    List<KeyValue<String, O>> run(List<I> items, long nowMs);

    /** What the stage does, for log lines ("embedded", "extracted"). */
    String verb();
}
