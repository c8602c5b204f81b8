package org.stegoehealth.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.HttpSchemaRegistryClient;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.SchemaRegistryException;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;

/**
 * The project's schemas, serde and topic catalog against a real Kafka broker and a real Apicurio Registry, both
 * started once for the class by {@link LocalStack}. Each test uses its own topic prefix and subjects.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LocalStackIT {

    private static final Duration POLL_DEADLINE = Duration.ofSeconds(60);

    private static LocalStack stack;
    private static Path workDir;

    @BeforeAll
    static void startStack() throws Exception {
        workDir = Path.of("target", "local-stack", LocalStackIT.class.getSimpleName());
        deleteRecursively(workDir);
        stack = LocalStack.start(workDir);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
            assertFalse(stack.kafka().isRunning(), "broker process still running after close");
            assertFalse(stack.registry().isRunning(), "registry process still running after close");
        }
    }

    private static String uniquePrefix(String test) {
        return test + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    @Test
    void registry_registersEveryProjectSchema_andAFreshClientFetchesThemBackById() {
        String prefix = uniquePrefix("schemas");
        List<Schema> schemas = List.of(
                XrayImageEvent.getClassSchema(),
                CoverImageEvent.getClassSchema(),
                StegoImageEvent.getClassSchema(),
                RecoveredImageEvent.getClassSchema(),
                DeadLetterEvent.getClassSchema());
        HttpSchemaRegistryClient writer = new HttpSchemaRegistryClient(stack.schemaRegistryUrl());
        Map<Integer, Schema> byId = new HashMap<>();
        for (Schema schema : schemas) {
            String subject = prefix + schema.getName() + "-value";
            int id = writer.register(subject, schema);
            assertEquals(
                    id,
                    new HttpSchemaRegistryClient(stack.schemaRegistryUrl()).register(subject, schema),
                    "registering the same schema again must give the same id");
            byId.put(id, schema);
        }
        assertEquals(schemas.size(), byId.size(), "each schema gets its own id");

        HttpSchemaRegistryClient reader = new HttpSchemaRegistryClient(stack.schemaRegistryUrl());
        byId.forEach((id, schema) -> assertEquals(schema, reader.schemaById(id)));
    }

    @Test
    void registry_restartedOnTheSameAddress_keepsEverySchemaId_andHandsOutNoIdTwice() {
        String prefix = uniquePrefix("restart");
        String subject = prefix + "xray-value";
        int id = new HttpSchemaRegistryClient(stack.schemaRegistryUrl())
                .register(subject, XrayImageEvent.getClassSchema());

        stack.stopRegistry();
        stack.startRegistry();

        HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(stack.schemaRegistryUrl());
        assertEquals(XrayImageEvent.getClassSchema(), fresh.schemaById(id), "the id still names the same schema");
        assertEquals(
                id, fresh.register(subject, XrayImageEvent.getClassSchema()), "registering again gives the same id");
        int next = fresh.register(prefix + "cover-value", CoverImageEvent.getClassSchema());
        assertNotEquals(id, next, "a new schema after the restart gets a new id");
        assertEquals(XrayImageEvent.getClassSchema(), fresh.schemaById(id));
    }

    @Test
    void broker_xrayEventThroughTransactionalProducerAndReadCommittedConsumer_comesBackEqual() throws Exception {
        String prefix = uniquePrefix("roundtrip");
        Topics producerTopics = new Topics(prefix, stack.schemaRegistryClient(), 2);
        stack.createTopics(producerTopics);
        // the consumer side resolves the writer schema through a client with empty caches: a real GET by id
        Topics consumerTopics = new Topics(prefix, new HttpSchemaRegistryClient(stack.schemaRegistryUrl()), 2);
        TopicSpec<String, XrayImageEvent> topic = producerTopics.xrays;
        XrayImageEvent sent = XrayImageEvent.newBuilder()
                .setMessageId(UUID.randomUUID().toString())
                .setStudyRef("study-17")
                .setSourceName("chest-pa.png")
                .setFormat(ImageFormat.PNG)
                .setWidth(4)
                .setHeight(2)
                .setChannels(1)
                .setBitDepth(8)
                .setImage(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}))
                .setProducedAt(Instant.ofEpochMilli(1_700_000_000_123L))
                .build();

        Map<String, Object> producerConfig = new HashMap<>(stack.clientConfig());
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic.name() + "-producer");
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, XrayImageEvent> producer = new KafkaProducer<>(
                producerConfig,
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic.name(), sent.getMessageId(), sent));
            producer.commitTransaction();
        }

        Map<String, Object> consumerConfig = new HashMap<>(stack.clientConfig());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, topic.name() + "-reader");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        TopicSpec<String, XrayImageEvent> readTopic = consumerTopics.xrays;
        List<ConsumerRecord<String, XrayImageEvent>> received = new ArrayList<>();
        try (KafkaConsumer<String, XrayImageEvent> consumer = new KafkaConsumer<>(
                consumerConfig,
                readTopic.keySerde().deserializer(),
                readTopic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(readTopic.name()));
            long deadline = System.nanoTime() + POLL_DEADLINE.toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }

        assertEquals(1, received.size(), "records read within " + POLL_DEADLINE.toSeconds() + " s");
        assertEquals(sent.getMessageId(), received.get(0).key());
        assertEquals(sent, received.get(0).value());
        // the X-ray now lies in the broker's log on disk: no other user may read it, nor anything else of the stack
        assertEquals(List.of(), readableByOthers(workDir), "group or other permissions under " + workDir);
    }

    /**
     * A partition created a moment ago must take a write at once: metadata can name its leader before that broker
     * serves it, and an idempotent producer whose first request meets NOT_LEADER_OR_FOLLOWER while a later one is
     * written can retry with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (KAFKA-15591, in Kafka 4.1.1).
     * Here a producer without retries writes to every partition of the catalog right after each of several creations.
     */
    @Test
    void topicsJustCreated_takeAFirstWriteOnEveryPartition_withoutARetry() throws Exception {
        Map<String, Object> config = new HashMap<>(stack.clientConfig());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.RETRIES_CONFIG, 0);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        int rounds = 12;
        List<String> refused = new ArrayList<>();
        int written = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int round = 0; round < rounds; round++) {
                Topics topics = new Topics(uniquePrefix("fresh" + round), stack.schemaRegistryClient(), 3);
                stack.createTopics(topics);
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                List<String> where = new ArrayList<>();
                for (TopicSpec<?, ?> spec : topics.all()) {
                    for (int partition = 0; partition < spec.partitions(); partition++) {
                        sends.add(producer.send(
                                new ProducerRecord<>(spec.name(), partition, new byte[] {1}, new byte[] {1})));
                        where.add(spec.name() + "-" + partition);
                    }
                }
                for (int i = 0; i < sends.size(); i++) {
                    try {
                        sends.get(i).get(30, TimeUnit.SECONDS);
                        written++;
                    } catch (ExecutionException e) {
                        refused.add(where.get(i) + ": " + e.getCause());
                    }
                }
            }
        }
        assertEquals(List.of(), refused, "first writes refused right after the topics were created");
        assertTrue(written > rounds * 10, "first writes: " + written);
    }

    /** Every path under {@code root} (itself included) that grants anything to its group or to others. */
    static List<String> readableByOthers(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !Files.isSymbolicLink(p))
                    .map(p -> {
                        try {
                            String mode = java.nio.file.attribute.PosixFilePermissions.toString(
                                    Files.getPosixFilePermissions(p));
                            return mode.endsWith("------") ? null : mode + " " + root.relativize(p);
                        } catch (java.io.IOException e) {
                            return "unreadable " + p;
                        }
                    })
                    .filter(java.util.Objects::nonNull)
                    .toList();
        }
    }

    @Test
    void createTopics_createsEveryCatalogTopicWithItsPartitionsAndCleanupPolicy_andToleratesExistingOnes()
            throws Exception {
        Topics topics = new Topics(uniquePrefix("catalog"), stack.schemaRegistryClient(), 3);

        stack.createTopics(topics);
        stack.createTopics(topics);

        Set<String> names = topics.all().stream().map(TopicSpec::name).collect(Collectors.toSet());
        try (Admin admin = Admin.create(stack.clientConfig())) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            for (TopicSpec<?, ?> spec : topics.all()) {
                assertEquals(
                        spec.partitions(),
                        described.get(spec.name()).partitions().size(),
                        spec.name());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
                Config config = admin.describeConfigs(List.of(resource))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(resource);
                assertEquals(spec.cleanupPolicy(), config.get("cleanup.policy").value(), spec.name());
                assertEquals(
                        Long.toString(spec.retentionMs()),
                        config.get("retention.ms").value(),
                        spec.name());
                int maxMessageBytes =
                        spec.maxMessageBytes(StegoConfig.defaultsOnly().maxMessageBytes());
                assertEquals(
                        Integer.toString(maxMessageBytes),
                        config.get("max.message.bytes").value(),
                        spec.name());
            }
        }
    }

    @Test
    void registry_newRequiredFieldOnXrayEvent_isRefusedAsIncompatible_whileAnOptionalOneIsAccepted() throws Exception {
        String subject = uniquePrefix("evolution") + "xray-images-value";
        HttpSchemaRegistryClient client = stack.schemaRegistryClient();
        int original = client.register(subject, XrayImageEvent.getClassSchema());
        Schema required = withField(XrayImageEvent.getClassSchema(), "patientAge", false);
        Schema optional = withField(XrayImageEvent.getClassSchema(), "viewPosition", true);

        assertFalse(client.isCompatible(subject, required), "a new field without default breaks BACKWARD");
        SchemaRegistryException refused =
                assertThrows(SchemaRegistryException.class, () -> client.register(subject, required));
        assertEquals(409, refused.status());
        assertTrue(refused.getMessage().contains(subject), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), refused.getMessage());

        assertTrue(client.isCompatible(subject, optional), "a new field with a default keeps BACKWARD");
        assertNotEquals(original, client.register(subject, optional));
    }

    /** The schema with one more field: a required int, or an optional string defaulting to null. */
    private static Schema withField(Schema schema, String name, boolean optional) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(schema.toString());
        ObjectNode field = ((ArrayNode) root.get("fields")).addObject().put("name", name);
        if (optional) {
            field.putArray("type").add("null").add("string");
            field.putNull("default");
        } else {
            field.put("type", "int");
        }
        return new Schema.Parser().parse(root.toString());
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
