package org.stegoehealth.ops.deadletters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.processors.deadletters.Redrive;
import org.stegoehealth.processors.deadletters.Reverification;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code stego dead-letters}: what was set aside, and putting it back once its cause is fixed. */
@Command(
        name = "dead-letters",
        mixinStandardHelpOptions = true,
        description = {
            "List dead letters, or re-publish their original key and value to the topic they came from (for example after a missing model version arrived).",
            "Each dead letter is re-published once.",
            "Records that failed authentication (TAMPERED, NOT_FOR_THIS_CLINIC) go back only when asked for by that reason and only if they pass verification again, with this keyring, now."
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
                description = "Only those that failed at or after TIME (ISO-8601 in UTC, e.g. 2026-11-29T08:00:00Z).")
        Instant since;

        List<DeadLetterEvent> read(StegoConfig config, Topics topics, String reason) {
            return Redrive.read(config, topics, Redrive.filter(reason, since));
        }
    }

    /** A dead letter's reason: an {@link ErrorType} name, in any case; converted to the name as recorded. */
    static final class Reason implements ITypeConverter<String>, Iterable<String> {
        @Override
        public String convert(String value) {
            return Arrays.stream(ErrorType.values())
                    .map(ErrorType::name)
                    .filter(name -> name.equalsIgnoreCase(value.strip()))
                    .findFirst()
                    .orElseThrow(() -> new TypeConversionException(
                            "'" + value + "' is not a dead-letter reason: give one of " + String.join(", ", this)));
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ErrorType.values()).map(ErrorType::name).iterator();
        }
    }

    static String keyOf(DeadLetterEvent d) {
        return Redrive.key(d);
    }

    static boolean replayedBefore(Set<String> replayed, DeadLetterEvent d) {
        return Redrive.replayedBefore(replayed, d);
    }

    /** {@code stego dead-letters list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest first.")
    static final class ListLetters implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Filter filter;

        @Option(
                names = "--reason",
                paramLabel = "REASON",
                converter = Reason.class,
                completionCandidates = Reason.class,
                description = "Only this reason, one of: ${COMPLETION-CANDIDATES}.")
        String reason;

        @Override
        public Integer call() {
            StegoConfig config = filter.common.load(Map.of());
            Topics topics = Wiring.topics(config);
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
                paramLabel = "REASON",
                required = true,
                converter = Reason.class,
                completionCandidates = Reason.class,
                description = "The reason to replay, one of: ${COMPLETION-CANDIDATES}.")
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
            return Redrive.replayed(config, topics);
        }

        @Override
        public Integer call() {
            Map<String, String> extra = new HashMap<>();
            if (keyring != null) {
                extra.put(StegoConfig.KEYRING_DIR, keyring.toString());
            }
            StegoConfig config = filter.common.load(extra);
            Topics topics = Wiring.topics(config);
            List<DeadLetterEvent> letters = filter.read(config, topics, reason);
            Set<String> done = replayed(config, topics);
            // only for what failed authentication, and only when asked for by that reason (the filter): keys first
            Reverification reverification = letters.stream().anyMatch(Reverification::needed)
                    ? new Reverification(topics, TransferSecurity.from(config, TransferSecurity.Site.CLINIC))
                    : null;
            String who = by != null ? by : System.getProperty("user.name", "ops");
            Redrive.Report report;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    StreamsConfigs.producer(config, "stego-dead-letter-replay"),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                report = Redrive.run(
                        letters,
                        done,
                        () -> reverification,
                        Redrive.kafka(producer, topics),
                        who,
                        Clock.systemUTC(),
                        false);
            }
            PrintWriter err = spec.commandLine().getErr();
            for (Redrive.Outcome o : report.outcomes()) {
                if (o.result() == Redrive.Result.REDACTED) {
                    err.printf("cannot replay %s: %s%n", o.key(), o.note());
                } else if (o.result() == Redrive.Result.UNVERIFIED) {
                    err.printf(
                            "not replaying %s (%s): %s%n", o.key(), o.letter().getErrorType(), o.note());
                }
            }
            long count = report.count(Redrive.Result.REPUBLISHED);
            long skipped = report.count(Redrive.Result.ALREADY_REPLAYED);
            long unverified = report.count(Redrive.Result.UNVERIFIED);
            long redacted = report.count(Redrive.Result.REDACTED);
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
    }
}
