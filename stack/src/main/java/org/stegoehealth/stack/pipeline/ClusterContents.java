package org.stegoehealth.stack.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;

/**
 * Every record of every topic of one cluster, internal topics included, read from the beginning with
 * {@code read_uncommitted} (records of aborted transactions too) up to the end offsets at the start of the read:
 * what an operator of that cluster can see. Counts records per topic and hands each record to a visitor.
 */
public final class ClusterContents {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ClusterContents() {}

    /**
     * Reads the whole cluster that {@code config} points at.
     *
     * @param visitor sees every record as raw bytes (key, value, headers)
     * @return records per topic, by topic name (topics without records count 0)
     * @throws PipelineException when the cluster does not answer or the read takes over a minute
     */
    public static Map<String, Long> read(StegoConfig config, Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
        Map<String, Long> counts = new TreeMap<>();
        List<TopicPartition> partitions = new ArrayList<>();
        try (Admin admin = Admin.create(StreamsConfigs.admin(config))) {
            Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true))
                    .names()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            for (TopicDescription d : admin.describeTopics(names)
                    .allTopicNames()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .values()) {
                counts.put(d.name(), 0L);
                d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new PipelineException(
                    "cannot list the topics of " + config.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted while listing topics", e);
        }
        Properties p = StreamsConfigs.readCommittedConsumer(config, "unused");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new PipelineException("reading every record of " + config.bootstrapServers() + " took over "
                            + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        counts.merge(r.topic(), 1L, Long::sum);
                        visitor.accept(r);
                    }
                }
            }
        }
        return counts;
    }
}
