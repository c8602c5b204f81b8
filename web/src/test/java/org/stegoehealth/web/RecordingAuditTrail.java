package org.stegoehealth.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.stegoehealth.schemas.AuditEvent;

/** An audit trail in memory, for fast tests of what is recorded. */
public final class RecordingAuditTrail implements AuditTrail {

    public final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
        events.add(event);
    }

    public long count(String action) {
        return events.stream().filter(e -> e.getAction().equals(action)).count();
    }
}
