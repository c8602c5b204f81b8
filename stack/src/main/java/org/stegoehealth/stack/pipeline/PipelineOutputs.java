package org.stegoehealth.stack.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;

/**
 * What comes out of the pipeline, read as a downstream consumer sees it: one {@code read_committed} consumer on the
 * stego, recovered and dead-letter topics, so only records of committed transactions count. Every recovered record is
 * counted per message id (exactly-once means each count is 1; a record at an offset already read, re-read after a
 * rebalance, is not counted again) and stamped with the time it was read.
 * With two clusters it reads the stego, recovered and dead-letter topics at the clinic (the stego images as
 * MirrorMaker 2 delivered them) and the dead letters of the hospital's cluster too.
 * Not thread-safe: poll and read from one thread.
 */
public final class PipelineOutputs implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    /** One consumer on one cluster, and the next offset it has not read yet per partition. */
    private record Reader(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> nextOffsets) {}

    private final Topics topics;
    private final List<Reader> readers = new ArrayList<>();
    private final Map<String, StegoImageEvent> stego = new HashMap<>();
    private final Map<String, Integer> stegoRecordBytes = new HashMap<>();
    private final Map<String, RecoveredImageEvent> recovered = new HashMap<>();
    private final Map<String, Integer> recoveredCounts = new HashMap<>();
    private final Map<String, Long> recoveredAtNanos = new HashMap<>();
    private final List<DeadLetterEvent> deadLetters = new ArrayList<>();
    private final List<Arrival> stegoArrivals = new ArrayList<>();
    private final List<Arrival> recoveredArrivals = new ArrayList<>();

    /**
     * One record read: its message id, when the application that wrote it says it did (the stego event's
     * {@code createdAt}, the recovered event's {@code recoveredAt}), and {@link System#nanoTime()} when it was read.
     */
    public record Arrival(String messageId, Instant writtenAt, long readNanos) {}

    public PipelineOutputs(StegoConfig config, Topics topics, String groupId) {
        this(config, config, topics, groupId);
    }

    /** The outputs of a run on two clusters (the same when {@code hospital} and {@code clinic} name one). */
    public PipelineOutputs(PipelineCluster cluster, String groupId) {
        this(cluster.clinicConfig(), cluster.config(), cluster.topics(), groupId);
    }

    private PipelineOutputs(StegoConfig clinic, StegoConfig hospital, Topics topics, String groupId) {
        this.topics = topics;
        readers.add(reader(
                clinic, groupId, List.of(topics.stego.name(), topics.recovered.name(), topics.deadLetters.name())));
        if (!hospital.bootstrapServers().equals(clinic.bootstrapServers())) {
            readers.add(reader(hospital, groupId, List.of(topics.deadLetters.name())));
        }
    }

    private static Reader reader(StegoConfig config, String groupId, List<String> names) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                StreamsConfigs.readCommittedConsumer(config, groupId),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(names);
        return new Reader(consumer, new HashMap<>());
    }

    /** Reads what is there (waiting at most {@code timeout} for the first records, in all on every cluster). */
    public void poll(Duration timeout) {
        Duration each = timeout.dividedBy(readers.size());
        for (Reader reader : readers) {
            poll(reader, each);
        }
    }

    private void poll(Reader reader, Duration timeout) {
        for (ConsumerRecord<String, byte[]> r : reader.consumer().poll(timeout)) {
            // this reader commits no offsets, so a rebalance (a broker restart) reads from the start again: a record
            // at an offset already read is that re-read, not a duplicate
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.offset() < reader.nextOffsets().getOrDefault(tp, 0L)) {
                continue;
            }
            reader.nextOffsets().put(tp, r.offset() + 1);
            long now = System.nanoTime();
            if (r.topic().equals(topics.recovered.name())) {
                RecoveredImageEvent event =
                        topics.recovered.valueSerde().deserializer().deserialize(r.topic(), r.value());
                recovered.put(event.getMessageId(), event);
                recoveredCounts.merge(event.getMessageId(), 1, Integer::sum);
                recoveredAtNanos.putIfAbsent(event.getMessageId(), now);
                recoveredArrivals.add(new Arrival(event.getMessageId(), event.getRecoveredAt(), now));
            } else if (r.topic().equals(topics.stego.name())) {
                StegoImageEvent event = topics.stego.valueSerde().deserializer().deserialize(r.topic(), r.value());
                stego.put(event.getMessageId(), event);
                stegoRecordBytes.put(event.getMessageId(), r.value().length);
                stegoArrivals.add(new Arrival(event.getMessageId(), event.getCreatedAt(), now));
            } else {
                deadLetters.add(topics.deadLetters.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            }
        }
    }

    /**
     * Polls until every id in {@code ids} has been recovered, showing progress.
     *
     * @param healthCheck run between polls; throws when the pipeline has stopped
     * @throws PipelineException when one of {@code ids} is dead-lettered, or on timeout (naming how many are missing)
     */
    public void awaitRecovered(Collection<String> ids, Duration timeout, Progress progress, Runnable healthCheck) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        Set<String> wanted = Set.copyOf(ids);
        while (true) {
            long done = wanted.stream().filter(recovered::containsKey).count();
            if (progress != null) {
                progress.update("recovering X-rays", done, wanted.size(), "");
            }
            if (done == wanted.size()) {
                return;
            }
            for (DeadLetterEvent d : deadLetters) {
                String key = originalKey(d);
                if (key != null && wanted.contains(key)) {
                    throw new PipelineException("X-ray " + key + " was dead-lettered by the " + d.getApplication()
                            + " (" + d.getErrorType() + "): " + d.getReason());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new PipelineException(
                        (wanted.size() - done) + " of " + wanted.size() + " X-rays not recovered within "
                                + timeout.toSeconds() + " s; the applications' log lines above say where they are");
            }
            healthCheck.run();
            poll(POLL);
        }
    }

    /** The key of the record a dead letter stands for (the message id of an X-ray or stego record), if any. */
    public static String originalKey(DeadLetterEvent d) {
        if (d.getKey() == null) {
            return null;
        }
        return new String(InputImages.bytes(d.getKey()), StandardCharsets.UTF_8);
    }

    public Map<String, StegoImageEvent> stego() {
        return stego;
    }

    /** The size of each message id's stego record as it crossed: the serialised value, image and signature included. */
    public Map<String, Integer> stegoRecordBytes() {
        return stegoRecordBytes;
    }

    public Map<String, RecoveredImageEvent> recovered() {
        return recovered;
    }

    /** How many recovered records each message id has had; exactly-once processing gives 1 for every id. */
    public Map<String, Integer> recoveredCounts() {
        return recoveredCounts;
    }

    /** {@link System#nanoTime()} when each message id's recovered record was first read. */
    public Map<String, Long> recoveredAtNanos() {
        return recoveredAtNanos;
    }

    /** Every stego record read, in the order read (the embedder's output). */
    public List<Arrival> stegoArrivals() {
        return stegoArrivals;
    }

    /** Every recovered record read, in the order read (the extractor's output). */
    public List<Arrival> recoveredArrivals() {
        return recoveredArrivals;
    }

    public List<DeadLetterEvent> deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        readers.forEach(r -> r.consumer().close());
    }
}
