package org.stegoehealth.processors;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;

/**
 * The shape both inference topologies share: a raw-bytes source, a {@link BatchingProcessor} with its buffer store,
 * an output sink and a dead-letter sink. Extra children of the processor (e.g. a file writer) may be added after;
 * they receive the output events ({@code O}) only. An optional {@link OutputGate} sits between the processor and
 * the output sink and extra children: what it does not forward reaches neither.
 */
final class InferencePipeline {

    /** Processor and store names of one pipeline; names are part of the topology's contract (changelog topics). */
    record Names(String source, String processor, String bufferStore, String sink, String deadLetterSink) {}

    /** A processor with its own store between the batching processor and its outputs (the sink and extra children). */
    record OutputGate<O>(String name, ProcessorSupplier<String, O, String, O> processor, StoreBuilder<?> store) {}

    private InferencePipeline() {}

    static <I, O extends SpecificRecord> Topology addTo(
            Topology topology,
            Names names,
            String inputTopic,
            TopicSpec<String, O> output,
            Topics topics,
            BatchSettings settings,
            Supplier<BatchStage<I, O>> stages,
            List<String> extraOutputChildren) {
        return addTo(topology, names, inputTopic, output, topics, settings, stages, extraOutputChildren, null);
    }

    /**
     * As above, with {@code gate} (when not null) between the processor and its outputs: the extra children are then
     * to be added as children of the gate.
     */
    static <I, O extends SpecificRecord> Topology addTo(
            Topology topology,
            Names names,
            String inputTopic,
            TopicSpec<String, O> output,
            Topics topics,
            BatchSettings settings,
            Supplier<BatchStage<I, O>> stages,
            List<String> extraOutputChildren,
            OutputGate<O> gate) {
        List<String> outputChildren = new ArrayList<>();
        if (gate == null) {
            outputChildren.add(names.sink());
            outputChildren.addAll(extraOutputChildren);
        } else {
            outputChildren.add(gate.name());
        }
        String outputParent = gate == null ? names.processor() : gate.name();
        topology.addSource(names.source(), new ByteArrayDeserializer(), new ByteArrayDeserializer(), inputTopic);
        topology.addProcessor(
                names.processor(),
                () -> new BatchingProcessor<>(
                        names.bufferStore(), stages.get(), settings, outputChildren, names.deadLetterSink()),
                names.source());
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(names.bufferStore()),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withCachingDisabled(),
                names.processor());
        if (gate != null) {
            topology.addProcessor(gate.name(), gate.processor(), names.processor());
            topology.addStateStore(gate.store(), gate.name());
        }
        // the processor forwards O to the output sink and its extra children (or to the gate, which forwards to
        // them), dead letters to the dead-letter sink
        topology.addSink(
                names.sink(),
                output.name(),
                output.keySerde().serializer(),
                output.valueSerde().serializer(),
                outputParent);
        topology.addSink(
                names.deadLetterSink(),
                topics.deadLetters.name(),
                topics.deadLetters.keySerde().serializer(),
                topics.deadLetters.valueSerde().serializer(),
                names.processor());
        return topology;
    }
}
