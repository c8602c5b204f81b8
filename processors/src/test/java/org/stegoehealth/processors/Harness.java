package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.InMemorySchemaRegistry;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;

/** A TopologyTestDriver with the project's topics, raw input topics and typed output topics. */
final class Harness implements AutoCloseable {

    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final String APP = "stego-test";

    final InMemorySchemaRegistry registry;
    final Topics topics;
    TopologyTestDriver driver;
    private final Path stateDir;

    Harness(Path stateDir) {
        this(stateDir, new InMemorySchemaRegistry());
    }

    /** A harness on {@code registry}, so records written through an earlier harness still deserialise. */
    Harness(Path stateDir, InMemorySchemaRegistry registry) {
        this.stateDir = stateDir;
        this.registry = registry;
        this.topics = new Topics("t.", registry, 1);
    }

    Harness start(Topology topology) {
        Properties p = StreamsConfigs.base(
                StegoConfig.defaultsOnly()
                        .with(Map.of(
                                StegoConfig.STATE_DIR,
                                stateDir.toString(),
                                StegoConfig.BOOTSTRAP_SERVERS,
                                "unused:9092")),
                APP);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        driver = new TopologyTestDriver(topology, p, START);
        return this;
    }

    TestInputTopic<byte[], byte[]> raw(String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    <V> byte[] serialize(TopicSpec<String, V> spec, V value) {
        return spec.valueSerde().serializer().serialize(spec.name(), value);
    }

    void pipeCover(String id, BufferedImage image) {
        TestInputTopic<String, CoverImageEvent> covers = driver.createInputTopic(
                topics.covers.name(),
                new StringSerializer(),
                topics.covers.valueSerde().serializer());
        covers.pipeInput(id, TestImages.coverEvent(id, image));
    }

    <V> TestOutputTopic<String, V> output(TopicSpec<String, V> spec) {
        return driver.createOutputTopic(
                spec.name(), new StringDeserializer(), spec.valueSerde().deserializer());
    }

    List<TestRecord<String, DeadLetterEvent>> deadLetters() {
        return output(topics.deadLetters).readRecordsToList();
    }

    @Override
    public void close() {
        if (driver != null) {
            driver.close();
        }
    }
}
