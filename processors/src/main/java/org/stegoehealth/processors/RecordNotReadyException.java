package org.stegoehealth.processors;

import java.time.Duration;
import org.stegoehealth.errors.StegoException;

/**
 * A record that is fine but needs something that has not arrived yet (a stego image naming a model version not yet
 * received). The batching processor keeps it and tries again; after {@code maxWait} it becomes a dead letter of
 * category {@code type} with this message.
 */
public final class RecordNotReadyException extends StegoException {

    private final ErrorType type;
    private final Duration maxWait;

    public RecordNotReadyException(ErrorType type, String message, Duration maxWait) {
        super(message, null, false);
        this.type = type;
        this.maxWait = maxWait;
    }

    public ErrorType type() {
        return type;
    }

    public Duration maxWait() {
        return maxWait;
    }
}
