package org.stegoehealth.processors;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.stegoehealth.schemas.SchemaRegistryException;

/** Deserialising inside a processor, telling a bad record from an unreachable registry. */
final class Deserialization {

    private Deserialization() {
    }

    /**
     * @throws RecordRejectedException DESERIALIZATION when the bytes are at fault (framing, unknown schema id,
     *                                 incompatible or corrupt data)
     * @throws SchemaRegistryException when the registry could not be reached or failed (5xx): no fault of the
     *                                 record, so it must not be dead-lettered; the task fails and the record is
     *                                 read again after a restart
     */
    static <T> T deserialize(Deserializer<T> deserializer, String topic, byte[] bytes) {
        if (bytes == null) {
            throw new RecordRejectedException(ErrorType.DESERIALIZATION, "record has no value");
        }
        try {
            return deserializer.deserialize(topic, bytes);
        } catch (SerializationException e) {
            if (e.getCause() instanceof SchemaRegistryException r && (r.status() < 0 || r.status() >= 500)) {
                throw r;
            }
            throw new RecordRejectedException(ErrorType.DESERIALIZATION, e.getMessage(), e);
        }
    }

    /** Whether {@code e} is an outage to fail on rather than a record to dead-letter. */
    static boolean isOutage(RuntimeException e) {
        return e instanceof SchemaRegistryException r && (r.status() < 0 || r.status() >= 500);
    }
}
