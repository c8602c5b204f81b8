package org.stegoehealth.processors;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.stegoehealth.errors.StegoException;

/** Deserialising inside a processor, telling a bad record from an unreachable registry. */
final class Deserialization {

    private Deserialization() {}

    /**
     * @throws RecordRejectedException DESERIALIZATION when the bytes are at fault (framing, unknown schema id,
     *                                 incompatible or corrupt data)
     * @throws StegoException          an {@linkplain StegoException#isOutage() outage} (the registry could not be
     *                                 reached or failed): no fault of the record, so it must not be
     *                                 dead-lettered; the task fails and the record is read again after a restart
     */
    static <T> T deserialize(Deserializer<T> deserializer, String topic, byte[] bytes) {
        if (bytes == null) {
            throw new RecordRejectedException(ErrorType.DESERIALIZATION, "record has no value");
        }
        try {
            return deserializer.deserialize(topic, bytes);
        } catch (SerializationException e) {
            if (e.getCause() instanceof StegoException cause && cause.isOutage()) {
                throw cause;
            }
            throw new RecordRejectedException(ErrorType.DESERIALIZATION, e.getMessage(), e);
        }
    }
}
