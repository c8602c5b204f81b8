package org.stegoehealth.ops.deadletters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.stegoehealth.processors.DeadLetters;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.admin.TopicRange;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.models.ModelTopicException;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.DeadLetterReplayEvent;
import org.stegoehealth.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stego dead-letters}: what was set aside, and putting it back once its cause is fixed. */
@Command(
        name = "dead-letters",
        mixinStandardHelpOptions = true,
        description = {
            "List dead letters, or re-publish their original key and value to the topic they came from",
            "(for example after a missing model version arrived). Each dead letter is re-published once.",
            "Records that failed authentication (TAMPERED, NOT_FOR_THIS_CLINIC) go back only when asked for by",
            "that reason and only if they pass verification again, with this keyring, now."
        },
        subcommands = {DeadLettersCommand.ListLetters.class, DeadLettersCommand.Replay.class})
public final class DeadLettersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Which dead letters: {@code --reason} and {@code --since}. */
    static final class Filter {
        @Mixin
        CommonOptions common;

        @Option(
                names = "--since",
                paramLabel = "TIME",
                description = "Only those that failed at or after TIME (ISO-8601).")
        Instant since;

        List<DeadLetterEvent> read(StegoConfig config, Topics topics, String reason) {
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
                                if ((reason == null || reason.equalsIgnoreCase(d.getErrorType()))
                                        && (since == null || !d.getFailedAt().isBefore(since))) {
                                    letters.add(d);
                                }
                            });
            return letters;
        }
    }

    static String keyOf(DeadLetterEvent d) {
        return DeadLetters.key(d);
    }

    /** The key replays were recorded under before dead letters named their application; counts for every one. */
    static String legacyKeyOf(DeadLetterEvent d) {
        return d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset();
    }

    static boolean replayedBefore(Set<String> replayed, DeadLetterEvent d) {
        return replayed.contains(keyOf(d)) || replayed.contains(legacyKeyOf(d));
    }

    /** {@code stego dead-letters list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest first.")
    static final class ListLetters implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Filter filter;

        @Option(names = "--reason", paramLabel = "R", description = "Only this category (e.g. UNKNOWN_MODEL, DECODE).")
        String reason;

        @Override
        public Integer call() {
            StegoConfig config = filter.common.load(Map.of());
            Topics topics = CommonOptions.topics(config);
            List<DeadLetterEvent> letters = filter.read(config, topics, reason);
            Set<String> replayed = Replay.replayed(config, topics);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "%-24s %-15s %-40s %-20s %-9s %s%n",
                    "FAILED", "CATEGORY", "SOURCE", "APPLICATION", "REPLAYED", "REASON");
            for (DeadLetterEvent d : letters) {
                out.printf(
                        "%-24s %-15s %-40s %-20s %-9s %s%n",
                        d.getFailedAt(),
                        d.getErrorType(),
                        keyOf(d),
                        d.getApplication(),
                        d.getRedacted() ? "redacted" : replayedBefore(replayed, d) ? "yes" : "no",
                        d.getReason());
            }
            out.printf("%d dead letter(s)%n", letters.size());
            return 0;
        }
    }

    /** {@code stego dead-letters replay}. */
    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = "Re-publish the original key and value of each matching dead letter to its source topic,"
                    + " once (replays are recorded on the dead-letter-replays topic). Records that failed"
                    + " authentication (--reason TAMPERED or NOT_FOR_THIS_CLINIC) are verified again first, with the"
                    + " keyring (the hospital's signature, for this clinic) and re-published only if they pass."
                    + " Redacted dead letters (dead.letters.redact=true) hold no original bytes and cannot be"
                    + " replayed. What is not replayed is named and the exit code is 1.")
    static final class Replay implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Filter filter;

        @Option(
                names = "--reason",
                paramLabel = "R",
                required = true,
                description = "The category to replay (e.g. UNKNOWN_MODEL).")
        String reason;

        @Option(names = "--by", paramLabel = "NAME", description = "Who replays (default: the user name).")
        String by;

        @Option(
                names = {"-k", "--keyring"},
                paramLabel = "DIR",
                description = "With --reason TAMPERED or NOT_FOR_THIS_CLINIC: the clinic's keyring that verifies the"
                        + " records again (default: keyring.dir; the hospital is hospital.id or the one party it"
                        + " trusts).")
        Path keyring;

        static Set<String> replayed(StegoConfig config, Topics topics) {
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

        @Override
        public Integer call() {
            Map<String, String> extra = new HashMap<>();
            if (keyring != null) {
                extra.put(StegoConfig.KEYRING_DIR, keyring.toString());
            }
            StegoConfig config = filter.common.load(extra);
            Topics topics = CommonOptions.topics(config);
            List<DeadLetterEvent> letters = filter.read(config, topics, reason);
            Set<String> done = replayed(config, topics);
            // only for what failed authentication, and only when asked for by that reason (the filter): keys first
            Reverification reverification = letters.stream().anyMatch(Reverification::needed)
                    ? new Reverification(topics, TransferSecurity.from(config, TransferSecurity.Site.CLINIC))
                    : null;
            String who = by != null ? by : System.getProperty("user.name", "ops");
            int count = 0;
            int skipped = 0;
            int redacted = 0;
            int unverified = 0;
            PrintWriter err = spec.commandLine().getErr();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    StreamsConfigs.producer(config, "stego-dead-letter-replay"),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (DeadLetterEvent d : letters) {
                    String key = keyOf(d);
                    if (d.getRedacted()) {
                        redacted++;
                        err.printf(
                                "cannot replay %s: a redacted dead letter (dead.letters.redact=true) keeps only the"
                                        + " SHA-256 %s and size (%d bytes) of the original, not its bytes; the original"
                                        + " is at that offset of %s while the topic keeps it%n",
                                key, d.getValueSha256(), d.getValueSize(), d.getSourceTopic());
                        continue;
                    }
                    if (replayedBefore(done, d)) {
                        skipped++;
                        continue;
                    }
                    if (Reverification.needed(d)) {
                        Optional<String> refusal = reverification.refusal(d);
                        if (refusal.isPresent()) {
                            unverified++;
                            err.printf(
                                    "not replaying %s (%s): it fails verification again: %s%n",
                                    key, d.getErrorType(), refusal.get());
                            continue;
                        }
                    }
                    done.add(key);
                    byte[] k = d.getKey() == null ? null : InputImages.bytes(d.getKey());
                    byte[] v = d.getValue() == null ? null : InputImages.bytes(d.getValue());
                    RecordMetadata sent = send(producer, new ProducerRecord<>(d.getSourceTopic(), k, v));
                    DeadLetterReplayEvent mark = DeadLetterReplayEvent.newBuilder()
                            .setDeadLetterKey(key)
                            .setErrorType(d.getErrorType())
                            .setSourceTopic(d.getSourceTopic())
                            .setNewOffset(sent.offset())
                            .setReplayedBy(who)
                            .setReplayedAt(Instant.now())
                            .build();
                    send(
                            producer,
                            new ProducerRecord<>(
                                    topics.deadLetterReplays.name(),
                                    key.getBytes(StandardCharsets.UTF_8),
                                    topics.deadLetterReplays
                                            .valueSerde()
                                            .serializer()
                                            .serialize(topics.deadLetterReplays.name(), mark)));
                    count++;
                }
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "re-published %d dead letter(s) to their source topics%s%s%s%n",
                            count,
                            skipped > 0 ? "; " + skipped + " already replayed before, skipped" : "",
                            unverified > 0 ? "; " + unverified + " failed verification again, not replayed" : "",
                            redacted > 0 ? "; " + redacted + " redacted, cannot be replayed" : "");
            err.flush();
            return redacted > 0 || unverified > 0 ? 1 : 0;
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
}
