package org.stegoehealth.processors.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.stegoehealth.processors.models.ModelTopicException;

/**
 * A bounded range of one topic, read without a consumer group (nothing is committed, nothing is written): from an
 * offset or a time, up to an offset, a time, the end offsets found at the start, or a record count.
 *
 * @param fromOffset first offset of every partition to read (null: from {@code since}, else the beginning)
 * @param toOffset   offsets at or past this end the range (null: no offset bound)
 * @param since      read records from this time on (null: no time bound)
 * @param until      stop at records after this time (null: no time bound)
 * @param limit      at most this many records (0: no limit)
 */
public record TopicRange(Long fromOffset, Long toOffset, Instant since, Instant until, int limit) {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What a read saw, for progress lines and reports. */
    public interface Sink {
        void accept(ConsumerRecord<byte[], byte[]> record);
    }

    /**
     * Reads the range of {@code topic}, handing every record that passes {@code keep} to {@code sink}.
     *
     * @return records handed on
     */
    public int read(
            Properties consumerConfig, String topic, Predicate<ConsumerRecord<byte[], byte[]>> keep, Sink sink) {
        Properties p = new Properties();
        p.putAll(consumerConfig);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        int taken = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new ModelTopicException("topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            consumer.seekToBeginning(partitions);
            if (fromOffset != null) {
                partitions.forEach(tp -> consumer.seek(tp, fromOffset));
            } else if (since != null) {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(tp -> query.put(tp, since.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, TIMEOUT);
                for (TopicPartition tp : partitions) {
                    OffsetAndTimestamp o = found.get(tp);
                    consumer.seek(tp, o == null ? end.get(tp) : o.offset());
                }
            }
            if (toOffset != null) {
                end.replaceAll((tp, e) -> Math.min(e, toOffset));
            }
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    if (until != null && r.timestamp() > until.toEpochMilli()) {
                        end.put(tp, r.offset());
                        continue;
                    }
                    if (keep.test(r)) {
                        sink.accept(r);
                        taken++;
                        if (limit > 0 && taken >= limit) {
                            return taken;
                        }
                    }
                }
            }
        }
        return taken;
    }
}
