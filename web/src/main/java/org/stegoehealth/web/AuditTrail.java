package org.stegoehealth.web;

import org.stegoehealth.schemas.AuditEvent;

/**
 * Where audit events go. {@link #record} returns once the event is stored (for Kafka: acknowledged by every in-sync
 * replica), so a page that reveals a study is only served after its audit event is safe; a failure throws and the
 * page is refused.
 */
public interface AuditTrail extends AutoCloseable {

    void record(AuditEvent event);

    @Override
    default void close() {}
}
