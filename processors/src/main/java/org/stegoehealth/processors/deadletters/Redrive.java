package org.stegoehealth.processors.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.stegoehealth.processors.DeadLetters;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.admin.TopicRange;
import org.stegoehealth.processors.models.ModelTopicException;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.DeadLetterReplayEvent;
import org.stegoehealth.schemas.Topics;

/**
 * Re-publishes dead letters' original key and value to the topic they came from, once each: every redrive is recorded
 * on the dead-letter-replays topic under the dead letter's key, and a dead letter whose key is recorded there is
 * skipped. Redacted dead letters hold no original bytes and are never re-published; those that failed
 * authentication go back only if they pass {@link Reverification} now. A dry run decides the same way and publishes
 * nothing. Used by {@code stego dead-letters replay} and the hospital console.
 */
public final class Redrive {

    /** What became of one dead letter. */
    public enum Result {
        REPUBLISHED,
        WOULD_REPUBLISH,
        ALREADY_REPLAYED,
        REDACTED,
        UNVERIFIED
    }

    /** One dead letter's result, with why when it was not re-published, and where it went when it was. */
    public record Outcome(String key, DeadLetterEvent letter, Result result, String note, long newOffset) {}

    /** Every matching dead letter's outcome, in the order read. */
    public record Report(List<Outcome> outcomes, boolean dryRun) {
        public long count(Result r) {
            return outcomes.stream().filter(o -> o.result() == r).count();
        }
    }

    /** Where a redrive writes: the record to its source topic, then the mark on the replays topic. */
    public interface Publisher {
        /** Publishes {@code value} under {@code key} to {@code topic}, acknowledged; returns its offset. */
        long publish(String topic, byte[] key, byte[] value);

        /** Records that the dead letter {@code mark.deadLetterKey} was re-published. */
        void recordReplay(DeadLetterReplayEvent mark);
    }

    private Redrive() {}

    /** The key of a dead letter: application, source topic, partition and offset ({@link DeadLetters#key}). */
    public static String key(DeadLetterEvent d) {
        return DeadLetters.key(d);
    }

    /** The key replays were recorded under before dead letters named their application; counts for every one. */
    public static String legacyKey(DeadLetterEvent d) {
        return d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset();
    }

    public static boolean replayedBefore(Set<String> replayed, DeadLetterEvent d) {
        return replayed.contains(key(d)) || replayed.contains(legacyKey(d));
    }

    /** Whether {@code d} is of category {@code reason} (any, when null) and failed at or after {@code since}. */
    public static Predicate<DeadLetterEvent> filter(String reason, Instant since) {
        return d -> (reason == null || reason.equalsIgnoreCase(d.getErrorType()))
                && (since == null || !d.getFailedAt().isBefore(since));
    }

