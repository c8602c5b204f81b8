package org.stegoehealth.stack.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.StegoConfig;

/** The properties file an embedder or extractor instance runs with, and its readiness probe; no JVM is started. */
class PipelineInstanceTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"embedder\" password=\"s3cret\";";

    @TempDir
    Path tmp;

    private PipelineKeys keys;
    private StegoConfig config;

    @BeforeEach
    void setUp() {
        keys = PipelineKeys.under(tmp.resolve("keys"));
        config = StegoConfig.defaultsOnly()
                .with(Map.of(
                        StegoConfig.BOOTSTRAP_SERVERS,
                        "127.0.0.1:19092",
                        StegoConfig.SCHEMA_REGISTRY_URL,
                        "http://127.0.0.1:18080/apis/registry/v2",
                        StegoConfig.TOPIC_PREFIX,
                        "run7.",
                        StegoConfig.TOPIC_PARTITIONS,
                        "4",
                        StegoConfig.EMBEDDER_APPLICATION_ID,
                        "run7-embedder",
                        StegoConfig.EXTRACTOR_APPLICATION_ID,
                        "run7-extractor",
                        StegoConfig.KAFKA_PREFIX + "sasl.jaas.config",
                        JAAS));
    }

    private static Map<String, String> read(Path file) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    @Test
    void write_embedder_holdsTheStackTheHospitalKeyringTheClinicExtrasAndKafkaUser_ownerOnly() throws Exception {
        Path dir = tmp.resolve("apps").resolve("embedder-1");
        PipelineInstance embedder = PipelineInstance.write(
                "embedder-1",
                PipelineInstance.EMBEDDER,
                dir,
                config,
                keys,
                Map.of(StegoConfig.BATCH_SIZES, "256=8", StegoConfig.INSTANCE_ID, "chaos-embedder-1"),
                "stego chaos: embedder-1");

        assertEquals("embedder-1", embedder.name());
        assertEquals(PipelineInstance.EMBEDDER, embedder.role());
        assertEquals(dir, embedder.dir());
        assertEquals(dir.resolve("embedder-1.properties"), embedder.config());
        assertNull(embedder.process(), "not started");
        Map<String, String> expected = new TreeMap<>();
        expected.put(StegoConfig.BOOTSTRAP_SERVERS, "127.0.0.1:19092");
        expected.put(StegoConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:18080/apis/registry/v2");
        expected.put(StegoConfig.TOPIC_PREFIX, "run7.");
        expected.put(StegoConfig.TOPIC_PARTITIONS, "4");
        expected.put(StegoConfig.EMBEDDER_APPLICATION_ID, "run7-embedder");
        expected.put(StegoConfig.EXTRACTOR_APPLICATION_ID, "run7-extractor");
        expected.put(StegoConfig.STATE_DIR, dir.resolve("state").toString());
        expected.put(StegoConfig.KEYRING_DIR, keys.hospital().dir().toString());
        expected.put(StegoConfig.CLINIC_ID, keys.clinic().name());
        expected.put(StegoConfig.METRICS_PORT, Integer.toString(embedder.metricsPort()));
        expected.put(StegoConfig.BATCH_SIZES, "256=8");
        expected.put(StegoConfig.INSTANCE_ID, "chaos-embedder-1");
        expected.put(StegoConfig.KAFKA_PREFIX + "sasl.jaas.config", JAAS);
        assertEquals(expected, read(embedder.config()));
        assertTrue(embedder.metricsPort() > 0);
        assertTrue(Files.readString(embedder.config()).startsWith("#stego chaos: embedder-1"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(embedder.config())));
    }

    @Test
    void write_extractor_holdsTheClinicKeyringAndNoClinicId_kafkaSettingsOverExtras() throws Exception {
        Path dir = tmp.resolve("extractor-1");
        PipelineInstance extractor = PipelineInstance.write(
                "extractor-1",
                PipelineInstance.EXTRACTOR,
                dir,
                config,
                keys,
                Map.of(StegoConfig.KAFKA_PREFIX + "sasl.jaas.config", "overridden"),
                "stego bench pipeline: extractor-1");

        Map<String, String> written = read(dir.resolve("extractor-1.properties"));
        assertEquals(keys.clinic().dir().toString(), written.get(StegoConfig.KEYRING_DIR));
        assertFalse(written.containsKey(StegoConfig.CLINIC_ID), "only the embedder seals to a clinic");
        assertEquals(dir.resolve("state").toString(), written.get(StegoConfig.STATE_DIR));
        assertEquals(Integer.toString(extractor.metricsPort()), written.get(StegoConfig.METRICS_PORT));
        // the stack's Kafka user comes last: an extra cannot replace it
        assertEquals(JAAS, written.get(StegoConfig.KAFKA_PREFIX + "sasl.jaas.config"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(extractor.config())));
    }

    @Test
    void write_anotherRole_isRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PipelineInstance.write("viewer-1", "viewer", tmp.resolve("v"), config, keys, Map.of(), "x"));
        assertEquals("an instance is an embedder or an extractor, not viewer", e.getMessage());
    }

    @Test
    void ready_isTrueOnlyWhileItsReadinessEndpointAnswers200() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] status = {503};
        server.createContext("/health/ready", exchange -> {
            exchange.sendResponseHeaders(status[0], -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            PipelineInstance instance = new PipelineInstance("embedder-1", PipelineInstance.EMBEDDER, tmp, tmp, port);
            assertFalse(instance.ready(), "503 while its Streams client is not RUNNING");
            status[0] = 200;
            assertTrue(instance.ready());
        } finally {
            server.stop(0);
        }
        PipelineInstance gone = new PipelineInstance("embedder-1", PipelineInstance.EMBEDDER, tmp, tmp, 1);
        assertFalse(gone.ready(), "nothing listens");
    }
}
