package org.stegoehealth.processors.receipts;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.Receipts;
import org.stegoehealth.processors.RecordRejectedException;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.processors.models.ModelFeed;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.SealedException;
import org.stegoehealth.security.StudyReferences;
import org.stegoehealth.security.Verifier;

/**
 * The receipts at the hospital: reads what was sent (the outbound stego topic, its events' metadata only) and the
 * receipts MirrorMaker 2 copied back from the clinics, both on the hospital's cluster ({@code read_committed}), and
 * computes their {@link ReceiptStatus}. Every receipt is verified first with the signing key of the clinic it names
 * (trusted for receipts: the clinics this keyring imported, never the hospital's own key); one that does not verify,
 * is unsigned, names another clinic than its signer's, or cannot be read is refused with its reason and counts for
 * nothing. What {@code stego receipts} and the hospital console's receipts page run.
 */
public final class ReceiptLedger {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptLedger.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** The status, with one line per refused receipt. */
    public record Reading(ReceiptStatus status, List<String> refused) {}

    private final Properties consumer;
    private final Topics topics;
    private final Keyring hospital;
    private final Optional<Verifier> clinics;
    private final StudyReferences studyReferences;
    private final Clock clock;

    public ReceiptLedger(Properties consumerConfig, Topics topics, Keyring hospital, Clock clock) {
        this.consumer = consumerConfig;
        this.topics = topics;
        this.hospital = hospital;
        this.clinics = Receipts.clinicSigners(hospital);
        this.studyReferences = new StudyReferences(hospital);
        this.clock = clock;
    }

    /** The ledger of the hospital {@code config} names: its cluster, topics and keyring. */
    public static ReceiptLedger of(StegoConfig config, String clientId) {
        return new ReceiptLedger(
                StreamsConfigs.readCommittedConsumer(config, clientId),
                Wiring.topics(config),
                Keyring.open(config.keyringDir()),
                Clock.systemUTC());
    }

    /**
     * Reads both topics to their current end and computes the status now.
     *
     * @param overdueAfter how long a study may go without a RECOVERED receipt
     * @param timeout how long reading each topic may take
     */
    public Reading read(Duration overdueAfter, Duration timeout) {
        List<ReceiptStatus.Sent> sent = ModelFeed.readAll(consumer, topics.stego, timeout, ReceiptLedger::sent);
        TopicSpec<String, byte[]> raw = new TopicSpec<>(
                topics.receipts.name(),
                Serdes.String(),
                Serdes.ByteArray(),
                topics.receipts.partitions(),
                topics.receipts.cleanupPolicy(),
                topics.receipts.retentionMs());
        List<byte[]> records = ModelFeed.readAll(consumer, raw, timeout);
        List<ReceiptEvent> receipts = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (byte[] record : records) {
            try {
                receipts.add(topics.receipts.valueSerde().deserializer().deserialize(raw.name(), record));
            } catch (RuntimeException e) {
                refused.add("a record of " + raw.name() + " cannot be read as a receipt: " + e.getMessage());
            }
        }
        return assess(sent, receipts, refused, overdueAfter);
    }

    /**
     * Reads again, about once a second, until every one of {@code messageIds} is acknowledged or {@code timeout} has
     * passed, running {@code between} (a health check) between readings.
     *
     * @return the last reading
     */
    public Reading awaitAcknowledged(Collection<String> messageIds, Duration timeout, Runnable between) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Reading reading = read(Duration.ZERO, READ_TIMEOUT);
            if (reading.status().acknowledged(messageIds)
                            == Set.copyOf(messageIds).size()
                    || System.nanoTime() > deadline) {
                return reading;
            }
            between.run();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return reading;
            }
        }
    }

    /** The status of {@code sent} given {@code receipts} as read (not verified yet). */
    Reading assess(
            List<ReceiptStatus.Sent> sent, List<ReceiptEvent> receipts, List<String> refused, Duration overdueAfter) {
        List<String> reasons = new ArrayList<>(refused);
        List<ReceiptStatus.Receipt> verified = new ArrayList<>();
        for (ReceiptEvent r : receipts) {
            try {
                verified.add(verify(r));
            } catch (RecordRejectedException e) {
                reasons.add(e.type() + ": " + e.getMessage());
            }
        }
        reasons.forEach(reason -> LOG.debug("refused {}", reason));
        return new Reading(ReceiptStatus.of(sent, verified, clock.instant(), overdueAfter), List.copyOf(reasons));
    }

    /**
     * A receipt checked as the hospital trusts it: signed by the clinic it names, its study reference opened with
     * this keyring.
     *
     * @throws RecordRejectedException TAMPERED when it does not authenticate or its study reference does not open
     */
    public ReceiptStatus.Receipt verify(ReceiptEvent r) {
        String clinic = Receipts.verify(r, clinics);
        String studyRef = null;
        if (r.getSealedStudyRef() != null) {
            try {
                studyRef = studyReferences.open(r.getMessageId(), InputImages.bytes(r.getSealedStudyRef()));
            } catch (SealedException e) {
                throw new RecordRejectedException(
                        org.stegoehealth.processors.ErrorType.TAMPERED,
                        "receipt " + r.getKind() + " of " + r.getMessageId() + " from " + clinic + ": "
                                + e.getMessage(),
                        e);
            }
        }
        return new ReceiptStatus.Receipt(r.getMessageId(), clinic, r.getKind(), r.getAt(), r.getReviewer(), studyRef);
    }

    /** What a stego event says of the study sent: never its image. */
    private static ReceiptStatus.Sent sent(StegoImageEvent e) {
        return new ReceiptStatus.Sent(
                e.getMessageId(),
                e.getClinic() == null ? "(no clinic)" : e.getClinic(),
                e.getCreatedAt(),
                e.getHidingMethod(),
                e.getModelVersion());
    }

    /** The hospital's keyring name. */
    public String hospital() {
        return hospital.name();
    }
}
