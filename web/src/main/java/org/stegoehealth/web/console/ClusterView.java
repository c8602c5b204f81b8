package org.stegoehealth.web.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What one cluster holds, from Kafka's Admin client: each topic's record count and each consumer group's lag. */
public interface ClusterView extends AutoCloseable {

    /** One topic: records held (latest minus earliest offset, summed over partitions) and its partitions. */
    record TopicCount(String topic, long records, int partitions) {}

    /** The cluster's name on the page ({@code hospital}, {@code clinic}). */
    String name();

    /** Every topic but Kafka's internal ones, by name. */
    List<TopicCount> topics();

    /** Each consumer group's lag: latest offset minus committed offset, summed over the partitions it commits. */
    Map<String, Long> lag();

    @Override
    default void close() {}

    /** A view through an Admin client on {@code adminConfig}; each call waits {@code timeout} at most. */
    static ClusterView kafka(String name, Properties adminConfig, Duration timeout) {
        Admin admin = Admin.create(adminConfig);
        return new ClusterView() {
            @Override
            public String name() {
                return name;
            }

            private <T> T get(org.apache.kafka.common.KafkaFuture<T> f) {
                try {
                    return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "the " + name + " cluster: " + e.getCause().getMessage(), e);
                } catch (TimeoutException e) {
                    throw new IllegalStateException(
                            "the " + name + " cluster did not answer within " + timeout.toSeconds() + " s", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }

            private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
                Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
                partitions.forEach(p -> ask.put(p, spec));
                Map<TopicPartition, Long> out = new HashMap<>();
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> got =
                        get(admin.listOffsets(ask).all());
                got.forEach((p, info) -> out.put(p, info.offset()));
                return out;
            }

            @Override
            public List<TopicCount> topics() {
                Map<String, TopicDescription> described = get(
                        admin.describeTopics(get(admin.listTopics().names())).allTopicNames());
                List<TopicPartition> partitions = new ArrayList<>();
                described
                        .values()
                        .forEach(d -> d.partitions()
                                .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
                Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
                Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());
                Map<String, Long> records = new TreeMap<>();
                for (TopicPartition p : partitions) {
                    records.merge(p.topic(), latest.get(p) - earliest.get(p), Long::sum);
                }
                List<TopicCount> out = new ArrayList<>();
                records.forEach((t, n) -> out.add(
                        new TopicCount(t, n, described.get(t).partitions().size())));
                return out;
            }

            @Override
            public Map<String, Long> lag() {
                Map<String, Long> lag = new TreeMap<>();
                for (ConsumerGroupListing g : get(admin.listConsumerGroups().all())) {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            get(admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata());
                    committed.values().removeIf(java.util.Objects::isNull);
                    Map<TopicPartition, Long> latest =
                            offsets(new ArrayList<>(committed.keySet()), OffsetSpec.latest());
                    long sum = 0;
                    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                        sum += Math.max(
                                0,
                                latest.getOrDefault(e.getKey(), 0L)
                                        - e.getValue().offset());
                    }
                    lag.put(g.groupId(), sum);
                }
                return lag;
            }

            @Override
            public void close() {
                admin.close(Duration.ofSeconds(5));
            }
        };
    }
}
