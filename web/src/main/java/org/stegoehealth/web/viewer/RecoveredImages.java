package org.stegoehealth.web.viewer;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.Topics;

/**
 * The recovered X-rays' PNGs, read from the clinic's {@code recovered} topic when someone opens a study, so the
 * worklist holds only each study's description and where its record lies, however many studies the topic keeps. The
 * most recently arrived or opened PNGs stay in memory up to a byte budget ({@code viewer.image.cache.mb}); any other is
 * read again from the broker (one {@code read_committed} consumer, no group, one read at a time).
 */
public final class RecoveredImages implements AutoCloseable {

    /** How long a read may wait for the broker. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private static final Duration POLL = Duration.ofMillis(200);

    private final Properties consumerConfig;
    private final String topic;
    private final Topics topics;
    private final Cache cache;
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param consumerConfig a {@code read_committed} consumer's settings (StreamsConfigs.readCommittedConsumer)
     * @param cacheBytes how many PNG bytes stay in memory; 0 reads every image from the broker
     */
    public RecoveredImages(Properties consumerConfig, Topics topics, long cacheBytes) {
        this.consumerConfig = new Properties();
        this.consumerConfig.putAll(consumerConfig);
        this.consumerConfig.remove("group.id");
        this.consumerConfig.put("max.poll.records", "1"); // one image is read at a time
        this.topics = topics;
        this.topic = topics.recovered.name();
        this.cache = new Cache(cacheBytes);
    }

    /** Where a study's PNG is read from: the record at {@code offset} of partition {@code partition}. */
    public Study.PngSource at(int partition, long offset) {
        return () -> read(partition, offset);
    }

    /** Keeps {@code png}, just read by the feed, in memory while the budget allows. */
    void arrived(int partition, long offset, byte[] png) {
        cache.put(new TopicPartition(topic, partition), offset, png);
    }

    /** The PNG of the recovered record at {@code partition}/{@code offset}. */
    byte[] read(int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        byte[] kept = cache.get(tp, offset);
        return kept != null ? kept : fetch(tp, offset);
    }

    private synchronized byte[] fetch(TopicPartition tp, long offset) {
        byte[] kept = cache.get(tp, offset);
        if (kept != null) {
            return kept;
        }
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        consumer.assign(List.of(tp));
        long first = consumer.beginningOffsets(List.of(tp)).get(tp);
        if (offset < first) {
            throw new ImageGoneException(tp + "@" + offset + " has left the topic (its retention ended)");
        }
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() > offset || r.value() == null) {
                    throw new ImageGoneException(tp + "@" + offset + " is no longer on the topic");
                }
                if (r.offset() == offset) {
                    RecoveredImageEvent e =
                            topics.recovered.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    byte[] png = InputImages.bytes(e.getImage());
                    cache.put(tp, offset, png);
                    return png;
                }
            }
        }
        throw new IllegalStateException("the clinic's broker did not return " + tp + "@" + offset + " within "
                + READ_TIMEOUT.toSeconds() + " s");
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
            consumer = null;
        }
    }

    /** A recovered image whose record the topic no longer holds. */
    public static final class ImageGoneException extends RuntimeException {
        ImageGoneException(String message) {
            super(message);
        }
    }

    /** PNG bytes by record, least recently used out first once their total passes the budget. */
    static final class Cache {
        private record Key(TopicPartition partition, long offset) {}

        private final long budget;
        private final Map<Key, byte[]> entries = new LinkedHashMap<>(64, 0.75f, true);
        private long bytes;

        Cache(long budget) {
            if (budget < 0) {
                throw new IllegalArgumentException("the image cache budget cannot be negative");
            }
            this.budget = budget;
        }

        synchronized byte[] get(TopicPartition tp, long offset) {
            return entries.get(new Key(tp, offset));
        }

        synchronized void put(TopicPartition tp, long offset, byte[] png) {
            if (png.length > budget) {
                return;
            }
            byte[] before = entries.put(new Key(tp, offset), png);
            bytes += png.length - (before == null ? 0 : before.length);
            Iterator<byte[]> oldest = entries.values().iterator();
            while (bytes > budget && oldest.hasNext()) {
                bytes -= oldest.next().length;
                oldest.remove();
            }
        }

        synchronized long bytes() {
            return bytes;
        }

        synchronized int size() {
            return entries.size();
        }
    }
}
