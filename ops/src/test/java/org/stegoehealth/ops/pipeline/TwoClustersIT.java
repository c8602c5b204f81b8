package org.stegoehealth.ops.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.stack.pipeline.ClusterContents;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * The hospital's cluster and the clinic's, MirrorMaker 2 between them: every X-ray comes out at the clinic, and then
 * every record of every topic of the clinic's cluster (internal ones included, aborted transactions included) is
 * searched for what must stay at the hospital: the X-ray files, their pixels and their study references.
 *
 * <p>What counts as "contains" is {@link XrayNeedles}'s: (1) a 64-byte window of an X-ray file, (2) of its decoded
 * pixel rows, (3) a study reference. The same search on the hospital's cluster must find (1) and (3) on the X-ray
 * topic: that is what shows the search can find what it looks for.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TwoClustersIT {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    static Path tmp;

    @Test
    void onlyStegoAndModelTopicsCross_andNoClinicRecordHoldsAnXrayFile_itsPixels_orAStudyReference() throws Exception {
        Path modelDir = tinyModel();
        StegoModel model = ModelArtifact.load(modelDir).toModel();
        StegoConfig base = StegoConfig.defaultsOnly()
                .with(Map.of(StegoConfig.BATCH_LINGER_MS, "300", StegoConfig.COMMIT_INTERVAL_MS, "200"));
        List<Path> xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        PipelineKeys keys = PipelineKeys.under(tmp.resolve("keys"));
        try (PipelineCluster cluster = PipelineCluster.open(
                base, false, false, tmp.resolve("run"), "mirror", PipelineCluster.Stack.TWO_CLUSTERS)) {
            assertTrue(cluster.twoClusters(), "two clusters");
            StegoConfig hospital = cluster.config();
            StegoConfig clinic = cluster.clinicConfig();
            Topics topics = cluster.topics();
            cluster.createTopics();
            cluster.publishCovers(SAMPLES.resolve("covers"));
            // the bundled model's metadata crosses too: it was trained with the sample X-rays held out, so it is
            // where their file names would leak if metadata named them
            Path models = SAMPLES.resolveSibling("models");
            Path bundled = models.resolve(Files.readString(models.resolve(ModelArtifact.DEFAULT_POINTER))
                    .strip());
            cluster.publishAndPromote(bundled, "its metadata crosses to the clinic", keys.hospital());
            cluster.publishAndPromote(modelDir, "crosses to the clinic", keys.hospital());

            Map<String, Path> sent = new LinkedHashMap<>();
            try (InProcessPipeline pipeline = InProcessPipeline.start(
                            hospital,
                            clinic,
                            topics,
                            ModelSource.fixed(model),
                            ModelSource.fixed(model),
                            keys,
                            InProcessPipeline.START_TIMEOUT);
                    PipelineOutputs outputs = new PipelineOutputs(cluster, "mirror-reader");
                    Producer<String, XrayImageEvent> kafka = XrayProducer.kafkaProducer(hospital, topics.xrays)) {
                XrayProducer producer = new XrayProducer(
                        kafka,
                        topics.xrays.name(),
                        hospital.maxImageSide(),
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
                sent.keySet().forEach(id -> assertTrue(outputs.stego().containsKey(id), "stego image of " + id));
            }

            // an aborted transaction on a crossing topic must not cross; a committed one after it shows the copy
            // has gone past it
            String aborted = "aborted-" + UUID.randomUUID();
            String committed = "committed-" + UUID.randomUUID();
            probes(hospital, topics.models.name(), aborted, committed);

            XrayNeedles needles = new XrayNeedles(xrays);
            Map<String, Set<String>> atClinic = new TreeMap<>();
            Map<String, Long> clinicTopics = awaitRecord(clinic, topics.models.name(), committed, atClinic, needles);
            Map<String, Set<String>> atHospital = new TreeMap<>();
            Map<String, Long> hospitalTopics = ClusterContents.read(hospital, r -> needles.search(r, atHospital));

            // the search is meaningful: it finds the files and study references where they are, at the hospital
            assertTrue(hospitalTopics.getOrDefault(topics.xrays.name(), 0L) >= xrays.size(), "hospital X-ray topic");
            for (Path x : xrays) {
                String name = x.getFileName().toString();
                assertTrue(
                        atHospital.getOrDefault(topics.xrays.name(), Set.of()).contains("file " + name),
                        "the search finds " + name + " on the hospital's X-ray topic: " + atHospital);
                assertTrue(
                        atHospital
                                .getOrDefault(topics.xrays.name(), Set.of())
                                .contains("study " + XrayNeedles.stem(name)),
                        "the search finds the study reference of " + name + ": " + atHospital);
            }
            assertTrue(
                    atHospital.getOrDefault(topics.models.name(), Set.of()).contains("probe " + aborted),
                    "the aborted probe is on the hospital's model topic (read_uncommitted)");

            // the clinic holds no hospital-only topic, and nothing of the X-rays
            assertFalse(clinicTopics.containsKey(topics.xrays.name()), "X-ray topic at the clinic: " + clinicTopics);
            assertFalse(clinicTopics.containsKey(topics.covers.name()), "cover topic at the clinic: " + clinicTopics);
            assertFalse(
                    clinicTopics.keySet().stream().anyMatch(t -> t.startsWith(hospital.embedderApplicationId())),
                    "embedder internal topics at the clinic: " + clinicTopics);
            for (TopicSpec<?, ?> spec : topics.crossing()) {
                assertTrue(clinicTopics.getOrDefault(spec.name(), 0L) > 0, spec.name() + " crossed: " + clinicTopics);
            }
            assertEquals(
                    (long) sent.size(),
                    clinicTopics.get(topics.stego.name()),
                    "every stego record crossed once: " + clinicTopics);
            Map<String, Set<String>> leaks = new TreeMap<>();
            atClinic.forEach((topic, hits) -> leaks.put(topic, new TreeSet<>(hits)));
            // the clinic's own output: the recovered event carries the opened study reference, by design
            Set<String> recovered = leaks.remove(topics.recovered.name());
            if (recovered != null) {
                Set<String> notStudy = new TreeSet<>(recovered);
                notStudy.removeIf(hit -> hit.startsWith("study "));
                if (!notStudy.isEmpty()) {
                    leaks.put(topics.recovered.name(), notStudy);
                }
            }
            leaks.values().forEach(hits -> hits.remove("probe " + committed));
            leaks.values().removeIf(Set::isEmpty);
            assertEquals(Map.of(), leaks, "what of the X-rays the clinic's cluster holds, by topic");
            assertFalse(
                    atClinic.values().stream().anyMatch(h -> h.contains("probe " + aborted)),
                    "an aborted transaction crossed: " + atClinic);
            System.out.printf(
                    "hospital cluster: %s%nclinic cluster: %s%nclinic hits (recovered-images: the clinic's own"
                            + " output): %s%n",
                    hospitalTopics, clinicTopics, atClinic);
        }
    }

    /** Writes an aborted, then a committed transaction of one record each. */
    private static void probes(StegoConfig hospital, String topic, String aborted, String committed) {
        Properties p = StreamsConfigs.producer(hospital, "mirror-probe");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "mirror-probe-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            for (String probe : List.of(aborted, committed)) {
                producer.beginTransaction();
                byte[] bytes = probe.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, bytes, bytes));
                producer.flush();
                if (probe.equals(aborted)) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
    }

    /** Reads the whole clinic cluster until {@code probe} has crossed; the hits of the last read are kept. */
    private static Map<String, Long> awaitRecord(
            StegoConfig clinic, String topic, String probe, Map<String, Set<String>> hits, XrayNeedles needles) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            hits.clear();
            Map<String, Long> counts = ClusterContents.read(clinic, r -> needles.search(r, hits));
            if (hits.getOrDefault(topic, Set.of()).contains("probe " + probe)) {
                return counts;
            }
            assertTrue(System.nanoTime() < deadline, "the committed probe did not cross within " + WAIT);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A tiny untrained model, written under tmp/model: these checks are about where bytes go, not about quality. */
    private static Path tinyModel() throws IOException {
        return TinyModels.write(tmp.resolve("model"), "it-mirror-tiny", 1);
    }
}
