package org.stegoehealth.web.viewer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.ReceiptKind;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.Topics;

/**
 * Keeps a {@link StudyIndex} up to date from the clinic's topics: every recovered X-ray (its description, with its
 * PNG read through {@link RecoveredImages}), every dead letter of a stego
 * image (the extractor's refusals, with their reasons), the model events for {@link ModelQuality}, and the studies
 * already reviewed (the REVIEWED receipts, for {@link Reviews}). One consumer
 * thread reads all partitions from the start ({@code read_committed}: only what the extractor committed), without a
 * consumer group, so each viewer instance holds the whole worklist and commits nothing.
 */
public final class ClinicFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClinicFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final StudyIndex index;
    private final RecoveredImages images;
    private final ModelQuality models;
    private final Reviews reviews;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;

    /** @param consumerConfig a {@code read_committed} consumer's settings (StreamsConfigs.readCommittedConsumer) */
    public ClinicFeed(
            Properties consumerConfig,
            Topics topics,
            StudyIndex index,
            RecoveredImages images,
            ModelQuality models,
            Reviews reviews) {
        Properties p = new Properties();
        p.putAll(consumerConfig);
        p.remove("group.id");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.index = index;
        this.images = images;
        this.models = models;
        this.reviews = reviews;
        this.thread = new Thread(this::run, "stego-viewer-feed");
        this.thread.setDaemon(true);
    }

    public ClinicFeed start() {
        thread.start();
        return this;
    }

    /** Waits until everything on the topics when the feed started is in the index. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            LOG.info("reading {} partitions of the clinic's topics", partitions.size());
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    accept(r);
                }
                if (caughtUp.getCount() > 0
                        && partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                    LOG.info("worklist loaded: {} studies", index.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("the worklist stopped following the clinic's topics: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The partitions of the four topics, waiting (and saying so every 10 s) for topics not created yet. */
    private List<TopicPartition> awaitPartitions() {
        List<String> names = List.of(
                topics.recovered.name(), topics.deadLetters.name(), topics.models.name(), topics.receipts.name());
        long lastSaid = 0;
        while (running) {
            List<TopicPartition> all = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String name : names) {
                List<PartitionInfo> infos = consumer.partitionsFor(name, Duration.ofSeconds(10));
                if (infos == null || infos.isEmpty()) {
                    missing.add(name);
                } else {
                    infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
                }
            }
            if (missing.isEmpty()) {
                return all;
            }
            if (System.currentTimeMillis() - lastSaid > 10_000) {
                LOG.warn("waiting for topics {} (create them with 'stego topics create --side clinic')", missing);
                lastSaid = System.currentTimeMillis();
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    void accept(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            if (r.topic().equals(topics.recovered.name())) {
                RecoveredImageEvent e =
                        topics.recovered.valueSerde().deserializer().deserialize(r.topic(), r.value());
                byte[] png = InputImages.bytes(e.getImage());
                images.arrived(r.partition(), r.offset(), png);
                index.add(Study.recovered(
                        e.getMessageId(),
                        e.getStudyRef(),
                        e.getRecoveredAt(),
                        e.getHidingMethod(),
                        e.getModelVersion(),
                        e.getWidth(),
                        e.getHeight(),
                        e.getChannels(),
                        e.getBitDepth(),
                        images.at(r.partition(), r.offset())));
            } else if (r.topic().equals(topics.deadLetters.name())) {
                DeadLetterEvent e =
                        topics.deadLetters.valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (!e.getSourceTopic().equals(topics.stego.name())) {
                    return; // the hospital's own failures (X-rays, covers) when both share a cluster
                }
                String key = e.getKey() == null
                        ? null
                        : StandardCharsets.UTF_8.decode(e.getKey().duplicate()).toString();
                index.add(
                        Study.failed(r.partition(), r.offset(), key, e.getFailedAt(), e.getErrorType(), e.getReason()));
            } else if (r.topic().equals(topics.receipts.name())) {
                ReceiptEvent e = topics.receipts.valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (e.getKind() == ReceiptKind.REVIEWED) {
                    reviews.reviewedBefore(e.getMessageId());
                }
            } else if (r.topic().equals(topics.models.name())) {
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                models.accept(key, topics.models.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            }
        } catch (RuntimeException e) {
            LOG.warn("{}-{}@{} left out of the worklist: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        if (!thread.isAlive()) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
