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
import org.stegoehealth.schemas.AuditEvent;
import org.stegoehealth.schemas.TopicSpec;

/** The audit trail on the clinic's {@code audit} topic: an idempotent producer, acks=all, one record per event. */
public final class KafkaAuditTrail implements AuditTrail {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final TopicSpec<String, AuditEvent> topic;
    private final KafkaProducer<String, AuditEvent> producer;

    public KafkaAuditTrail(StegoConfig config, TopicSpec<String, AuditEvent> topic, String clientId) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(
                StreamsConfigs.producer(config, clientId),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    @Override
    public void record(AuditEvent event) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), event.getUser(), event))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StegoException("interrupted while writing an audit event to " + topic.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new StegoException("cannot write an audit event to " + topic.name() + ": " + cause, cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
