package org.stegoehealth.ops.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.lab.eval.Quality;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.StegoNetwork;
import org.stegoehealth.model.TinyModels;
import org.stegoehealth.ops.StegoCli;
import org.stegoehealth.processors.BatchSettings;
import org.stegoehealth.processors.DeadLetters;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.ExtractionTopology;
import org.stegoehealth.processors.InputRecord;
import org.stegoehealth.processors.MessageIds;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StegoEvents;
import org.stegoehealth.processors.StreamsApp;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.admin.TopicRange;
import org.stegoehealth.processors.cli.CliRun;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.processors.models.ModelEvents;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.processors.produce.XrayProducer;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.Png;
import org.stegoehealth.stack.LocalStack;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;
import org.stegoehealth.web.console.HospitalConsole;
import org.stegoehealth.web.console.ReplayDesk;

/** {@code stego models} against a real broker and registry: publish, promote, list, retire, pull, verify. */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ModelsIT {

    private static final NetworkConfig NET = TinyModels.SMALLEST;
    private static final Path SAMPLES = Path.of("..", "samples");

    @TempDir
    static Path tmp;

    private static LocalStack stack;
    private static Keyring keyring;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(tmp.resolve("stack"));
        keyring = Keyring.init(tmp.resolve("keyring"), "hospital");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static Path artifact(String version, long seed) throws IOException {
        return TinyModels.write(
                tmp.resolve("src-" + version),
                TinyModels.metadata(version, NET, Map.of(), Map.of("coverPsnr", 31.25, "secretPsnr", 30.5)),
                seed);
    }

    /** Runs {@code stego models ...} on the stack and returns {exit code, stdout + stderr}. */
    private static String[] models(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of("models"));
        all.addAll(List.of(args));
        return run(prefix, true, all.toArray(String[]::new));
    }

    /** Runs {@code stego ...} on the stack (evaluate: offline), with the test keyring if asked; {exit code, output}. */
    private static String[] run(String prefix, boolean withKeyring, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("evaluate")) {
            all.addAll(List.of(
                    "--bootstrap-servers",
                    stack.bootstrapServers(),
                    "--schema-registry-url",
                    stack.schemaRegistryUrl(),
                    "--topic-prefix",
                    prefix));
        }
        if (withKeyring) {
            all.addAll(List.of("--keyring", keyring.dir().toString()));
        }
        CliRun run = CliRun.run(new StegoCli(), all.toArray(String[]::new));
        return new String[] {Integer.toString(run.code()), run.out() + run.err()};
    }

    @Test
    void publishPromoteRetirePull_roundTripThroughTheTopics_andATamperedEventIsRefused() throws Exception {
        String prefix = "models-it-";
        stack.createTopics(new Topics(prefix, stack.schemaRegistryClient(), 1));
        Path v1 = artifact("v1", 1);
        Path v2 = artifact("v2", 2);

        assertEquals("0", models(prefix, "publish", v1.toString(), "--promote", "--reason", "first")[0]);
        String[] published = models(prefix, "publish", v2.toString(), "--parent", "v1");
        assertEquals("0", published[0], published[1]);
        assertEquals("0", models(prefix, "promote", "v2", "--reason", "better on held-out")[0]);

        // a tampered copy of v2 under a new version name: its weights no longer match the signed checksum
        ModelEvent bad = ModelEvents.fromArtifact(artifact("v3", 3), "v2", "mallory", Instant.now(), keyring.signer());
        byte[] weights = new byte[bad.getWeights().remaining()];
        bad.getWeights().duplicate().get(weights);
        weights[weights.length - 1] ^= 1;
        bad.setWeights(ByteBuffer.wrap(weights));
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(stack.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topics.models.name(),
                            "v3",
                            topics.models.valueSerde().serializer().serialize(topics.models.name(), bad)))
                    .get();
        }

        String[] list = models(prefix, "list");
        assertEquals("0", list[0], list[1]);
        assertTrue(
                list[1].lines()
                        .anyMatch(l -> l.startsWith("* v2")
                                && l.contains("v1")
                                && l.contains("31.25")
                                && l.contains("(promoted)")),
                list[1]);
        assertTrue(list[1].lines().anyMatch(l -> l.contains("v1 ") && l.contains("AVAILABLE")), list[1]);
        assertTrue(list[1].contains("1 event(s) refused"), list[1]);
        assertTrue(list[1].lines().noneMatch(l -> l.contains("v3")), list[1]);

        String[] refused = models(prefix, "promote", "v3");
        assertNotEquals("0", refused[0], refused[1]);
        assertTrue(refused[1].contains("model v3 has not been published"), refused[1]);

        assertEquals("0", models(prefix, "retire", "v1", "--reason", "superseded")[0]);
        list = models(prefix, "list");
        assertTrue(list[1].lines().anyMatch(l -> l.contains("v1 ") && l.contains("RETIRED")), list[1]);

        Path pulled = tmp.resolve("pulled");
        assertEquals("0", models(prefix, "pull", "v1", "--to", pulled.toString())[0]);
        assertArrayEquals(
                Files.readAllBytes(v1.resolve(ModelArtifact.WEIGHTS_FILE)),
                Files.readAllBytes(pulled.resolve("v1").resolve(ModelArtifact.WEIGHTS_FILE)));
        String[] verified = models(prefix, "verify", pulled.resolve("v1").toString(), "--signed");
        assertEquals("0", verified[0], verified[1]);
        assertTrue(verified[1].contains("matches the signed event"), verified[1]);
    }

    @Test
    void aVersionIsImmutable_publishingOtherWeightsIsRefused_andAfterCompactionReadersKeepTheFirstOrReportAConflict()
            throws Exception {
        String prefix = "immutable-it-";
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        Path first = artifact("m1", 11);
        Path altered = ModelArtifact.write(
                Files.createDirectories(tmp.resolve("altered")),
                ModelArtifact.load(first).metadata(),
                StegoNetwork.initialWeights(NET, 12));
        String firstSha = ModelArtifact.load(first).metadata().weightsSha256();
        String alteredSha = ModelArtifact.load(altered).metadata().weightsSha256();
        assertNotEquals(firstSha, alteredSha);
        assertEquals("0", models(prefix, "publish", first.toString())[0]);

        String[] again = models(prefix, "publish", altered.toString());
        assertNotEquals("0", again[0], again[1]);
        assertTrue(again[1].contains("model m1 is already published with other weights"), again[1]);
        String[] same = models(prefix, "publish", first.toString());
        assertEquals("0", same[0], same[1]);
        assertTrue(same[1].contains("already published with these weights"), same[1]);

        // someone holding the signing key writes the altered artifact anyway, under the key form of today (twice, so
        // that compaction has a record to remove) and under a bare version, as events were keyed before
        ModelEvent forged = ModelEvents.fromArtifact(altered, null, "mallory", Instant.now(), keyring.signer());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(stack.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            for (String key : List.of(Topics.modelKey(forged), Topics.modelKey(forged), "m1")) {
                producer.send(new ProducerRecord<>(
                                topics.models.name(),
                                key,
                                topics.models.valueSerde().serializer().serialize(topics.models.name(), forged)))
                        .get();
            }
        }
        compact(topics.models.name(), Topics.modelKey(forged));

        String[] list = models(prefix, "list");
        assertEquals("0", list[0], list[1]);
        assertTrue(
                list[1].contains("CONFLICT: m1 was published again with other weights (sha256 " + alteredSha), list[1]);
        String[] pull =
                models(prefix, "pull", "m1", "--to", tmp.resolve("pulled-m1").toString());
        assertNotEquals("0", pull[0], pull[1]);
        assertTrue(
                pull[1].contains("model m1: conflict: published with other weights too (first sha256 " + firstSha),
                pull[1]);
        String[] promote = models(prefix, "promote", "m1");
        assertNotEquals("0", promote[0], promote[1]);
        assertTrue(promote[1].contains("model m1: conflict"), promote[1]);
        // a fresh reader, as a newly started application, keeps the first weights
        try (ModelsCommand.Scratch scratch = new ModelsCommand.Scratch()) {
            org.stegoehealth.processors.models.ModelRegistry registry =
                    new org.stegoehealth.processors.models.ModelRegistry(
                            new org.stegoehealth.model.ModelCache(scratch.dir), keyring, keyring.name(), 1);
            try (org.stegoehealth.processors.models.ModelFeed feed = new org.stegoehealth.processors.models.ModelFeed(
                    org.stegoehealth.processors.StreamsConfigs.readCommittedConsumer(
                            StegoConfig.defaultsOnly()
                                    .with(Map.of(StegoConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers())),
                            "immutable-it-reader"),
                    topics,
                    registry)) {
                feed.catchUp(java.time.Duration.ofSeconds(30));
            }
            assertEquals(
                    firstSha, registry.version("m1").orElseThrow().metadata().weightsSha256());
            assertArrayEquals(
                    Files.readAllBytes(first.resolve(ModelArtifact.WEIGHTS_FILE)),
                    Files.readAllBytes(registry.artifactDir("m1").resolve(ModelArtifact.WEIGHTS_FILE)));
        }
    }

    /** Every record of {@code topic}'s first partition, read raw until it has been quiet for 1.5 s. */
    private static List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records(
            String topic, boolean committedOnly) {
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> raw = fromStart(topic, committedOnly)) {
            for (int quiet = 0; quiet < 3; ) {
                var polled = raw.poll(java.time.Duration.ofMillis(500));
                quiet = polled.isEmpty() ? quiet + 1 : 0;
                polled.forEach(out::add);
            }
        }
        return out;
    }

    /** A raw consumer of {@code topic}'s first partition, positioned at its start. */
    private static org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> fromStart(
            String topic, boolean committedOnly) {
        Properties consumer = new Properties();
        consumer.putAll(stack.clientConfig());
        consumer.put("isolation.level", committedOnly ? "read_committed" : "read_uncommitted");
        org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> raw =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                        consumer,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        org.apache.kafka.common.TopicPartition p0 = new org.apache.kafka.common.TopicPartition(topic, 0);
        raw.assign(List.of(p0));
        raw.seekToBeginning(List.of(p0));
        return raw;
    }

    /**
     * Makes the broker compact {@code topic} now and waits until it has: {@code twiceKeyed} was written twice, and
     * compaction leaves one record of it.
     */
    private static void compact(String topic, String twiceKeyed) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(stack.clientConfig())) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            List<org.apache.kafka.clients.admin.AlterConfigOp> ops = new ArrayList<>();
            for (var e : Map.of(
                            "segment.ms", "100",
                            "min.cleanable.dirty.ratio", "0.01",
                            "delete.retention.ms", "0",
                            "min.compaction.lag.ms", "0")
                    .entrySet()) {
                ops.add(new org.apache.kafka.clients.admin.AlterConfigOp(
                        new org.apache.kafka.clients.admin.ConfigEntry(e.getKey(), e.getValue()),
                        org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET));
            }
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            Thread.sleep(1_000);
            // a record written after the segment time rolls the segment, so the cleaner may take the old one
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(stack.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topic, "roll", new byte[0])).get();
            }
            if (records(topic, false).stream()
                            .filter(r -> twiceKeyed.equals(new String(r.key(), StandardCharsets.UTF_8)))
                            .count()
                    == 1) {
                return;
            }
        }
        throw new AssertionError("the broker did not compact " + topic + " within 90 s");
    }

    @Test
    void oldSignedModelAndPromotionEvents_publishedAgain_changeNothing() throws Exception {
        String prefix = "rollback-it-";
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        assertEquals(
                "0", models(prefix, "publish", artifact("r1", 61).toString(), "--promote", "--reason", "first")[0]);
        assertEquals("0", models(prefix, "publish", artifact("r2", 62).toString(), "--parent", "r1")[0]);
        assertEquals("0", models(prefix, "promote", "r2", "--reason", "better")[0]);
        assertEquals("0", models(prefix, "retire", "r1", "--reason", "compromised")[0]);
        String[] before = models(prefix, "list");
        assertTrue(before[1].lines().anyMatch(l -> l.contains("r1 ") && l.contains("RETIRED")), before[1]);
        assertTrue(before[1].contains("promoted: r2"), before[1]);

        // the very records the hospital signed first (r1 AVAILABLE, the promotion of r1), sent again byte for byte
        var oldModel = records(topics.models.name(), false).get(0);
        var oldPromotion = records(topics.promotions.name(), false).get(0);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(stack.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.models.name(), oldModel.key(), oldModel.value()))
                    .get();
            producer.send(new ProducerRecord<>(topics.promotions.name(), oldPromotion.key(), oldPromotion.value()))
                    .get();
        }

        String[] after = models(prefix, "list");
        assertEquals("0", after[0], after[1]);
        assertTrue(after[1].lines().anyMatch(l -> l.contains("r1 ") && l.contains("RETIRED")), after[1]);
        assertTrue(after[1].contains("promoted: r2"), after[1]);
        assertTrue(after[1].contains("2 event(s) refused"), after[1]);
        // what a running application follows: the same fold, from the topics
        try (FollowedModels followed = FollowedModels.start(
                StegoConfig.load(
                        null,
                        Map.of(),
                        Map.of(
                                StegoConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                                StegoConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl(),
                                StegoConfig.TOPIC_PREFIX, prefix,
                                StegoConfig.MODEL_CACHE_DIR,
                                        tmp.resolve("rollback-cache").toString())),
                topics,
                keyring,
                "hospital",
                "rollback-it-follower")) {
            assertEquals(Optional.of("r2"), followed.registry().promotedVersion());
            assertEquals(
                    org.stegoehealth.schemas.ModelStatus.RETIRED,
                    followed.registry().version("r1").orElseThrow().status());
            assertEquals(2, followed.registry().refusedCount());
        }

        // the broker compacts both topics: the re-sent records replace the originals of their own keys only, so a
        // reader that starts now still sees the retirement and the latest promotion
        compact(topics.models.name(), new String(oldModel.key(), java.nio.charset.StandardCharsets.UTF_8));
        compact(topics.promotions.name(), new String(oldPromotion.key(), java.nio.charset.StandardCharsets.UTF_8));
        String[] compacted = models(prefix, "list");
        assertEquals("0", compacted[0], compacted[1]);
        assertTrue(compacted[1].lines().anyMatch(l -> l.contains("r1 ") && l.contains("RETIRED")), compacted[1]);
        assertTrue(compacted[1].contains("promoted: r2"), compacted[1]);
    }

    @Test
    void privateModel_publishedWithModelsSealedTo_neverCarriesItsWeightsInClear_andOnlyTheClinicPullsIt()
            throws Exception {
        String prefix = "private-it-";
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        Keyring clinic = Keyring.init(tmp.resolve("clinic-keyring"), "clinic-a");
        keyring = keyring.importPublic(clinic.exportPublic(Optional.empty()), "clinic-a.pub.json", true)
                .keyring();
        clinic.importPublic(keyring.exportPublic(Optional.empty()), "hospital.pub.json", false);
        Keyring outsider = Keyring.init(tmp.resolve("outsider-keyring"), "clinic-b");
        outsider.importPublic(keyring.exportPublic(Optional.empty()), "hospital.pub.json", false);
        Path config = Files.writeString(tmp.resolve("private.properties"), "models.sealed.to=clinic-a\n");
        Path p1 = artifact("p1", 41);

        String[] published = models(prefix, "publish", p1.toString(), "-c", config.toString());
        assertEquals("0", published[0], published[1]);

        // every byte of the model topic: no window of the weights appears
        byte[] weights = Files.readAllBytes(p1.resolve(ModelArtifact.WEIGHTS_FILE));
        byte[] window = java.util.Arrays.copyOfRange(weights, weights.length / 2, weights.length / 2 + 32);
        Properties consumer = new Properties();
        consumer.putAll(stack.clientConfig());
        consumer.put("auto.offset.reset", "earliest");
        consumer.put("group.id", "private-it-scan");
        int records = 0;
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> raw =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                        consumer,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            raw.subscribe(List.of(topics.models.name()));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (records == 0 && System.nanoTime() < until) {
                for (var r : raw.poll(java.time.Duration.ofMillis(500))) {
                    records++;
                    assertTrue(indexOf(r.value(), window) < 0, "the private model's weights travel in clear");
                }
            }
        }
        assertEquals(1, records, "model events read");

        Path pulled = tmp.resolve("pulled-private");
        String[] atClinic = pull(prefix, "p1", pulled, clinic);
        assertEquals("0", atClinic[0], atClinic[1]);
        assertArrayEquals(weights, Files.readAllBytes(pulled.resolve("p1").resolve(ModelArtifact.WEIGHTS_FILE)));
        String[] elsewhere = pull(prefix, "p1", tmp.resolve("pulled-outsider"), outsider);
        assertNotEquals("0", elsewhere[0], elsewhere[1]);
        assertTrue(elsewhere[1].contains("model p1 has not been published, or its event was refused"), elsewhere[1]);
    }

    /**
     * {@code stego models pull VERSION --to DIR} at a clinic: with {@code keys} instead of the hospital's keyring,
     * trusting the hospital for model events ({@code hospital.id}).
     */
    private static String[] pull(String prefix, String version, Path to, Keyring keys) throws IOException {
        Path config = Files.writeString(tmp.resolve("at-" + keys.name() + ".properties"), "hospital.id=hospital\n");
        return run(
                prefix,
                false,
                "models",
                "pull",
                version,
                "--to",
                to.toString(),
                "--keyring",
                keys.dir().toString(),
                "-c",
                config.toString());
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void replay_rangeOfTheXrayTopicThroughTwoVersions_matchesStegoEvaluateOnTheSamePairs() throws Exception {
        String prefix = "replay-it-";
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        StegoConfig config = StegoConfig.defaultsOnly()
                .with(Map.of(
                        StegoConfig.BOOTSTRAP_SERVERS,
                        stack.bootstrapServers(),
                        StegoConfig.SCHEMA_REGISTRY_URL,
                        stack.schemaRegistryUrl(),
                        StegoConfig.TOPIC_PREFIX,
                        prefix));
        try (Producer<String, CoverImageEvent> covers = CoverProducer.kafkaProducer(config, topics.covers);
                Producer<String, XrayImageEvent> xrays = XrayProducer.kafkaProducer(config, topics.xrays)) {
            new CoverProducer(covers, topics.covers.name(), 4096, Clock.systemUTC())
                    .publish(SAMPLES.resolve("covers"), null);
            new XrayProducer(xrays, topics.xrays.name(), 4096, Clock.systemUTC())
                    .publishAll(Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true), null);
        }
        Path v1 = artifact("rv1", 21);
        Path v2 = artifact("rv2", 22);
        assertEquals("0", models(prefix, "publish", v1.toString(), "--promote")[0]);
        Path out = tmp.resolve("replay");

        // a version the model topic does not hold is refused before any X-ray is written to --out
        String[] unknown =
                run(prefix, true, "replay", "--version", "nope", "--model-dir", v2.toString(), "--out", out.toString());
        assertEquals("2", unknown[0], unknown[1]);
        assertTrue(unknown[1].contains("error: --version nope: not a verified version on "), unknown[1]);
        assertFalse(Files.exists(out.resolve("pairs")), "replay wrote X-rays before refusing the version");
        assertFalse(Files.exists(out.resolve("replay.json")), "replay wrote a report for a version it refused");

        String[] replay = run(
                prefix,
                true,
                "replay",
                "--version",
                "rv1",
                "--model-dir",
                v2.toString(),
                "--from-offset",
                "1",
                "--limit",
                "4",
                "--size",
                "64",
                "--out",
                out.toString());
        assertEquals("0", replay[0], replay[1]);
        assertTrue(replay[1].contains("4 replayed X-ray(s) at 64x64"), replay[1]);
        assertTrue(replay[1].lines().anyMatch(l -> l.startsWith("rv2") && l.contains("cover")), replay[1]);
        JsonNode doc = new ObjectMapper().readTree(out.resolve("replay.json").toFile());
        assertEquals(4, doc.get("images").asInt());
        assertEquals(2, doc.get("versions").size());
        assertTrue(Files.isRegularFile(out.resolve("report.html")));

        Path json = tmp.resolve("evaluate.json");
        String[] evaluate = run(
                prefix,
                false,
                "evaluate",
                "--covers",
                out.resolve("pairs/covers").toString(),
                "--xrays",
                out.resolve("pairs/xrays").toString(),
                "--size",
                "64",
                "--model",
                v1.toString(),
                "--json",
                json.toString());
        assertEquals("0", evaluate[0], evaluate[1]);
        JsonNode eval = new ObjectMapper().readTree(json.toFile());
        JsonNode rv1 = doc.get("versions").get(0);
        assertEquals("rv1", rv1.get("version").asText());
        assertEquals(
                eval.get("embedding").get("psnr").asDouble(),
                rv1.get("embedding").get("psnr").asDouble(),
                0.01);
        assertEquals(
                eval.get("extraction").get("psnr").asDouble(),
                rv1.get("extraction").get("psnr").asDouble(),
                0.01);

        // the hospital console's replay, found as the console finds it, on the same range
        ReplayDesk.Runner console = ReplayDesk.installed(config.with(
                        Map.of(StegoConfig.KEYRING_DIR, keyring.dir().toString())))
                .orElseThrow(() -> new AssertionError("the console finds no replay with the lab module present"));
        Path consoleOut = Files.createDirectories(tmp.resolve("console-replay"));
        List<String> progress = new ArrayList<>();
        String table = console.run(
                ReplayDesk.request(List.of("rv1"), "1", null, null, null, "4", v -> true), consoleOut, progress::add);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("rv1")), table);
        assertFalse(table.contains(consoleOut.toString()), "the table names no file of the console's machine");
        assertTrue(progress.stream().anyMatch(l -> l.contains("4 X-ray(s) replayed")), progress.toString());
        JsonNode fromConsole =
                new ObjectMapper().readTree(consoleOut.resolve("replay.json").toFile());
        assertEquals(4, fromConsole.get("images").asInt());
        assertEquals("rv1", fromConsole.get("versions").get(0).get("version").asText());
        assertTrue(Files.isRegularFile(consoleOut.resolve("report.html")));

        // and from the console itself, as an operator starts and follows it over HTTPS
        Path users = tmp.resolve("console-users");
        new Users(users).add("ops.anna", "replays from the console".toCharArray(), false, Users.Role.OPERATOR);
        try (HospitalConsole running = HospitalConsole.start(config.with(Map.of(
                StegoConfig.KEYRING_DIR, keyring.dir().toString(),
                StegoConfig.VIEWER_PORT, "0",
                StegoConfig.VIEWER_USERS_FILE, users.toString(),
                StegoConfig.MODEL_CACHE_DIR, tmp.resolve("console-models").toString(),
                StegoConfig.STATE_DIR, tmp.resolve("console-state").toString())))) {
            ConsoleClient ops = ConsoleClient.signIn(running, "ops.anna", "replays from the console");
            HttpResponse<String> started = ops.send("POST", "/replays", "version=rv1&fromOffset=1&limit=4");
            assertEquals(302, started.statusCode(), started.body());
            String page = started.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> panel = ops.send("GET", page + "/panel", null);
            for (int i = 0; i < 240 && panel.statusCode() == 200; i++) {
                Thread.sleep(500);
                panel = ops.send("GET", page + "/panel", null);
            }
            assertEquals(286, panel.statusCode(), "the replay never finished: " + panel.body());
            assertTrue(panel.body().contains("<b id=\"replay-state\">done</b>"), panel.body());
            assertTrue(panel.body().lines().anyMatch(l -> l.startsWith("rv1")), panel.body());
            HttpResponse<String> report = ops.send("GET", page + "/report/report.html", null);
            assertEquals(200, report.statusCode());
            assertTrue(report.body().contains("rv1"), report.body());
            assertEquals(
                    4,
                    new ObjectMapper()
                            .readTree(ops.send("GET", page + "/report/replay.json", null)
                                    .body())
                            .get("images")
                            .asInt());
            assertEquals(404, ops.send("GET", page + "/report/pairs", null).statusCode());
        }
    }

    /** An HTTPS client of a running console that trusts its certificate, signed in as one user. */
    private record ConsoleClient(HospitalConsole console, java.net.http.HttpClient http, String cookie) {

        static ConsoleClient signIn(HospitalConsole console, String user, String password) throws Exception {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(
                    "console", console.server().settings().tls().certificate());
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            java.net.http.HttpClient http =
                    java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
            ConsoleClient anonymous = new ConsoleClient(console, http, null);
            HttpResponse<String> r = anonymous.send(
                    "POST",
                    "/sign-in",
                    "user=" + user + "&password=" + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8)
                            + "&next=/replays");
            assertEquals(302, r.statusCode(), r.body());
            String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
            return new ConsoleClient(
                    console, http, setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';')));
        }

        HttpResponse<String> send(String method, String path, String form) throws Exception {
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(console.url() + path))
                    .timeout(Duration.ofSeconds(30));
            if (cookie != null) {
                b.header("Cookie", WebServer.SESSION_COOKIE + "=" + cookie);
            }
            if (form != null) {
                b.header("Content-Type", "application/x-www-form-urlencoded");
            }
            b.method(
                    method,
                    form == null
                            ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(form));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void replayStego_rangeOfTheStegoTopicThroughTheExtractor_comparedWithTheOriginals() throws Exception {
        String prefix = "replay-stego-it-";
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        Path v1 = artifact("sv1", 31);
        Path v2 = artifact("sv2", 32);
        assertEquals("0", models(prefix, "publish", v1.toString(), "--promote")[0]);
        assertEquals("0", models(prefix, "publish", v2.toString())[0]);
        HidingModel m1 = ModelArtifact.load(v1).toModel();
        HidingModel m2 = ModelArtifact.load(v2).toModel();

        // three X-rays as the hospital sent them (64x64 files, so the test stays quick), hidden with sv1 and signed
        // as the embedder does; then one event signed by a key nobody trusts
        Path originals = Files.createDirectories(tmp.resolve("originals"));
        List<Path> xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        FloatImage cover = Images.squareAt(
                        Images.read(Evaluation.imageFiles(SAMPLES.resolve("covers"), n -> true)
                                .get(0)),
                        64)
                .toRgb()
                .quantize8();
        List<FloatImage> secrets = new ArrayList<>();
        List<FloatImage> stegos = new ArrayList<>();
        List<StegoImageEvent> events = new ArrayList<>();
        Keyring stranger = Keyring.init(tmp.resolve("stranger"), "stranger");
        for (int i = 0; i < 4; i++) {
            FloatImage secret =
                    Images.squareAt(Images.read(xrays.get(i)), 64).toGray().quantize8();
            byte[] file = Png.encode(secret.toBufferedImage());
            Files.write(originals.resolve("xray-" + i + ".png"), file);
            FloatImage stego = m1.embed(List.of(cover), List.of(secret)).get(0).quantize8();
            StegoImageEvent event = StegoImageEvent.newBuilder()
                    .setMessageId(MessageIds.fromContent(file))
                    .setModelVersion("sv1")
                    .setWidth(64)
                    .setHeight(64)
                    .setSecretChannels(1)
                    .setImage(ByteBuffer.wrap(Png.encode(stego.toBufferedImage())))
                    .setCreatedAt(Instant.now())
                    .setHidingMethod("neural")
                    .build();
            events.add(StegoEvents.sign(event, (i < 3 ? keyring : stranger).signer()));
            if (i < 3) {
                secrets.add(secret);
                stegos.add(stego);
            }
        }
        Properties producerConfig = new Properties();
        producerConfig.putAll(stack.clientConfig());
        try (Producer<String, StegoImageEvent> producer = new KafkaProducer<>(
                producerConfig,
                new StringSerializer(),
                topics.stego.valueSerde().serializer())) {
            for (StegoImageEvent e : events) {
                producer.send(new ProducerRecord<>(topics.stego.name(), e.getMessageId(), e))
                        .get();
            }
        }

        Path out = tmp.resolve("replay-stego");
        String[] replay = run(
                prefix,
                true,
                "replay",
                "--stego",
                "--originals",
                originals.toString(),
                "--from-offset",
                "0",
                "--limit",
                "10",
                "--out",
                out.toString());
        assertEquals("0", replay[0], replay[1]);
        assertTrue(replay[1].contains("4 replayed stego image(s) through the extractor"), replay[1]);
        assertTrue(replay[1].contains("1 TAMPERED"), replay[1]);
        JsonNode doc = new ObjectMapper().readTree(out.resolve("replay.json").toFile());
        assertEquals(1, doc.get("versions").size());
        JsonNode named = doc.get("versions").get(0);
        assertEquals(3, named.get("images").asInt());
        assertEquals(3, named.get("perImage").size());
        assertEquals("sv1", named.get("perImage").get(0).get("namedVersion").asText());
        assertEquals(
                offlinePsnr(m1, stegos, secrets),
                named.get("extraction").get("psnr").asDouble(),
                0.01);
        assertTrue(Files.isRegularFile(out.resolve("report.html")));

        // the same range forced through both versions: one row each, sv2 recovers what sv2 would from sv1's images
        Path forced = tmp.resolve("replay-stego-forced");
        String[] both = run(
                prefix,
                true,
                "replay",
                "--stego",
                "--originals",
                originals.toString(),
                "--version",
                "sv1",
                "--version",
                "sv2",
                "--out",
                forced.toString());
        assertEquals("0", both[0], both[1]);
        JsonNode rows = new ObjectMapper()
                .readTree(forced.resolve("replay.json").toFile())
                .get("versions");
        assertEquals(2, rows.size());
        assertEquals(
                offlinePsnr(m1, stegos, secrets),
                rows.get(0).get("extraction").get("psnr").asDouble(),
                0.01);
        assertEquals(
                offlinePsnr(m2, stegos, secrets),
                rows.get(1).get("extraction").get("psnr").asDouble(),
                0.01);
        assertTrue(both[1].lines().anyMatch(l -> l.startsWith("sv2") && l.contains("secret")), both[1]);
    }

    /** Mean secret PSNR of {@code model}'s 8-bit extraction of {@code stegos}, computed offline. */
    private static double offlinePsnr(HidingModel model, List<FloatImage> stegos, List<FloatImage> secrets) {
        Quality.Mean mean = new Quality.Mean();
        List<FloatImage> back = model.extract(stegos);
        for (int i = 0; i < secrets.size(); i++) {
            FloatImage recovered =
                    FloatImage.of(back.get(i).withChannels(1).toBufferedImage()).withChannels(1);
            mean.add(Quality.of(secrets.get(i), recovered));
        }
        return mean.get().psnr();
    }

    @Test
    void replayingTamperedDeadLetters_reInjectsNothingThatFailsVerificationNow_soNothingIsRecovered() throws Exception {
        String prefix = "dlq-tampered-it-";
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        Keyring hospital = Keyring.init(tmp.resolve("dlq-hospital"), "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("dlq-clinic"), "clinic-t")
                .importPublic(hospital.exportPublic(Optional.empty()), "hospital.pub.json", false)
                .keyring();
        HidingModel model = ModelArtifact.load(artifact("dlq1", 71)).toModel();
        FloatImage cover = Images.squareAt(
                        Images.read(Evaluation.imageFiles(SAMPLES.resolve("covers"), n -> true)
                                .get(0)),
                        64)
                .toRgb()
                .quantize8();
        FloatImage secret = Images.squareAt(
                        Images.read(Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true)
                                .get(0)),
                        64)
                .toGray()
                .quantize8();
        StegoImageEvent unsigned = StegoImageEvent.newBuilder()
                .setMessageId("dlq-1")
                .setModelVersion("dlq1")
                .setWidth(64)
                .setHeight(64)
                .setSecretChannels(1)
                .setImage(ByteBuffer.wrap(Png.encode(model.embed(List.of(cover), List.of(secret))
                        .get(0)
                        .quantize8()
                        .toBufferedImage())))
                .setCreatedAt(Instant.now())
                .setHidingMethod("neural")
                .setClinic("clinic-t")
                .build();
        // an X-ray injected in the hospital's name by someone holding the clinic's own keyring
        StegoImageEvent forged = StegoEvents.sign(unsigned, clinic.signer());
        StegoConfig config = StegoConfig.load(
                null,
                Map.of(),
                Map.of(
                        StegoConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                        StegoConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl(),
                        StegoConfig.TOPIC_PREFIX, prefix,
                        StegoConfig.STATE_DIR, tmp.resolve("dlq-state").toString(),
                        StegoConfig.EXTRACTOR_APPLICATION_ID, "dlq-tampered-extractor",
                        StegoConfig.KEYRING_DIR, clinic.dir().toString()));
        try (StreamsApp extractor = StreamsApp.start(
                        "extractor",
                        ExtractionTopology.build(
                                topics,
                                model,
                                BatchSettings.uniform(1, java.time.Duration.ofMillis(100), 256),
                                TransferSecurity.from(config, TransferSecurity.Site.CLINIC)),
                        StreamsConfigs.base(config, config.extractorApplicationId()));
                Producer<String, StegoImageEvent> producer = new KafkaProducer<>(
                        stack.clientConfig(),
                        new StringSerializer(),
                        topics.stego.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.stego.name(), "dlq-1", forged))
                    .get();
            List<DeadLetterEvent> dead = awaitValues(topics.deadLetters.name(), topics, 1);
            assertEquals("TAMPERED", dead.get(0).getErrorType(), dead.get(0).getReason());
            assertTrue(
                    dead.get(0).getReason().contains("signed by 'clinic-t'"),
                    dead.get(0).getReason());

            Path keyringDir = clinic.dir();
            String[] replay = run(
                    prefix,
                    false,
                    "dead-letters",
                    "replay",
                    "--reason",
                    "TAMPERED",
                    "--keyring",
                    keyringDir.toString());
            assertEquals("1", replay[0], replay[1]);
            String key = "dlq-tampered-extractor/" + topics.stego.name() + "-0@0";
            assertTrue(
                    replay[1].contains("not replaying " + key + " (TAMPERED): it fails verification again: TAMPERED"
                            + " again: stego image dlq-1: signed by 'clinic-t'"),
                    replay[1]);
            assertTrue(replay[1].contains("re-published 0 dead letter(s)"), replay[1]);
            assertTrue(replay[1].contains("1 failed verification again, not replayed"), replay[1]);

            // the hospital's own event goes through the same extractor: it runs, and recovers only that one
            producer.send(new ProducerRecord<>(
                            topics.stego.name(),
                            "dlq-2",
                            StegoEvents.sign(
                                    StegoImageEvent.newBuilder(unsigned)
                                            .setMessageId("dlq-2")
                                            .build(),
                                    hospital.signer())))
                    .get();
            List<org.stegoehealth.schemas.RecoveredImageEvent> recovered =
                    awaitValues(topics.recovered.name(), topics, 1);
            assertEquals(
                    List.of("dlq-2"),
                    recovered.stream().map(r -> r.getMessageId()).toList());
            assertEquals(2, records(topics.stego.name(), true).size(), "the forged event was not put back");
            assertEquals(1, records(topics.deadLetters.name(), true).size(), "nor dead-lettered a second time");
        }
    }

    /** At least {@code n} values of {@code topic}, read from the start (read committed), within 60 s. */
    @SuppressWarnings("unchecked")
    private static <T> List<T> awaitValues(String topic, Topics topics, int n) {
        var spec = topics.all().stream()
                .filter(t -> t.name().equals(topic))
                .findFirst()
                .orElseThrow();
        List<T> values = new ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> raw = fromStart(topic, true)) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < n && System.nanoTime() < until) {
                for (var r : raw.poll(java.time.Duration.ofMillis(500))) {
                    values.add((T) spec.valueSerde().deserializer().deserialize(topic, r.value()));
                }
            }
        }
        assertTrue(values.size() >= n, "only " + values.size() + " record(s) on " + topic);
        return values;
    }

    @Test
    void aRedactedDeadLetter_isListedAsRedacted_andReplayNamesIt_andExits1() throws Exception {
        String prefix = "dlq-redacted-it-";
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        byte[] original = "the X-ray event's bytes".getBytes(StandardCharsets.UTF_8);
        InputRecord record = new InputRecord(
                topics.xrays.name(), 0, 7, 0L, "msg-1".getBytes(StandardCharsets.UTF_8), original, 0L, null);
        DeadLetterEvent d =
                DeadLetters.of(record, ErrorType.UNKNOWN_COVER, "cover c-9 is unknown", "stego-embedder", 1L, true);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(stack.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topics.deadLetters.name(),
                            record.coordinates(),
                            topics.deadLetters.valueSerde().serializer().serialize(topics.deadLetters.name(), d)))
                    .get();
        }

        String[] list = run(prefix, false, "dead-letters", "list", "--reason", "UNKNOWN_COVER");
        assertEquals("0", list[0], list[1]);
        assertTrue(list[1].contains("redacted"), list[1]);
        String[] replay = run(prefix, false, "dead-letters", "replay", "--reason", "UNKNOWN_COVER");
        assertEquals("1", replay[0], replay[1]);
        assertTrue(replay[1].contains("cannot replay " + DeadLetters.key(d) + ": a redacted dead letter"), replay[1]);
        assertTrue(replay[1].contains(d.getValueSha256()), replay[1]);
        assertTrue(replay[1].contains("re-published 0 dead letter(s)"), replay[1]);
        assertTrue(replay[1].contains("1 redacted, cannot be replayed"), replay[1]);
    }

    @Test
    void deadLetters_listedByReason_andReplayedToTheirSourceTopicOnce() throws Exception {
        String prefix = "dlq-it-";
        Topics topics = new Topics(prefix, stack.schemaRegistryClient(), 1);
        stack.createTopics(topics);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(stack.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            for (String type : List.of("UNKNOWN_MODEL", "DECODE")) {
                DeadLetterEvent d = DeadLetterEvent.newBuilder()
                        .setReason("model version v9 has not been received")
                        .setErrorType(type)
                        .setApplication("stego-extractor")
                        .setSourceTopic(topics.stego.name())
                        .setSourcePartition(0)
                        .setSourceOffset(type.length())
                        .setKey(ByteBuffer.wrap(("msg-" + type).getBytes(StandardCharsets.UTF_8)))
                        .setValue(ByteBuffer.wrap(("original-" + type).getBytes(StandardCharsets.UTF_8)))
                        .setFailedAt(Instant.now())
                        .build();
                producer.send(new ProducerRecord<>(
                                topics.deadLetters.name(),
                                "k-" + type,
                                topics.deadLetters.valueSerde().serializer().serialize(topics.deadLetters.name(), d)))
                        .get();
            }
        }

        String[] list = run(prefix, false, "dead-letters", "list", "--reason", "UNKNOWN_MODEL");
        assertEquals("0", list[0], list[1]);
        assertTrue(list[1].contains("1 dead letter(s)") && list[1].contains("UNKNOWN_MODEL"), list[1]);
        String[] replay = run(prefix, false, "dead-letters", "replay", "--reason", "UNKNOWN_MODEL");
        assertEquals("0", replay[0], replay[1]);
        assertTrue(replay[1].contains("re-published 1 dead letter(s)"), replay[1]);
        String[] again = run(prefix, false, "dead-letters", "replay", "--reason", "UNKNOWN_MODEL");
        assertTrue(
                again[1].contains("re-published 0 dead letter(s)") && again[1].contains("1 already replayed"),
                again[1]);

        List<String> values = new ArrayList<>();
        Properties consumer = new Properties();
        consumer.putAll(stack.clientConfig());
        new TopicRange(null, null, null, null, 0)
                .read(
                        consumer,
                        topics.stego.name(),
                        r -> true,
                        r -> values.add(new String(r.key(), StandardCharsets.UTF_8) + "="
                                + new String(r.value(), StandardCharsets.UTF_8)));
        assertEquals(List.of("msg-UNKNOWN_MODEL=original-UNKNOWN_MODEL"), values);
    }
}
