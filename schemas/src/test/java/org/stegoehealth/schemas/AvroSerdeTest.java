package org.stegoehealth.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    /** A caching client (like the HTTP one) of a registry server that may restart without its storage. */
    static final class CachingClient implements SchemaRegistryClient {
        final AtomicReference<SchemaRegistryClient> server;
        final Map<Integer, Schema> cache = new HashMap<>();

        CachingClient(AtomicReference<SchemaRegistryClient> server) {
            this.server = server;
        }

        @Override
        public int register(String subject, Schema schema) {
            return server.get().register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            return cache.computeIfAbsent(id, i -> server.get().schemaById(i));
        }

        @Override
        public Schema refreshSchemaById(int id) {
            cache.remove(id);
            return schemaById(id);
        }
    }

    private static XrayImageEvent xray() {
        return XrayImageEvent.newBuilder()
                .setMessageId("m-1")
                .setSourceName("chest.png")
                .setFormat(ImageFormat.PNG)
                .setWidth(8)
                .setHeight(8)
                .setChannels(1)
                .setBitDepth(8)
                .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setProducedAt(Instant.EPOCH)
                .build();
    }

    @Test
    void deserialize_afterARegistryRestartReissuedTheCachedId_readsTheRecordInsteadOfCallingItCorrupt() {
        AtomicReference<SchemaRegistryClient> server = new AtomicReference<>(new InMemorySchemaRegistry());
        CachingClient embedder = new CachingClient(server);
        // before the restart: id 1 is the cover schema, id 2 the X-ray schema, and the embedder has cached both
        assertEquals(1, embedder.register("covers-value", CoverImageEvent.getClassSchema()));
        assertEquals(2, embedder.register("xrays-value", XrayImageEvent.getClassSchema()));
        embedder.schemaById(1);
        embedder.schemaById(2);

        server.set(new InMemorySchemaRegistry()); // restarted with in-memory storage: ids are handed out again
        AvroSerde<XrayImageEvent> producer =
                AvroSerde.forValue(new CachingClient(server), XrayImageEvent.getClassSchema());
        byte[] bytes = producer.serialize("xrays", xray());
        assertEquals(1, ByteBuffer.wrap(bytes, 1, 4).getInt(), "the X-ray schema now has the cover schema's old id");

        AvroSerde<XrayImageEvent> consumer = AvroSerde.forValue(embedder, XrayImageEvent.getClassSchema());
        assertEquals(xray(), consumer.deserialize("xrays", bytes));
        assertEquals(xray(), consumer.deserialize("xrays", bytes));
    }

    @Test
    void deserialize_aRecordThatIsCorruptUnderTheCurrentSchemaIsStillCorrupt() {
        AtomicReference<SchemaRegistryClient> server = new AtomicReference<>(new InMemorySchemaRegistry());
        AvroSerde<XrayImageEvent> serde =
                AvroSerde.forValue(new CachingClient(server), XrayImageEvent.getClassSchema());
        byte[] bytes = serde.serialize("xrays", xray());
        byte[] cut = Arrays.copyOf(bytes, 12);
        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("xrays", cut));
        assertTrue(e.getMessage().startsWith("corrupt XrayImageEvent on xrays (schema id 1)"), e.getMessage());
    }

    @Test
    void deserialize_aRegistryOutageWhileRecheckingIsAnOutageNotACorruptRecord() {
        AtomicReference<SchemaRegistryClient> server = new AtomicReference<>(new InMemorySchemaRegistry());
        CachingClient client = new CachingClient(server);
        AvroSerde<XrayImageEvent> serde = AvroSerde.forValue(client, XrayImageEvent.getClassSchema());
        byte[] bytes = serde.serialize("xrays", xray());
        serde.deserialize("xrays", bytes);
        server.set(new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Schema schemaById(int id) {
                throw new SchemaRegistryException("connection refused", new ConnectException());
            }
        });
        byte[] cut = Arrays.copyOf(bytes, 12);
        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("xrays", cut));
        assertTrue(e.getCause() instanceof SchemaRegistryException s && s.isOutage(), e.toString());
    }
}
