package org.stegoehealth.web;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.stegoehealth.errors.StegoException;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.TopicSpec;

/**
 * Writes records of one topic one at a time, each acknowledged before {@link #write} returns: an idempotent producer,
 * acks=all. The web apps' audit trail and the viewer's receipts.
 */
public final class KafkaTopicWriter<V> implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final TopicSpec<String, V> topic;
    private final String what;
    private final KafkaProducer<String, V> producer;

    /** @param what what a record is, for errors ("an audit event") */
    public KafkaTopicWriter(StegoConfig config, TopicSpec<String, V> topic, String clientId, String what) {
        this.topic = topic;
        this.what = what;
        this.producer = new KafkaProducer<>(
                StreamsConfigs.producer(config, clientId),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    /** @throws StegoException when the broker does not acknowledge it in 15 s */
    public void write(String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, value))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StegoException("interrupted while writing " + what + " to " + topic.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new StegoException("cannot write " + what + " to " + topic.name() + ": " + cause, cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
