package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.Refinement;
import org.stegoehealth.model.Tiling;

class ConfigTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("stego.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void overridesBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path f = file(
                "bootstrap.servers=file:9092\nschema.registry.url=http://file:8081\ntopic.prefix=file.\nbatch.linger.ms=50\n");
        Map<String, String> env = Map.of(
                "STEGO_SCHEMA_REGISTRY_URL",
                "http://env:8081",
                "STEGO_TOPIC_PREFIX",
                "env.",
                "STEGO_DEBUG",
                "1",
                "HOME",
                "/root");
        StegoConfig c = StegoConfig.load(f, env, Map.of(StegoConfig.TOPIC_PREFIX, "cli."));
        assertEquals("file:9092", c.bootstrapServers());
        assertEquals("http://env:8081", c.schemaRegistryUrl());
        assertEquals("cli.", c.topicPrefix());
        assertEquals(Duration.ofMillis(50), c.batchLinger());
        assertEquals(4096, c.maxImageSide());
        assertEquals("environment variable STEGO_SCHEMA_REGISTRY_URL", c.sourceOf(StegoConfig.SCHEMA_REGISTRY_URL));
        assertEquals(Optional.empty(), c.recoveredDir());
    }

    @Test
    void kafkaPrefixedKeysPassThroughToStreamsAndProducers() throws Exception {
        Path f = file("kafka.security.protocol=SASL_SSL\nkafka.sasl.mechanism=PLAIN\n");
        StegoConfig c = StegoConfig.load(f, Map.of("STEGO_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/trust.p12"), Map.of());
        assertEquals(
                Map.of(
                        "security.protocol",
                        "SASL_SSL",
                        "sasl.mechanism",
                        "PLAIN",
                        "ssl.truststore.location",
                        "/etc/trust.p12"),
                c.kafkaOverrides());
        Properties streams = StreamsConfigs.base(c, "app-1");
        assertEquals("SASL_SSL", streams.get("security.protocol"));
        assertEquals("/etc/trust.p12", streams.get("ssl.truststore.location"));
        Properties producer = StreamsConfigs.producer(c, "p");
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        assertFalse(c.toString().contains("SASL_SSL"), "pass-through values may be secrets");
    }

    @Test
    void streamsConfigIsExactlyOnceWithTheConfiguredStateDirAndLimits() {
        StegoConfig c = StegoConfig.defaultsOnly()
                .with(Map.of(
                        StegoConfig.STATE_DIR,
                        "/var/lib/stego",
                        StegoConfig.COMMIT_INTERVAL_MS,
                        "250",
                        StegoConfig.MAX_MESSAGE_BYTES,
                        "1000000"));
        Properties p = StreamsConfigs.base(c, "stego-embedder");
        assertEquals("stego-embedder", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("/var/lib/stego", p.get(StreamsConfig.STATE_DIR_CONFIG));
        assertEquals("250", p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals("1000000", p.get("producer.max.request.size"));
        assertEquals("1000000", p.get("topic.max.message.bytes"));
        new StreamsConfig(p); // Kafka accepts it
        Properties producer = StreamsConfigs.producer(c, "xray-producer");
        assertEquals("true", producer.get("enable.idempotence"));
        assertEquals("all", producer.get("acks"));
    }

    @Test
    void producersBufferTwiceTheLargestRecord_soAFullSizeStegoImageFitsTheSendBuffer() {
        StegoConfig big = StegoConfig.defaultsOnly().with(Map.of(StegoConfig.MAX_MESSAGE_BYTES, "67108864"));
        assertEquals("134217728", StreamsConfigs.base(big, "stego-embedder").get("producer.buffer.memory"));
        assertEquals("134217728", StreamsConfigs.producer(big, "xray-producer").get("buffer.memory"));
        StegoConfig small = StegoConfig.defaultsOnly().with(Map.of(StegoConfig.MAX_MESSAGE_BYTES, "1000000"));
        assertEquals("33554432", StreamsConfigs.producer(small, "xray-producer").get("buffer.memory"), "the default");
    }

    @Test
    void stateDirDefaultsUnderTheWorkingDirectoryNotTmp() {
        Properties p = StreamsConfigs.base(StegoConfig.defaultsOnly(), "stego-embedder");
        assertEquals(Path.of(".stego", "state").toAbsolutePath().toString(), p.get(StreamsConfig.STATE_DIR_CONFIG));
        // under the working directory, not Kafka's default under java.io.tmpdir (unless one is inside the other)
        Path state = Path.of(p.get(StreamsConfig.STATE_DIR_CONFIG).toString());
        assertTrue(state.startsWith(Path.of(System.getProperty("user.dir")).toAbsolutePath()), state.toString());
        assertNotEquals(
                Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams").toAbsolutePath(),
                state.toAbsolutePath());
    }

    @Test
    void exactlyOnceTransactionsMayOutlastALongPunctuation() {
        Properties p = StreamsConfigs.base(StegoConfig.defaultsOnly(), "stego-embedder");
        assertEquals("300000", p.get("producer.transaction.timeout.ms"));
        StegoConfig ten = StegoConfig.load(null, Map.of("STEGO_TRANSACTION_TIMEOUT_MS", "600000"), Map.of());
        assertEquals("600000", StreamsConfigs.base(ten, "a").get("producer.transaction.timeout.ms"));
        StegoConfig tooLong = StegoConfig.load(null, Map.of("STEGO_TRANSACTION_TIMEOUT_MS", "3600000"), Map.of());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> StreamsConfigs.base(tooLong, "a"));
        assertTrue(e.getMessage().startsWith("config transaction.timeout.ms='3600000'"), e.getMessage());
        new StreamsConfig(p);
    }

    @Test
    void aKilledMemberIsNoticedWithinSecondsAndAnInstanceIdMakesMembershipStatic() {
        Properties dynamic = StreamsConfigs.base(StegoConfig.defaultsOnly(), "stego-extractor");
        assertEquals("10000", dynamic.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        assertEquals("3000", dynamic.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
        assertFalse(dynamic.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        StegoConfig named = StegoConfig.load(
                null, Map.of("STEGO_INSTANCE_ID", "extractor-1", "STEGO_KAFKA_SESSION_TIMEOUT_MS", "20000"), Map.of());
        Properties p = StreamsConfigs.base(named, "stego-extractor");
        assertEquals("extractor-1", p.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals("20000", p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "kafka.* settings still win");
        new StreamsConfig(p);
    }

    @Test
    void anUnknownKeyInTheFileIsAnErrorNamingTheFile() throws Exception {
        Path f = file("bootstrap.server=typo:9092\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> StegoConfig.load(f, Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith("unknown config key 'bootstrap.server' in config file "), e.getMessage());
    }

    @Test
    void theMetricsPortIsOffByDefaultAndMustBeAPort() {
        assertEquals(0, StegoConfig.defaultsOnly().metricsPort());
        assertEquals(
                9401,
                StegoConfig.load(null, Map.of("STEGO_METRICS_PORT", "9401"), Map.of())
                        .metricsPort());
        for (String bad : List.of("70000", "-1", "http")) {
            StegoConfig c = StegoConfig.load(null, Map.of("STEGO_METRICS_PORT", bad), Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::metricsPort);
            assertTrue(e.getMessage().startsWith("config metrics.port='" + bad + "' (from "), e.getMessage());
        }
    }

    @Test
    void aBadNumberNamesTheKeyValueAndSource() {
        StegoConfig c = StegoConfig.load(null, Map.of("STEGO_BATCH_LINGER_MS", "soon"), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::batchLinger);
        assertEquals(
                "config batch.linger.ms='soon' (from environment variable STEGO_BATCH_LINGER_MS) is not a whole number",
                e.getMessage());
    }

    @Test
    void aMissingModelPathSaysHowToSetIt() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> StegoConfig.defaultsOnly().modelPath());
        assertTrue(e.getMessage().contains("STEGO_MODEL_PATH"), e.getMessage());
    }

    @Test
    void aMissingConfigFileIsAClearError() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> StegoConfig.load(dir.resolve("nope.properties"), Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith("cannot read config file "), e.getMessage());
    }

    @Test
    void batchSettingsParseSizesPerImageSide() {
        StegoConfig c = StegoConfig.defaultsOnly()
                .with(Map.of(
                        StegoConfig.BATCH_SIZES,
                        "256:8, 512:4, *:1",
                        StegoConfig.BATCH_LINGER_MS,
                        "700",
                        StegoConfig.MAX_IMAGE_SIDE,
                        "2048"));
        BatchSettings s = c.batchSettings();
        assertEquals(8, s.batchSizeFor(256, 100));
        assertEquals(4, s.batchSizeFor(300, 512));
        assertEquals(1, s.batchSizeFor(513, 10));
        assertEquals(Duration.ofMillis(700), s.linger());
        assertEquals(2048, s.maxImageSide());
        assertEquals(
                1,
                new BatchSettings(BatchSettings.parseSizes("128:16"), Duration.ofSeconds(1), 10).batchSizeFor(129, 1),
                "larger than every bound: one at a time");
    }

    @Test
    void badBatchSizesAreRejectedWithTheEntry() {
        StegoConfig c = StegoConfig.defaultsOnly().with(Map.of(StegoConfig.BATCH_SIZES, "256=8"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::batchSettings);
        assertEquals(
                "config batch.sizes='256=8' (from override) batch size entry '256=8' is not maxSide:batchSize (e.g. 256:8 or *:1)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchSettings.parseSizes("256:0"));
        assertThrows(IllegalArgumentException.class, () -> BatchSettings.parseSizes("256:2,256:4"));
    }

    @Test
    void keyringDir_defaultsUnderTheWorkingDirectory_andFollowsTheEnvironment() {
        assertEquals(Path.of(".stego", "keyring"), StegoConfig.defaultsOnly().keyringDir());
        assertEquals(
                Path.of("/etc/stego/keyring"),
                StegoConfig.load(null, Map.of("STEGO_KEYRING_DIR", "/etc/stego/keyring"), Map.of())
                        .keyringDir());
    }

    @Test
    void securitySettings_haveSafeDefaults_andBadValuesNameTheKey() {
        StegoConfig d = StegoConfig.defaultsOnly();
        assertEquals(HidingMethod.NEURAL, d.hidingMethod());
        assertEquals(Optional.empty(), d.clinicId());
        assertEquals(0.5, d.sealedBudget());
        assertEquals(0.01, d.covertBudget());
        assertEquals(512, d.covertCoverSide());
        assertEquals(0, d.with(Map.of(StegoConfig.COVERT_COVER_SIDE, "0")).covertCoverSide());
        IllegalArgumentException side = assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.COVERT_COVER_SIDE, "32")).covertCoverSide());
        assertTrue(side.getMessage().contains("covert.cover.side"), side.getMessage());
        assertFalse(d.allowUnsigned(), "unsigned stego events are refused unless allowed");
        StegoConfig c = StegoConfig.load(
                null, Map.of("STEGO_HIDING_METHOD", "sealed", "STEGO_CLINIC_ID", "clinic-a"), Map.of());
        assertEquals(
                HidingMethod.COVERT,
                StegoConfig.load(null, Map.of("STEGO_HIDING_METHOD", "covert"), Map.of())
                        .hidingMethod());
        assertEquals(HidingMethod.SEALED, c.hidingMethod());
        assertEquals(Optional.of("clinic-a"), c.clinicId());
        IllegalArgumentException method = assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.HIDING_METHOD, "lsb")).hidingMethod());
        assertTrue(method.getMessage().contains("hiding.method='lsb'"), method.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.SEALED_BUDGET, "2")).sealedBudget());
        IllegalArgumentException covert = assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.COVERT_BUDGET, "0")).covertBudget());
        assertTrue(covert.getMessage().contains("covert.budget"), covert.getMessage());
        assertEquals(
                0.01,
                StegoConfig.load(null, Map.of("STEGO_COVERT_BUDGET", "0.01"), Map.of())
                        .covertBudget());
        assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.ALLOW_UNSIGNED, "yes")).allowUnsigned());
    }

    @Test
    void stegoFormat_isPngByDefault_jpegAtAQuality_andBadValuesNameTheKey() {
        StegoConfig d = StegoConfig.defaultsOnly();
        assertEquals(StegoFormat.PNG, d.stegoFormat());
        assertEquals(
                StegoFormat.jpeg(75),
                StegoConfig.load(null, Map.of("STEGO_STEGO_FORMAT", "JPEG", "STEGO_STEGO_JPEG_QUALITY", "75"), Map.of())
                        .stegoFormat());
        assertEquals(
                StegoFormat.jpeg(90),
                d.with(Map.of(StegoConfig.STEGO_FORMAT, "jpeg")).stegoFormat());
        IllegalArgumentException format = assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.STEGO_FORMAT, "webp")).stegoFormat());
        assertTrue(format.getMessage().contains("stego.format='webp'"), format.getMessage());
        for (String bad : new String[] {"0", "101", "high"}) {
            IllegalArgumentException quality = assertThrows(
                    IllegalArgumentException.class,
                    () -> d.with(Map.of(StegoConfig.STEGO_JPEG_QUALITY, bad)).stegoFormat());
            assertTrue(quality.getMessage().contains("stego.jpeg.quality='" + bad + "'"), quality.getMessage());
        }
        // the keyed methods need a lossless carrier: JPEG with them is refused before anything starts
        IllegalArgumentException keyed = assertThrows(
                IllegalArgumentException.class, () -> StegoFormat.jpeg(90).checkFor(HidingMethod.SEALED));
        assertTrue(keyed.getMessage().contains("sealed method needs a lossless carrier"), keyed.getMessage());
        assertEquals(StegoFormat.PNG, StegoFormat.PNG.checkFor(HidingMethod.COVERT));
    }

    @Test
    void embedRefinement_isOffByDefault_followsTheEnvironment_andBadStepsNameTheKey() {
        StegoConfig d = StegoConfig.defaultsOnly();
        assertEquals(0, d.refinement().steps());
        Refinement env = StegoConfig.load(null, Map.of("STEGO_EMBED_REFINE_STEPS", "25"), Map.of())
                .refinement();
        assertEquals(Refinement.OFF.withSteps(25), env);
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.EMBED_REFINE_STEPS, "-3")).refinement());
        assertTrue(bad.getMessage().contains("embed.refine.steps='-3'"), bad.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.EMBED_REFINE_STEPS, "many")).refinement());
    }

    @Test
    void embedModelVersion_isEmptyByDefault_andFollowsTheEnvironment() {
        assertTrue(StegoConfig.defaultsOnly().embedModelVersion().isEmpty());
        assertEquals(
                Optional.of("stego-gray-20261207-0832-61fdfea9"),
                StegoConfig.load(
                                null,
                                Map.of("STEGO_EMBED_MODEL_VERSION", " stego-gray-20261207-0832-61fdfea9 "),
                                Map.of())
                        .embedModelVersion());
        assertTrue(StegoConfig.defaultsOnly()
                .with(Map.of(StegoConfig.EMBED_MODEL_VERSION, " "))
                .embedModelVersion()
                .isEmpty());
    }

    @Test
    void tiling_defaultsTo512PxTiles_followsTheEnvironment_andBadValuesNameTheKey() {
        StegoConfig d = StegoConfig.defaultsOnly();
        assertEquals(Tiling.defaults(), d.tiling());
        Tiling env = StegoConfig.load(
                        null,
                        Map.of("STEGO_INFERENCE_TILE_SIZE", "256", "STEGO_INFERENCE_MEMORY_BUDGET_MB", "128"),
                        Map.of())
                .tiling();
        assertEquals(new Tiling(256, 128), env);
        IllegalArgumentException small = assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.TILE_SIZE, "16")).tiling());
        assertTrue(small.getMessage().contains("inference.tile.size='16'"), small.getMessage());
        IllegalArgumentException budget = assertThrows(
                IllegalArgumentException.class,
                () -> d.with(Map.of(StegoConfig.MEMORY_BUDGET_MB, "0")).tiling());
        assertTrue(budget.getMessage().contains("inference.memory.budget.mb"), budget.getMessage());
    }
}