    /** The dead letters on the dead-letter topic that {@code which} accepts, oldest first; unreadable ones skipped. */
    public static List<DeadLetterEvent> read(StegoConfig config, Topics topics, Predicate<DeadLetterEvent> which) {
        List<DeadLetterEvent> letters = new ArrayList<>();
        new TopicRange(null, null, null, null, 0)
                .read(
                        StreamsConfigs.readCommittedConsumer(config, "dead-letters"),
                        topics.deadLetters.name(),
                        r -> r.value() != null,
                        r -> {
                            DeadLetterEvent d;
                            try {
                                d = topics.deadLetters
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value());
                            } catch (RuntimeException e) {
                                return;
                            }
                            if (which.test(d)) {
                                letters.add(d);
                            }
                        });
        return letters;
    }

    /** The keys of the dead letters re-published so far (the dead-letter-replays topic). */
    public static Set<String> replayed(StegoConfig config, Topics topics) {
        Set<String> keys = new HashSet<>();
        new TopicRange(null, null, null, null, 0)
                .read(
                        StreamsConfigs.readCommittedConsumer(config, "dead-letters"),
                        topics.deadLetterReplays.name(),
                        r -> r.value() != null,
                        r -> keys.add(topics.deadLetterReplays
                                .valueSerde()
                                .deserializer()
                                .deserialize(r.topic(), r.value())
                                .getDeadLetterKey()));
        return keys;
    }

    /**
     * Redrives {@code letters}: each not yet in {@code replayed} (which the real run adds to) is re-published once and
     * marked, unless redacted or failing verification again.
     *
     * @param reverification made only when a letter failed authentication (it needs this party's keys)
     * @param dryRun         decide and report, publish nothing
     */
    public static Report run(
            List<DeadLetterEvent> letters,
            Set<String> replayed,
            Supplier<Reverification> reverification,
            Publisher publisher,
            String by,
            Clock clock,
            boolean dryRun) {
        Set<String> done = new HashSet<>(replayed);
        Reverification check = null;
        List<Outcome> outcomes = new ArrayList<>();
        for (DeadLetterEvent d : letters) {
            String key = key(d);
            if (d.getRedacted()) {
                outcomes.add(new Outcome(
                        key,
                        d,
                        Result.REDACTED,
                        "a redacted dead letter (dead.letters.redact=true) keeps only the SHA-256 " + d.getValueSha256()
                                + " and size (" + d.getValueSize() + " bytes) of the original, not its bytes; the"
                                + " original is at that offset of " + d.getSourceTopic() + " while the topic keeps it",
                        -1));
                continue;
            }
            if (replayedBefore(done, d)) {
                outcomes.add(new Outcome(key, d, Result.ALREADY_REPLAYED, "already replayed before", -1));
                continue;
            }
            if (Reverification.needed(d)) {
                if (check == null) {
                    check = reverification.get();
                }
                Optional<String> refusal = check.refusal(d);
                if (refusal.isPresent()) {
                    outcomes.add(new Outcome(
                            key, d, Result.UNVERIFIED, "it fails verification again: " + refusal.get(), -1));
                    continue;
                }
            }
            done.add(key);
            if (dryRun) {
                outcomes.add(new Outcome(key, d, Result.WOULD_REPUBLISH, "", -1));
                continue;
            }
            byte[] k = d.getKey() == null ? null : InputImages.bytes(d.getKey());
            byte[] v = d.getValue() == null ? null : InputImages.bytes(d.getValue());
            long offset = publisher.publish(d.getSourceTopic(), k, v);
            publisher.recordReplay(DeadLetterReplayEvent.newBuilder()
                    .setDeadLetterKey(key)
                    .setErrorType(d.getErrorType())
                    .setSourceTopic(d.getSourceTopic())
                    .setNewOffset(offset)
                    .setReplayedBy(by)
                    .setReplayedAt(clock.instant())
                    .build());
            outcomes.add(new Outcome(key, d, Result.REPUBLISHED, "", offset));
        }
        return new Report(List.copyOf(outcomes), dryRun);
    }

    /** A publisher on {@code producer}: each send waits for its acknowledgement (60 s at most). */
    public static Publisher kafka(KafkaProducer<byte[], byte[]> producer, Topics topics) {
        return new Publisher() {
            @Override
            public long publish(String topic, byte[] key, byte[] value) {
                return send(producer, new ProducerRecord<>(topic, key, value)).offset();
            }

            @Override
            public void recordReplay(DeadLetterReplayEvent mark) {
                String name = topics.deadLetterReplays.name();
                send(
                        producer,
                        new ProducerRecord<>(
                                name,
                                mark.getDeadLetterKey().getBytes(StandardCharsets.UTF_8),
                                topics.deadLetterReplays
                                        .valueSerde()
                                        .serializer()
                                        .serialize(name, mark)));
            }
        };
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> r) {
        try {
            return producer.send(r).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ModelTopicException(
                    "cannot write to " + r.topic() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ModelTopicException("writing to " + r.topic() + " took over 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelTopicException("interrupted while writing to " + r.topic(), e);
        }
    }
}
