package org.stegoehealth.ops.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.StegoNetwork;
import org.stegoehealth.ops.StegoCli;
import org.stegoehealth.ops.local.LocalStack;
import org.stegoehealth.processors.models.ModelEvents;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Keyring;
import picocli.CommandLine;

/** {@code stego models} against a real broker and registry: publish, promote, list, retire, pull, verify. */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ModelsIT {

    private static final NetworkConfig NET = new NetworkConfig(1, 2, 4, 4, 1, 0.1);

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
        Path parent = Files.createDirectories(tmp.resolve("src-" + version));
        return ModelArtifact.write(parent, new ModelMetadata(version, "2026-11-29T10:00:00Z", NET, Map.of(), Map.of(),
                Map.of(), Map.of("coverPsnr", 31.25, "secretPsnr", 30.5), ModelArtifact.WEIGHTS_FILE, null),
                StegoNetwork.initialWeights(NET, seed));
    }

    /** Runs {@code stego models ...} on the stack and returns {exit code, stdout + stderr}. */
    private static String[] models(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of("models"));
        all.addAll(List.of(args));
        all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url",
                stack.schemaRegistryUrl(), "--topic-prefix", prefix, "--keyring", keyring.dir().toString()));
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new StegoCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int code = cli.execute(all.toArray(String[]::new));
        return new String[] {Integer.toString(code), out.toString()};
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
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(stack.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.models.name(), "v3",
                    topics.models.valueSerde().serializer().serialize(topics.models.name(), bad))).get();
        }

        String[] list = models(prefix, "list");
        assertEquals("0", list[0], list[1]);
        assertTrue(list[1].lines().anyMatch(l -> l.startsWith("* v2") && l.contains("v1") && l.contains("31.25")
                && l.contains("(promoted)")), list[1]);
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
        assertArrayEquals(Files.readAllBytes(v1.resolve(ModelArtifact.WEIGHTS_FILE)),
                Files.readAllBytes(pulled.resolve("v1").resolve(ModelArtifact.WEIGHTS_FILE)));
        String[] verified = models(prefix, "verify", pulled.resolve("v1").toString(), "--signed");
        assertEquals("0", verified[0], verified[1]);
        assertTrue(verified[1].contains("matches the signed event"), verified[1]);
    }
}
