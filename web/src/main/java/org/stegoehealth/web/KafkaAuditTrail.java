package org.stegoehealth.web;

import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.AuditEvent;
import org.stegoehealth.schemas.TopicSpec;

/** The audit trail on the clinic's {@code audit} topic: an idempotent producer, acks=all, one record per event. */
public final class KafkaAuditTrail implements AuditTrail {

    private final KafkaTopicWriter<AuditEvent> writer;

    public KafkaAuditTrail(StegoConfig config, TopicSpec<String, AuditEvent> topic, String clientId) {
        this.writer = new KafkaTopicWriter<>(config, topic, clientId, "an audit event");
    }

    @Override
    public void record(AuditEvent event) {
        writer.write(event.getUser(), event);
    }

    @Override
    public void close() {
        writer.close();
    }
}
