package org.stegoehealth.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro specific records in the Confluent wire format: byte 0 (magic), the writer schema's registry id as a
 * big-endian int32, then Avro binary. Subjects follow the topic-name strategy ({@code <topic>-value} or
 * {@code <topic>-key}). Readers resolve the writer's schema against their own, so compatible schema changes are
 * read without redeploying consumers.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    static final byte MAGIC = 0;

    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final boolean isKey;
    private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readersById = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;

    public AvroSerde(SchemaRegistryClient registry, Schema schema, boolean isKey) {
        this.registry = registry;
        this.readerSchema = schema;
        this.isKey = isKey;
        this.writer = new SpecificDatumWriter<>(schema);
    }

    public static <T extends SpecificRecord> AvroSerde<T> forValue(SchemaRegistryClient registry, Schema schema) {
        return new AvroSerde<>(registry, schema, false);
    }

    public Schema schema() {
        return readerSchema;
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        String subject = topic + (isKey ? "-key" : "-value");
        int id = idsBySubject.computeIfAbsent(subject, s -> registry.register(s, readerSchema));
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(MAGIC);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "cannot serialise " + readerSchema.getName() + " for " + topic + ": " + e.getMessage(), e);
        }
    }

    T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length < 5 || bytes[0] != MAGIC) {
            throw new SerializationException("not Confluent-framed Avro on " + topic + " (" + bytes.length
                    + " bytes, first byte " + (bytes.length == 0 ? "none" : bytes[0]) + ")");
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SpecificDatumReader<T> reader;
        try {
            reader = readersById.computeIfAbsent(
                    id, i -> new SpecificDatumReader<>(registry.schemaById(i), readerSchema));
        } catch (RuntimeException e) {
            throw new SerializationException(
                    "unknown writer schema id " + id + " on " + topic + ": " + e.getMessage(), e);
        }
        try {
            return read(reader, bytes);
        } catch (IOException | RuntimeException e) {
            SpecificDatumReader<T> fresh = refreshedReader(topic, id, reader);
            if (fresh != null) {
                try {
                    return read(fresh, bytes);
                } catch (IOException | RuntimeException again) {
                    throw corrupt(topic, id, again);
                }
            }
            throw corrupt(topic, id, e);
        }
    }

    private T read(SpecificDatumReader<T> reader, byte[] bytes) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
        T record = reader.read(null, decoder);
        if (!decoder.isEnd()) {
            throw new IOException((bytes.length - 5) + " bytes hold more than one " + readerSchema.getName());
        }
        return record;
    }

    /**
     * A reader for the schema the registry holds under {@code id} now, when it differs from the cached one that
     * failed: a registry restarted without its storage hands old ids out for other schemas. Null when the registry
     * still holds the same schema (the record is corrupt) or no longer knows the id; an outage of the registry
     * propagates, so the record is retried later rather than set aside.
     */
    private SpecificDatumReader<T> refreshedReader(String topic, int id, SpecificDatumReader<T> failed) {
        Schema now;
        try {
            now = registry.refreshSchemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isOutage()) {
                throw new SerializationException(
                        "cannot check writer schema id " + id + " on " + topic + ": " + e.getMessage(), e);
            }
            return null;
        }
        if (now.equals(failed.getSchema())) {
            return null;
        }
        SpecificDatumReader<T> fresh = new SpecificDatumReader<>(now, readerSchema);
        readersById.put(id, fresh);
        return fresh;
    }

    private SerializationException corrupt(String topic, int id, Exception e) {
        return new SerializationException(
                "corrupt " + readerSchema.getName() + " on " + topic + " (schema id " + id + "): " + e.getMessage(), e);
    }
}
