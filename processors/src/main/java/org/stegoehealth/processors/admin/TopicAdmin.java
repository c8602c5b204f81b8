package org.stegoehealth.processors.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;

/**
 * Creates the topics of the catalog on a cluster: each with its partitions, cleanup policy and retention, and a
 * {@code max.message.bytes} large enough for whole images (brokers default to 1 MB). Topics that already exist are
 * left as they are, so creating twice is harmless.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long TIMEOUT_S = 30;

    /** What a call did: topics created now, and topics that were there already. */
    public record Outcome(List<String> created, List<String> existing) {}

    private TopicAdmin() {}

    /**
     * @param adminConfig     admin client settings (bootstrap servers, TLS/SASL)
     * @param replicas        replication factor, or empty for the broker's default
     * @param maxMessageBytes topic-level {@code max.message.bytes} of every topic
     * @throws TopicAdminException with one line naming the topic when the cluster refuses or does not answer
     */
    public static Outcome create(Properties adminConfig, Topics topics, Optional<Short> replicas, int maxMessageBytes) {
        return create(adminConfig, topics.all(), replicas, maxMessageBytes);
    }

    /**
     * Waits until the leader of every partition of {@code topics} serves it. Metadata names a new partition's leader
     * before that broker has taken the partition on, and a first write in between is refused with
     * NOT_LEADER_OR_FOLLOWER: an idempotent producer whose later request was written meanwhile then retries the
     * refused one with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout, and those records are not written
     * (KAFKA-15591, in Kafka 4.1.1). A partition whose leader answers ListOffsets takes writes.
     */
    private static void awaitLeaders(Admin admin, List<NewTopic> topics) {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (NewTopic topic : topics) {
            for (int p = 0; p < topic.numPartitions(); p++) {
                partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
        }
        if (partitions.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (true) {
            Throwable why;
            try {
                admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(5_000))
                        .all()
                        .get(TIMEOUT_S, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                why = e.getCause(); // not served yet: ask again
            } catch (TimeoutException e) {
                why = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicAdminException("interrupted while waiting for the topics' leaders", e);
            }
            if (System.nanoTime() > deadline) {
                throw new TopicAdminException(
                        "the new partitions of "
                                + topics.stream().map(NewTopic::name).toList()
                                + " are not served by a leader after " + TIMEOUT_S
                                + " s: is every broker of the cluster up? (" + why.getMessage() + ")",
                        why);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicAdminException("interrupted while waiting for the topics' leaders", e);
            }
        }
    }

    /** As {@link #create(Properties, Topics, Optional, int)} for some topics of the catalog only. */
    public static Outcome create(
            Properties adminConfig, List<TopicSpec<?, ?>> specs, Optional<Short> replicas, int maxMessageBytes) {
        long started = System.nanoTime();
        List<NewTopic> newTopics = new ArrayList<>();
        for (TopicSpec<?, ?> spec : specs) {
            Map<String, String> configs = new HashMap<>(spec.configs());
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(spec.maxMessageBytes(maxMessageBytes)));
            newTopics.add(new NewTopic(spec.name(), Optional.of(spec.partitions()), replicas).configs(configs));
        }
        List<NewTopic> createdTopics = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        try (Admin admin = Admin.create(adminConfig)) {
            Map<String, KafkaFuture<Void>> results =
                    admin.createTopics(newTopics).values();
            for (NewTopic topic : newTopics) {
                try {
                    results.get(topic.name()).get(TIMEOUT_S, TimeUnit.SECONDS);
                    createdTopics.add(topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new TopicAdminException(
                                "cannot create topic " + topic.name() + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                    existing.add(topic.name());
                } catch (TimeoutException e) {
                    throw new TopicAdminException(
                            "creating topic " + topic.name() + " took over " + TIMEOUT_S + " s: is the cluster at "
                                    + adminConfig.get("bootstrap.servers") + " reachable?",
                            e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TopicAdminException("interrupted while creating topics", e);
                }
            }
            awaitLeaders(admin, createdTopics);
        }
        List<String> created = createdTopics.stream().map(NewTopic::name).toList();
        LOG.info(
                "Created {} of {} topics in {} ms: {}{}",
                created.size(),
                newTopics.size(),
                (System.nanoTime() - started) / 1_000_000,
                created,
                existing.isEmpty() ? "" : " (already there: " + existing + ")");
        return new Outcome(created, existing);
    }
}
