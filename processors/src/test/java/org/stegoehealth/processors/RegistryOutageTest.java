package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.schemas.InMemorySchemaRegistry;
import org.stegoehealth.schemas.SchemaRegistryClient;
import org.stegoehealth.schemas.SchemaRegistryException;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;

class RegistryOutageTest {

    @TempDir
    Path stateDir;

    /** A registry that can be "unplugged" for lookups by id. */
    static final class FlakyRegistry implements SchemaRegistryClient {
        final InMemorySchemaRegistry real = new InMemorySchemaRegistry();
        volatile int failWith;

        @Override
        public int register(String subject, Schema schema) {
            return real.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            if (failWith != 0) {
                throw failWith < 0
                        ? new SchemaRegistryException("connection refused", new ConnectException())
                        : new SchemaRegistryException("HTTP " + failWith, failWith);
            }
            return real.schemaById(id);
        }
    }

    @Test
    void anUnreachableRegistryFailsTheTaskInsteadOfDeadLetteringGoodRecords() {
        FlakyRegistry registry = new FlakyRegistry();
        Topics topics = new Topics("o.", registry, 1);
        Properties p = StreamsConfigs.base(
                StegoConfig.defaultsOnly().with(Map.of(StegoConfig.STATE_DIR, stateDir.toString())), "outage");
        try (TopologyTestDriver driver = new TopologyTestDriver(
                ExtractionTopology.build(
                        topics,
                        new LsbModel(),
                        BatchSettings.uniform(1, Duration.ofSeconds(1), 256),
                        TestKeys.clinicAllowingUnsigned()),
                p,
                Instant.EPOCH)) {
            byte[] value = topics.stego
                    .valueSerde()
                    .serializer()
                    .serialize(
                            topics.stego.name(),
                            StegoImageEvent.newBuilder()
                                    .setMessageId("m")
                                    .setModelVersion("lsb4-test")
                                    .setWidth(8)
                                    .setHeight(8)
                                    .setSecretChannels(1)
                                    .setImage(ByteBuffer.wrap(new byte[] {1}))
                                    .setCreatedAt(Instant.EPOCH)
                                    .build());
            registry.failWith = -1;
            RuntimeException e = assertThrows(
                    RuntimeException.class,
                    () -> driver.createInputTopic(
                                    topics.stego.name(), new ByteArraySerializer(), new ByteArraySerializer())
                            .pipeInput(value));
            assertTrue(rootMessages(e).contains("connection refused"), rootMessages(e));
            assertTrue(driver.createOutputTopic(
                            topics.deadLetters.name(),
                            new StringDeserializer(),
                            topics.deadLetters.valueSerde().deserializer())
                    .isEmpty());
        }
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsTheRecordsFault() {
        FlakyRegistry registry = new FlakyRegistry();
        Topics topics = new Topics("o.", registry, 1);
        Properties p = StreamsConfigs.base(
                StegoConfig.defaultsOnly().with(Map.of(StegoConfig.STATE_DIR, stateDir.toString())), "outage");
        try (TopologyTestDriver driver = new TopologyTestDriver(
                ExtractionTopology.build(
                        topics,
                        new LsbModel(),
                        BatchSettings.uniform(1, Duration.ofSeconds(1), 256),
                        TestKeys.clinicAllowingUnsigned()),
                p,
                Instant.EPOCH)) {
            registry.failWith = 404;
            driver.createInputTopic(topics.stego.name(), new ByteArraySerializer(), new ByteArraySerializer())
                    .pipeInput(new byte[] {0, 0, 0, 0, 42, 1, 2});
            registry.failWith = 0;
            var dead = driver.createOutputTopic(
                            topics.deadLetters.name(),
                            new StringDeserializer(),
                            topics.deadLetters.valueSerde().deserializer())
                    .readValuesToList();
            assertEquals(1, dead.size());
            assertEquals("DESERIALIZATION", dead.get(0).getErrorType());
        }
    }

    private static String rootMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
