package org.stegoehealth.ops.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.TinyModels;
import org.stegoehealth.processors.HidingMethod;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.produce.PublishOutcome;
import org.stegoehealth.processors.produce.XrayProducer;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.stack.KafkaSecurity;
import org.stegoehealth.stack.KafkaSecurity.Principal;
import org.stegoehealth.stack.LocalStack;
import org.stegoehealth.stack.pipeline.ClusterContents;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * The two clusters secured on every hop ({@link PipelineCluster.Stack#SECURE_TWO_CLUSTERS}): each broker takes only
 * SASL/SCRAM-SHA-512 over TLS, with its own certificate authority and Kafka users; the producer, the embedder, the
 * extractor and MirrorMaker 2 each sign in as their own user. X-rays go through end to end and the receipts come
 * back; then the clinic's cluster is searched as {@link TwoClustersIT} searches it ({@link XrayNeedles}), every hop
 * is tried with a plaintext client, a client without credentials, wrong passwords, an unknown user, the other
 * cluster's credentials and the other cluster's authority, and the mirror's user is tried on what it has no business
 * with. The model is a tiny untrained one: this test is about where bytes go and who gets in.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SecureTwoClustersIT {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    static Path tmp;

    @Test
    void xraysCrossAsStegoImagesOnly_andEveryHopRefusesPlaintextUnauthenticatedAndForeignClients() throws Exception {
        Path modelDir = TinyModels.write(tmp.resolve("model"), "it-secure-mirror-tiny", 1);
        StegoModel model = ModelArtifact.load(modelDir).toModel();
        StegoConfig base = StegoConfig.defaultsOnly()
                .with(Map.of(StegoConfig.BATCH_LINGER_MS, "300", StegoConfig.COMMIT_INTERVAL_MS, "200"));
        List<Path> xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        PipelineKeys keys = PipelineKeys.under(tmp.resolve("keys"));
        try (PipelineCluster cluster = PipelineCluster.open(
                base, false, false, tmp.resolve("run"), "secure-mirror", PipelineCluster.Stack.SECURE_TWO_CLUSTERS)) {
            assertTrue(cluster.twoClusters() && cluster.secure(), "two secure clusters");
            LocalStack stack = cluster.localStack().orElseThrow();
            Topics topics = cluster.topics();
            cluster.createTopics();
            cluster.publishCovers(SAMPLES.resolve("covers"));
            cluster.publishAndPromote(modelDir, "crosses to the clinic", keys.hospital());

            Map<String, Path> sent = runPipeline(cluster, model, keys, xrays);

            // the way back: the clinic's signed receipts, copied by MirrorMaker 2 signed in at both ends
            long acknowledged = new ReceiptLedger(
                            StreamsConfigs.readCommittedConsumer(cluster.config(), "secure-mirror-receipts"),
                            topics,
                            keys.hospital(),
                            Clock.systemUTC())
                    .awaitAcknowledged(sent.keySet(), WAIT, cluster::checkMirror)
                    .status()
                    .acknowledged(sent.keySet());
            assertEquals(sent.size(), acknowledged, "X-rays acknowledged at the hospital by receipts copied back");

            clinicHoldsNoXrayBytes(cluster, xrays, sent.size());
            mirrorConfig_isOwnerOnly_andSecuredToBothClusters(stack);

            KafkaSecurity hospital = stack.security().orElseThrow();
            KafkaSecurity clinic = stack.clinicSecurity().orElseThrow();
            everyHopRefuses("hospital", stack.bootstrapServers(), hospital, clinic, topics.stego.name());
            everyHopRefuses("clinic", stack.clinicBootstrapServers(), clinic, hospital, topics.stego.name());

            mirrorIsRefusedWhatItHasNoBusinessWith(cluster, topics);
        }
    }

    /** Every sample X-ray through the secured pipeline; each comes out once at the clinic, no dead letters. */
    private static Map<String, Path> runPipeline(
            PipelineCluster cluster, StegoModel model, PipelineKeys keys, List<Path> xrays) throws IOException {
        Topics topics = cluster.topics();
        StegoConfig asProducer = cluster.config(Principal.PRODUCER);
        Map<String, Path> sent = new LinkedHashMap<>();
        try (InProcessPipeline pipeline = InProcessPipeline.start(
                        cluster.config(Principal.EMBEDDER),
                        cluster.config(Principal.EXTRACTOR),
                        topics,
                        ModelSource.fixed(model),
                        ModelSource.fixed(model),
                        keys,
                        InProcessPipeline.START_TIMEOUT);
                PipelineOutputs outputs = new PipelineOutputs(cluster, "secure-mirror-reader");
                Producer<String, XrayImageEvent> kafka = XrayProducer.kafkaProducer(asProducer, topics.xrays)) {
            XrayProducer producer = new XrayProducer(
                    kafka,
                    topics.xrays.name(),
                    asProducer.maxImageSide(),
                    Clock.systemUTC(),
                    HidingMethod.NEURAL,
                    true);
            for (PublishOutcome o : producer.publishAll(xrays, null)) {
                assertTrue(o.ok(), o.toString());
                sent.put(o.key(), o.file());
            }
            outputs.awaitRecovered(sent.keySet(), WAIT, null, () -> {
                pipeline.checkHealthy();
                cluster.checkMirror();
            });
            assertEquals(sent.keySet(), outputs.recovered().keySet(), "every X-ray recovered at the clinic");
            outputs.recoveredCounts().forEach((id, n) -> assertEquals(1, n, "recovered records of " + id));
            assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
        }
        return sent;
    }

    /**
     * {@link TwoClustersIT}'s search on the secured clusters: it finds every file and study reference on the
     * hospital's X-ray topic, and nothing of them at the clinic but the study references on its own output.
     */
    private static void clinicHoldsNoXrayBytes(PipelineCluster cluster, List<Path> xrays, int sent) throws IOException {
        Topics topics = cluster.topics();
        XrayNeedles needles = new XrayNeedles(xrays);
        Map<String, Set<String>> atHospital = new TreeMap<>();
        Map<String, Long> hospitalTopics = ClusterContents.read(cluster.config(), r -> needles.search(r, atHospital));
        for (Path x : xrays) {
            String name = x.getFileName().toString();
            Set<String> found = atHospital.getOrDefault(topics.xrays.name(), Set.of());
            assertTrue(found.contains("file " + name), "the search finds " + name + " at the hospital: " + atHospital);
            assertTrue(found.contains("study " + XrayNeedles.stem(name)), "and its study reference: " + atHospital);
        }
        assertTrue(hospitalTopics.getOrDefault(topics.receipts.name(), 0L) > 0, "receipts copied back");

        Map<String, Set<String>> atClinic = new TreeMap<>();
        Map<String, Long> clinicTopics = ClusterContents.read(cluster.clinicConfig(), r -> needles.search(r, atClinic));
        assertFalse(clinicTopics.containsKey(topics.xrays.name()), "X-ray topic at the clinic: " + clinicTopics);
        assertFalse(clinicTopics.containsKey(topics.covers.name()), "cover topic at the clinic: " + clinicTopics);
        String embedder = cluster.config().embedderApplicationId();
        assertFalse(
                clinicTopics.keySet().stream().anyMatch(t -> t.startsWith(embedder)),
                "embedder internal topics at the clinic: " + clinicTopics);
        for (TopicSpec<?, ?> spec : topics.crossing()) {
            assertTrue(clinicTopics.getOrDefault(spec.name(), 0L) > 0, spec.name() + " crossed: " + clinicTopics);
        }
        assertEquals((long) sent, clinicTopics.get(topics.stego.name()), "stego records at the clinic");
        Map<String, Set<String>> leaks = new TreeMap<>();
        atClinic.forEach((topic, hits) -> leaks.put(topic, new TreeSet<>(hits)));
        // the clinic's own output: the recovered event carries the opened study reference, by design
        Set<String> recovered = leaks.remove(topics.recovered.name());
        if (recovered != null) {
            recovered.removeIf(hit -> hit.startsWith("study "));
            if (!recovered.isEmpty()) {
                leaks.put(topics.recovered.name(), recovered);
            }
        }
        assertEquals(Map.of(), leaks, "what of the X-rays the clinic's cluster holds, by topic");
        System.out.printf("secure hospital cluster: %s%nsecure clinic cluster: %s%n", hospitalTopics, clinicTopics);
    }

    private static void mirrorConfig_isOwnerOnly_andSecuredToBothClusters(LocalStack stack) throws IOException {
        Path file = stack.mirror().orElseThrow().configFile();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        for (String cluster : List.of("hospital", "clinic")) {
            assertEquals("SASL_SSL", p.getProperty(cluster + ".security.protocol"), cluster);
            assertEquals("SCRAM-SHA-512", p.getProperty(cluster + ".sasl.mechanism"), cluster);
            assertTrue(p.getProperty(cluster + ".sasl.jaas.config").contains("username=\"mirror\""), cluster);
        }
        String text = Files.readString(file);
        assertFalse(text.contains(stack.security().orElseThrow().password(Principal.ADMIN)), "hospital admin");
        assertFalse(text.contains(stack.clinicSecurity().orElseThrow().password(Principal.ADMIN)), "clinic admin");
    }

    /**
     * One broker refuses: a plaintext client, a SASL client that skips TLS (with the right mirror password), a TLS
     * client without credentials, each of its users with a wrong password, an unknown user, its own mirror user with
     * the other cluster's mirror password, and a client that trusts only the other cluster's authority. Its users
     * with their own passwords get in.
     */
    private static void everyHopRefuses(
            String name, String bootstrap, KafkaSecurity security, KafkaSecurity other, String topic) {
        Map<String, Object> plaintext = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        assertThrows(TimeoutException.class, () -> partitionsFor(plaintext, topic), name + ": plaintext");

        Map<String, Object> saslWithoutTls = client(bootstrap, security.clientConfig(Principal.MIRROR));
        saslWithoutTls.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        assertThrows(TimeoutException.class, () -> partitionsFor(saslWithoutTls, topic), name + ": SASL without TLS");

        Map<String, Object> tlsWithoutCredentials = client(bootstrap, security.clientConfig(Principal.MIRROR));
        tlsWithoutCredentials.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        tlsWithoutCredentials.remove("sasl.mechanism");
        tlsWithoutCredentials.remove("sasl.jaas.config");
        assertThrows(
                TimeoutException.class,
                () -> partitionsFor(tlsWithoutCredentials, topic),
                name + ": TLS without credentials");

        for (Principal p : security.principals()) {
            Map<String, Object> wrong = client(bootstrap, security.clientConfig(p.user(), "not-the-password"));
            assertThrows(
                    SaslAuthenticationException.class,
                    () -> partitionsFor(wrong, topic),
                    name + ": " + p.user() + " with a wrong password");
            assertEquals(1, signIn(client(bootstrap, security.clientConfig(p))), name + ": " + p.user() + " signs in");
        }
        Map<String, Object> stranger =
                client(bootstrap, security.clientConfig("mallory", security.password(Principal.ADMIN)));
        assertThrows(SaslAuthenticationException.class, () -> partitionsFor(stranger, topic), name + ": unknown user");

        Map<String, Object> otherPassword =
                client(bootstrap, security.clientConfig(Principal.MIRROR.user(), other.password(Principal.MIRROR)));
        assertThrows(
                SaslAuthenticationException.class,
                () -> partitionsFor(otherPassword, topic),
                name + ": the other cluster's mirror password");

        Map<String, Object> otherAuthority = client(bootstrap, other.clientConfig(Principal.MIRROR));
        otherAuthority.put(
                "sasl.jaas.config", security.clientConfig(Principal.MIRROR).get("sasl.jaas.config"));
        assertThrows(
                SslAuthenticationException.class,
                () -> partitionsFor(otherAuthority, topic),
                name + ": a client trusting the other cluster's authority only");
    }

    /**
     * The mirror's user reads only what leaves its cluster and writes only what arrives: at the hospital it cannot
     * read X-rays, covers, dead letters or the receipts it writes there, nor write the stego topic it reads; at the
     * clinic it cannot read the recovered X-rays, dead letters or the stego topic it writes there, nor write the
     * recovered X-rays or the receipts it reads.
     */
    private static void mirrorIsRefusedWhatItHasNoBusinessWith(PipelineCluster cluster, Topics topics) {
        StegoConfig atHospital = cluster.config(Principal.MIRROR);
        StegoConfig atClinic = cluster.clinicConfig(Principal.MIRROR);
        // granted: what crosses, where it leaves from
        assertTrue(readAll(atHospital, topics.stego.name()) > 0, "the mirror reads stego images at the hospital");
        assertTrue(readAll(atClinic, topics.receipts.name()) > 0, "the mirror reads receipts at the clinic");

        for (String topic :
                List.of(topics.xrays.name(), topics.covers.name(), topics.deadLetters.name(), topics.receipts.name())) {
            assertThrows(
                    TopicAuthorizationException.class,
                    () -> readAll(atHospital, topic),
                    "the mirror reads " + topic + " at the hospital");
        }
        assertWriteRefused(atHospital, topics.stego.name());
        assertWriteRefused(atHospital, topics.xrays.name());
        for (String topic : List.of(topics.recovered.name(), topics.deadLetters.name(), topics.stego.name())) {
            assertThrows(
                    TopicAuthorizationException.class,
                    () -> readAll(atClinic, topic),
                    "the mirror reads " + topic + " at the clinic");
        }
        assertWriteRefused(atClinic, topics.recovered.name());
        assertWriteRefused(atClinic, topics.receipts.name());
    }

    private static void assertWriteRefused(StegoConfig config, String topic) {
        Properties p = StreamsConfigs.producer(config, "secure-mirror-it");
        p.put("delivery.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(topic, "forged", new byte[] {1}))
                            .get(30, TimeUnit.SECONDS),
                    "writing " + topic);
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), "writing " + topic);
        }
    }

    private static Map<String, Object> client(String bootstrap, Map<String, String> settings) {
        Map<String, Object> c = new HashMap<>(settings);
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return c;
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

    /** Signs in and asks for the cluster's nodes (no ACL needed): how many there are. */
    private static int signIn(Map<String, Object> clientConfig) {
        try (Admin admin = Admin.create(clientConfig)) {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot sign in: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Asks the broker for a topic's partitions, failing within 8 s when it cannot. */
    private static int partitionsFor(Map<String, Object> clientConfig, String topic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.partitionsFor(topic, Duration.ofSeconds(8)).size();
        }
    }
}
