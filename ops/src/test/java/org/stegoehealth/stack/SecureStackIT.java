package org.stegoehealth.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.ops.TinyModels;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.stack.KafkaSecurity.Principal;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * Access control on a secure local stack ({@link LocalStack#startSecure}): SASL/SCRAM-SHA-512 over TLS, one Kafka
 * user per application, ACLs from the topic catalog. The whole pipeline runs with each application signed in as its
 * own principal, and every principal is refused what its ACLs do not grant. The model is a tiny untrained one: these
 * tests check access, not hiding quality.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecureStackIT {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    static Path tmp;

    private static LocalStack stack;
    private static StegoModel model;

    @BeforeAll
    static void startSecureStack() throws IOException {
        model = TinyModels.load(tmp, "it-tiny", 1);
        stack = LocalStack.startSecure(tmp.resolve("stack"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** This test's run on the shared stack: its own topics (granted to the principals) and application ids. */
    private static PipelineCluster cluster(String name) throws IOException {
        StegoConfig base = StegoConfig.defaultsOnly()
                .with(Map.of(StegoConfig.BATCH_LINGER_MS, "300", StegoConfig.COMMIT_INTERVAL_MS, "200"));
        PipelineCluster cluster = PipelineCluster.on(stack, base, Files.createTempDirectory(tmp, name), name);
        cluster.createTopics();
        cluster.publishCovers(SAMPLES.resolve("covers"));
        return cluster;
    }

    @Test
    void pipeline_withEachApplicationSignedInAsItsOwnPrincipal_recoversEveryXrayOnce() throws Exception {
        List<Path> xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        List<Path> covers = Evaluation.imageFiles(SAMPLES.resolve("covers"), n -> true);
        try (PipelineCluster cluster = cluster("secure-roundtrip");
                InProcessPipeline pipeline = InProcessPipeline.start(
                        cluster.config(Principal.EMBEDDER),
                        cluster.config(Principal.EXTRACTOR),
                        cluster.topics(),
                        ModelSource.fixed(model),
                        ModelSource.fixed(model),
                        PipelineKeys.under(tmp.resolve("keys")),
                        InProcessPipeline.START_TIMEOUT);
                PipelineOutputs outputs = new PipelineOutputs(cluster.config(), cluster.topics(), "secure-reader")) {
            assertTrue(cluster.secure());
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < xrays.size(); i++) {
                sent.add(cluster.publishXray(xrays.get(i), CoverProducer.coverIdOf(covers.get(i % covers.size()))));
            }
            outputs.awaitRecovered(sent, WAIT, null, pipeline::checkHealthy);

            assertEquals(Map.copyOf(counts(sent)), Map.copyOf(outputs.recoveredCounts()), "recovered records");
            assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
            assertTrue(awaitStego(outputs, sent), "stego records of every X-ray");
        }
    }

    @Test
    void eachPrincipal_isRefusedWhatItsAclsDoNotGrant() throws Exception {
        try (PipelineCluster cluster = cluster("secure-acls")) {
            String xrays = cluster.topics().xrays.name();
            String stego = cluster.topics().stego.name();
            cluster.publishXray(
                    Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true).get(0), null);
            try (KafkaProducer<String, byte[]> asAdmin = producer(cluster.config())) {
                asAdmin.send(new ProducerRecord<>(stego, "probe", new byte[] {1}))
                        .get(30, TimeUnit.SECONDS);
            }

            // granted: the admin and the embedder read X-rays; the extractor and the mirror read stego images
            assertEquals(1, readAll(cluster.config(), xrays), "X-rays the admin reads");
            assertEquals(1, readAll(cluster.config(Principal.EMBEDDER), xrays), "X-rays the embedder reads");
            assertEquals(1, readAll(cluster.config(Principal.EXTRACTOR), stego), "stego records the extractor reads");
            assertEquals(1, readAll(cluster.config(Principal.MIRROR), stego), "stego records the mirror reads");

            // refused: the clinic side never reads X-rays
            assertThrows(TopicAuthorizationException.class, () -> readAll(cluster.config(Principal.EXTRACTOR), xrays));
            assertThrows(TopicAuthorizationException.class, () -> readAll(cluster.config(Principal.MIRROR), xrays));
            // refused: hospital producers neither read nor write the stego topic
            assertThrows(TopicAuthorizationException.class, () -> readAll(cluster.config(Principal.PRODUCER), stego));
            try (KafkaProducer<String, byte[]> asProducer = producer(cluster.config(Principal.PRODUCER))) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> asProducer
                                .send(new ProducerRecord<>(stego, "forged", new byte[] {1}))
                                .get(30, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            }
            // refused: the extractor does not write X-rays, the mirror writes nothing
            try (KafkaProducer<String, byte[]> asExtractor = producer(cluster.config(Principal.EXTRACTOR))) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> asExtractor
                                .send(new ProducerRecord<>(xrays, "forged", new byte[] {1}))
                                .get(30, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            }
        }
    }

    @Test
    void aClientWithAWrongPassword_inPlaintext_orWithoutTheTrustStore_cannotConnect() {
        KafkaSecurity security = stack.security().orElseThrow();
        // the default catalog, which the stack granted at start
        Topics topics = new Topics("", stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        String stego = topics.stego.name();

        Map<String, Object> wrongPassword = stack.clientConfig();
        wrongPassword.putAll(security.clientConfig(Principal.EXTRACTOR.user(), "not-the-password"));
        assertThrows(SaslAuthenticationException.class, () -> partitionsFor(wrongPassword, stego));

        Map<String, Object> unknownUser = stack.clientConfig();
        unknownUser.putAll(security.clientConfig("mallory", security.password(Principal.ADMIN)));
        assertThrows(SaslAuthenticationException.class, () -> partitionsFor(unknownUser, stego));

        // a plaintext client never gets past the TLS listener
        Map<String, Object> plaintext = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        assertThrows(TimeoutException.class, () -> partitionsFor(plaintext, stego));

        // the right password, but the broker's certificate is not trusted: the password is never sent
        Map<String, Object> untrusted = stack.clientConfig(Principal.EXTRACTOR);
        untrusted.remove("ssl.truststore.location");
        untrusted.remove("ssl.truststore.password");
        untrusted.remove("ssl.truststore.type");
        assertThrows(SslAuthenticationException.class, () -> partitionsFor(untrusted, stego));

        // the right password works
        assertEquals(1, partitionsFor(stack.clientConfig(Principal.EXTRACTOR), stego));
    }

    @Test
    void aRestartedBroker_keepsItsUsersAndAcls() throws Exception {
        Topics topics = new Topics("", stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        stack.stopKafka();
        stack.startKafka();
        assertEquals(1, partitionsFor(stack.clientConfig(Principal.EXTRACTOR), topics.stego.name()));
        StegoConfig asExtractor = StegoConfig.defaultsOnly().with(stack.stegoConfig(Principal.EXTRACTOR));
        assertThrows(TopicAuthorizationException.class, () -> readAll(asExtractor, topics.xrays.name()));
    }

    @Test
    void storesPasswordsAndBrokerConfig_areReadableByTheOwnerOnly() throws IOException {
        Path dir = stack.security().orElseThrow().dir();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(files::add);
        }
        files.add(stack.kafka().dataDir().resolve("server.properties"));
        for (Principal p : Principal.values()) {
            assertTrue(files.contains(stack.security().orElseThrow().configFile(p)), p.user() + ".properties");
        }
        assertTrue(files.contains(dir.resolve("broker.p12")) && files.contains(dir.resolve("truststore.p12")));
        for (Path f : files) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
        // a principal's file is a working configuration: the extractor signs in with it
        StegoConfig fromFile =
                StegoConfig.load(stack.security().orElseThrow().configFile(Principal.EXTRACTOR), Map.of(), Map.of());
        assertEquals(stack.bootstrapServers(), fromFile.bootstrapServers());
        Map<String, Object> asExtractor = new HashMap<>();
        StreamsConfigs.admin(fromFile).forEach((k, v) -> asExtractor.put(k.toString(), v));
        assertEquals(1, partitionsFor(asExtractor, new Topics("", stack.schemaRegistryClient(), 1).stego.name()));
        assertFalse(Files.readString(dir.resolve("mirror.properties"))
                .contains(stack.security().orElseThrow().password(Principal.ADMIN)));
    }

    private static Map<String, Integer> counts(List<String> ids) {
        Map<String, Integer> out = new LinkedHashMap<>();
        ids.forEach(id -> out.merge(id, 1, Integer::sum));
        return out;
    }

    private static boolean awaitStego(PipelineOutputs outputs, List<String> ids) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!outputs.stego().keySet().containsAll(ids) && System.nanoTime() < deadline) {
            outputs.poll(Duration.ofMillis(200));
        }
        return outputs.stego().keySet().containsAll(ids);
    }

    private static KafkaProducer<String, byte[]> producer(StegoConfig config) {
        Properties p = StreamsConfigs.producer(config, "secure-it");
        p.put("delivery.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Reads {@code topic} from the start to its current end, without a consumer group. */
    private static int readAll(StegoConfig config, String topic) {
        Properties p = StreamsConfigs.readCommittedConsumer(config, "unused");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            int records = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp, Duration.ofSeconds(30)) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> ignored : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                }
            }
            return records;
        }
    }

    /** Asks the broker for a topic's partitions, failing within 15 s when it cannot. */
    private static int partitionsFor(Map<String, Object> clientConfig, String topic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.partitionsFor(topic, Duration.ofSeconds(15)).size();
        }
    }

    @Test
    void plaintextClient_atTheTlsListener_isToldInOneLineThatTheBrokerExpectsTls() {
        StegoConfig plaintext = StegoConfig.defaultsOnly()
                .with(Map.of(StegoConfig.BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers()));
        String problem = org.stegoehealth.processors.ClusterCheck.probe(plaintext, Duration.ofSeconds(5))
                .orElseThrow();
        assertTrue(
                problem.contains("expects TLS")
                        && problem.contains(stack.kafka().bootstrapServers()),
                problem);
        assertFalse(problem.contains("\n"), problem);
    }
}
