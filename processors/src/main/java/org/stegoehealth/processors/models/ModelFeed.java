package org.stegoehealth.processors.models;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.errors.StegoException;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;

/**
 * Reads the model and promotion topics from the beginning into a {@link ModelRegistry} and then follows them, on
 * its own thread. It commits nothing: every start replays the compacted topics, which hold one record per version
 * and one promotion. A record that does not deserialise is refused like a bad signature: one log line, nothing
 * changes; while the schema registry cannot be reached, the record is read again after a pause.
 */
public final class ModelFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration OUTAGE_PAUSE = Duration.ofSeconds(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final ModelRegistry registry;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    /** @param consumerConfig consumer settings (bootstrap servers, fetch sizes, TLS); group and offsets are unused */
    public ModelFeed(Properties consumerConfig, Topics topics, ModelRegistry registry) {
        Properties p = new Properties();
        p.putAll(consumerConfig);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.registry = registry;
        this.thread = new Thread(this::run, "model-feed");
        thread.setDaemon(true);
    }

    /** Reads everything published so far, then keeps following on a background thread. */
    public ModelFeed start(Duration catchUpTimeout) {
        catchUp(catchUpTimeout);
        thread.start();
        return this;
    }

    /** Reads everything published so far (for one-shot readers such as the command line). */
    public ModelFeed catchUp(Duration catchUpTimeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.models.name(), topics.promotions.name())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, catchUpTimeout);
            if (infos == null || infos.isEmpty()) {
                throw new ModelTopicException("topic " + topic + " does not exist (run `stego topics create`)");
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, catchUpTimeout));
        long deadline = System.nanoTime() + catchUpTimeout.toNanos();
        while (!reached(end) && System.nanoTime() < deadline) {
            poll();
        }
        if (!reached(end)) {
            throw new ModelTopicException(
                    "could not read the model topics within " + catchUpTimeout.toSeconds() + " s");
        }
        caughtUp.countDown();
        LOG.info(
                "model feed caught up: {} versions, promoted {}",
                registry.versions().size(),
                registry.promotedVersion().orElse("none"));
        return this;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void run() {
        try {
            while (running) {
                poll();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("model feed stopped: {}", e.toString());
        } finally {
            consumer.close();
        }
    }

    private void poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
            if (!handle(r)) {
                // the registry could not be reached: read this record again after a pause, lose nothing
                consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
                pause();
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(OUTAGE_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return false when the record must be read again (an outage of the schema registry) */
    private boolean handle(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return true; // a tombstone: compaction removes the version from the topic; the cache keeps it
        }
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        try {
            if (r.topic().equals(topics.models.name())) {
                ModelEvent event = topics.models.valueSerde().deserializer().deserialize(r.topic(), r.value());
                registry.accept(key, event);
            } else {
                ModelPromotionEvent event =
                        topics.promotions.valueSerde().deserializer().deserialize(r.topic(), r.value());
                registry.accept(event);
            }
        } catch (RuntimeException e) {
            if (StegoException.isOutage(e)) {
                LOG.warn(
                        "cannot read {}-{}@{} now ({}); retrying in {} s",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        e.getMessage(),
                        OUTAGE_PAUSE.toSeconds());
                return false;
            }
            LOG.warn(
                    "refused record {}-{}@{}: {}; keeping the versions already held",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
        }
        return true;
    }

    /**
     * Reads a whole topic once, from the beginning to the end offsets found at the start (the training-round
     * history, for example).
     */
    public static <V> List<V> readAll(Properties consumerConfig, TopicSpec<String, V> spec, Duration timeout) {
        return readAll(consumerConfig, spec, timeout, v -> v);
    }

    /**
     * As {@link #readAll(Properties, TopicSpec, Duration)}, keeping only {@code keep} of each value: a summary of
     * records too large to hold all at once (stego images).
     */
    public static <V, T> List<T> readAll(
            Properties consumerConfig, TopicSpec<String, V> spec, Duration timeout, Function<V, T> keep) {
        Properties p = new Properties();
        p.putAll(consumerConfig);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(spec.name(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new ModelTopicException("topic " + spec.name() + " does not exist (run `stego topics create`)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new ModelTopicException(
                            "could not read " + spec.name() + " within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.value() != null) {
                        out.add(keep.apply(spec.valueSerde().deserializer().deserialize(r.topic(), r.value())));
                    }
                }
            }
        }
        return out;
    }

    /** Waits until the initial catch-up is done. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            consumer.wakeup();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close();
        }
    }
}
