package org.stegoehealth.processors.produce;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.errors.StegoException;
import org.stegoehealth.processors.RecordRejectedException;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.TopicSpec;

/**
 * One round of publishing files, shared by both producers: each file is read and checked once, then either refused
 * with a one-line problem or sent under its key; {@link #confirm} flushes the producer and waits for every
 * acknowledgement, so the outcomes (in the order the files were added) say what the broker really holds.
 */
final class SendBatch<V> {

    private static final Logger LOG = LoggerFactory.getLogger(SendBatch.class);
    private static final long ACK_TIMEOUT_MINUTES = 2;

    /**
     * Where a producer publishes: its Kafka producer (asked for at the first send, so a round of only unusable
     * files never connects to Kafka), the topic, the longest image side it accepts, and whether it takes DICOM files
     * (X-rays do; covers, photographs, do not).
     */
    record Target<V>(Supplier<? extends Producer<String, V>> producer, String topic, int maxSide, boolean dicom) {
        SendBatch<V> batch() {
            return new SendBatch<>(this);
        }
    }

    private final Supplier<? extends Producer<String, V>> producers;
    private Producer<String, V> producer;
    private final String topic;
    private final int maxSide;
    private final boolean dicom;
    private final List<PublishOutcome> outcomes = new ArrayList<>();
    private final List<Future<RecordMetadata>> sends = new ArrayList<>();

    private SendBatch(Target<V> target) {
        this.producers = target.producer();
        this.topic = target.topic();
        this.maxSide = target.maxSide();
        this.dicom = target.dicom();
    }

    /** An idempotent ({@code enable.idempotence=true, acks=all}) Kafka producer for {@code spec}'s topic. */
    static <V> Producer<String, V> kafkaProducer(StegoConfig config, TopicSpec<String, V> spec, String clientId) {
        return new KafkaProducer<>(
                StreamsConfigs.producer(config, clientId),
                spec.keySerde().serializer(),
                spec.valueSerde().serializer());
    }

    /** The file's bytes, read once and checked ({@link ImageFiles#read}); refused (and empty) when unusable. */
    Optional<ImageFiles.Checked> check(Path file) {
        try {
            return Optional.of(ImageFiles.read(file, maxSide, dicom));
        } catch (RecordRejectedException e) {
            refuse(file, problem(file, e));
            return Optional.empty();
        }
    }

    /** The one-line problem of a refused file, without the file name in front (the outcome names the file). */
    static String problem(Path file, RecordRejectedException e) {
        String prefix = file.getFileName() + ": ";
        return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }

    /** Records that {@code file} is not published, and why. */
    void refuse(Path file, String problem) {
        // the caller reports the outcome (one error line); logging it too would print it twice
        LOG.debug("refused {}: {}", file, problem);
        outcomes.add(PublishOutcome.refused(file, problem));
        sends.add(null);
    }

    /** Sends {@code value} for {@code file} under {@code key}; the outcome is known after {@link #confirm}. */
    void send(Path file, String key, V value) {
        if (producer == null) {
            // an unreachable cluster ends the whole round here, in one line, rather than failing file by file
            producer = producers.get();
        }
        Future<RecordMetadata> sent;
        try {
            sent = producer.send(new ProducerRecord<>(topic, key, value));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        outcomes.add(PublishOutcome.published(file, key));
        sends.add(sent);
    }

    /** Flushes the producer and waits for each send: an unacknowledged one becomes a refusal. */
    List<PublishOutcome> confirm() {
        if (producer != null) {
            producer.flush();
        }
        List<PublishOutcome> out = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            PublishOutcome o = outcomes.get(i);
            Future<RecordMetadata> sent = sends.get(i);
            if (sent == null) {
                out.add(o);
                continue;
            }
            try {
                sent.get(ACK_TIMEOUT_MINUTES, TimeUnit.MINUTES);
                LOG.info("published {} to {} as {}", o.file().getFileName(), topic, o.key());
                out.add(o);
            } catch (ExecutionException e) {
                out.add(unconfirmed(o.file(), sendFailure(e.getCause())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add(unconfirmed(o.file(), "interrupted before Kafka acknowledged it"));
            } catch (TimeoutException e) {
                out.add(unconfirmed(o.file(), "not acknowledged by Kafka within " + ACK_TIMEOUT_MINUTES + " minutes"));
            }
        }
        return out;
    }

    /**
     * Why a send failed: an outage of the schema registry (the value could not be serialised) is named as such, so
     * the operator looks at the registry, not at Kafka.
     */
    static String sendFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (StegoException.isOutage(t)) {
                return "not sent, the schema registry is unavailable: " + t.getMessage();
            }
        }
        return "not acknowledged by Kafka: " + failure.getMessage();
    }

    private static PublishOutcome unconfirmed(Path file, String problem) {
        LOG.debug("{}: {}", file, problem);
        return PublishOutcome.refused(file, problem);
    }
}
