package org.stegoehealth.ops.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.TinyModels;
import org.stegoehealth.ops.StegoCli;
import org.stegoehealth.processors.HidingMethod;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.cli.CliRun;
import org.stegoehealth.processors.produce.PublishOutcome;
import org.stegoehealth.processors.produce.XrayProducer;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.processors.receipts.ReceiptStatus;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * Receipts on the real local stack: the hospital's cluster and the clinic's, MirrorMaker 2 copying the stego images
 * out and the clinic's receipts back. Each recovered X-ray's RECOVERED receipt, signed by the clinic's extractor,
 * reaches the hospital and verifies there with the clinic's public key; with the clinic's extractor stopped, what the
 * hospital sends is listed as overdue by {@code stego receipts}. Each test runs its own applications on its own
 * X-rays, so they pass in either order.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiptsIT {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    static Path tmp;

    private PipelineCluster cluster;
    private PipelineKeys keys;
    private StegoModel model;
    private List<Path> xrays;

    @BeforeAll
    void start() throws Exception {
        Path modelDir = TinyModels.write(tmp.resolve("model"), "it-receipts-tiny", 1);
        model = ModelArtifact.load(modelDir).toModel();
        StegoConfig base = StegoConfig.defaultsOnly()
                .with(Map.of(StegoConfig.BATCH_LINGER_MS, "300", StegoConfig.COMMIT_INTERVAL_MS, "200"));
        xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        keys = PipelineKeys.under(tmp.resolve("keys"));
        cluster = PipelineCluster.open(
                base, false, false, tmp.resolve("run"), "receipts", PipelineCluster.Stack.TWO_CLUSTERS);
        cluster.createTopics();
        cluster.publishCovers(SAMPLES.resolve("covers"));
        cluster.publishAndPromote(modelDir, "receipts test", keys.hospital());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The pipeline with application ids of its own, so each test's applications start afresh. */
    private InProcessPipeline pipeline(String name) {
        Map<String, String> ids = Map.of(
                StegoConfig.EMBEDDER_APPLICATION_ID, "receipts-" + name + "-embedder",
                StegoConfig.EXTRACTOR_APPLICATION_ID, "receipts-" + name + "-extractor");
        return InProcessPipeline.start(
                cluster.config().with(ids),
                cluster.clinicConfig().with(ids),
                cluster.topics(),
                ModelSource.fixed(model),
                ModelSource.fixed(model),
                keys,
                InProcessPipeline.START_TIMEOUT);
    }

    /** Publishes {@code files} at the hospital, each with its file name as study reference; message id to file. */
    private Map<String, Path> publish(List<Path> files) throws IOException {
        Map<String, Path> sent = new LinkedHashMap<>();
        try (Producer<String, XrayImageEvent> kafka =
                XrayProducer.kafkaProducer(cluster.config(), cluster.topics().xrays)) {
            XrayProducer producer = new XrayProducer(
                    kafka,
                    cluster.topics().xrays.name(),
                    cluster.config().maxImageSide(),
                    Clock.systemUTC(),
                    HidingMethod.NEURAL,
                    true);
            for (PublishOutcome o : producer.publishAll(files, null)) {
                assertTrue(o.ok(), o.toString());
                sent.put(o.key(), o.file());
            }
        }
        return sent;
    }

    private ReceiptLedger ledger() {
        return new ReceiptLedger(
                StreamsConfigs.readCommittedConsumer(cluster.config(), "receipts-it"),
                cluster.topics(),
                keys.hospital(),
                Clock.systemUTC());
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    @Test
    void everyRecoveredXray_isAcknowledgedAtTheHospital_byAReceiptTheClinicSigned() throws IOException {
        Map<String, Path> sent;
        try (InProcessPipeline pipeline = pipeline("acknowledged");
                PipelineOutputs outputs = new PipelineOutputs(cluster, "receipts-it-reader")) {
            sent = publish(xrays.subList(0, 3));
            Runnable healthy = () -> {
                pipeline.checkHealthy();
                cluster.checkMirror();
            };
            outputs.awaitRecovered(sent.keySet(), WAIT, null, healthy);
            ReceiptLedger.Reading reading = ledger().awaitAcknowledged(sent.keySet(), WAIT, healthy);

            assertEquals(
                    sent.size(),
                    reading.status().acknowledged(sent.keySet()),
                    reading.status().studies().toString());
            assertEquals(List.of(), reading.refused());
            for (ReceiptStatus.Study s : reading.status().studies()) {
                if (!sent.containsKey(s.sent().messageId())) {
                    continue; // the other test's studies, when it ran first
                }
                assertEquals(ReceiptStatus.State.ACKNOWLEDGED, s.state());
                assertEquals(keys.clinic().name(), s.recovered().clinic());
                assertEquals(
                        stem(sent.get(s.sent().messageId())),
                        s.studyRef(),
                        "the study reference came back sealed to the hospital, and opened there");
                assertTrue(!s.recovered().at().isBefore(s.sent().sentAt()), s.toString());
            }
        }
    }

    @Test
    void withTheClinicsExtractorStopped_theStudiesSentAreListedOverdue() throws Exception {
        Map<String, Path> sent;
        try (InProcessPipeline pipeline = pipeline("stopped")) {
            pipeline.stopExtractor();
            sent = publish(xrays.subList(3, 5));
            // the embedder sends them: wait until both are on the outbound topic, then past the threshold
            ReceiptLedger ledger = ledger();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ledger.read(Duration.ZERO, Duration.ofSeconds(30)).status().studies().stream()
                            .filter(s -> sent.containsKey(s.sent().messageId()))
                            .count()
                    < sent.size()) {
                assertTrue(System.nanoTime() < deadline, "the embedder sent nothing within " + WAIT);
                pipeline.checkHealthy();
                Thread.sleep(500);
            }
            Thread.sleep(1500);
        }

        Map<String, String> options = new HashMap<>(Map.of(
                "--bootstrap-servers", cluster.config().bootstrapServers(),
                "--schema-registry-url", cluster.config().schemaRegistryUrl(),
                "--topic-prefix", cluster.config().topicPrefix(),
                "--keyring", keys.hospital().dir().toString(),
                "--overdue", "1s"));
        List<String> args = new java.util.ArrayList<>(List.of("receipts"));
        options.forEach((k, v) -> args.addAll(List.of(k, v)));
        CliRun json = CliRun.run(new StegoCli(), concat(args, "--json"));
        assertEquals(0, json.code(), json.toString());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        Map<String, String> states = new HashMap<>();
        doc.get("studies")
                .forEach(s ->
                        states.put(s.get("messageId").asText(), s.get("state").asText()));
        sent.keySet().forEach(id -> assertEquals("OVERDUE", states.get(id), id + " in " + json.out()));
        JsonNode clinic = doc.get("clinics").get(0);
        assertEquals(keys.clinic().name(), clinic.get("clinic").asText());
        assertTrue(clinic.get("overdue").asInt() >= sent.size(), json.out());

        CliRun table = CliRun.run(new StegoCli(), args.toArray(String[]::new));
        assertEquals(0, table.code(), table.toString());
        for (String id : sent.keySet()) {
            assertTrue(table.out().lines().anyMatch(l -> l.contains(id) && l.endsWith("OVERDUE")), table.out());
        }
        assertTrue(table.out().contains(keys.clinic().name() + ": "), table.out());
        System.out.print(table.out());
    }

    private static String[] concat(List<String> args, String more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.add(more);
        return all.toArray(String[]::new);
    }
}
