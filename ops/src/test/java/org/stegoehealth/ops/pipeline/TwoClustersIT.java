package org.stegoehealth.ops.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.ops.TinyModels;
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
 * <p>What counts as "contains": a record key, value or header holds (1) any 64-byte window of an X-ray file, so a
 * partial copy is found as well as a whole one; (2) any 64-byte window of the X-ray's decoded 8-bit gray pixel rows,
 * as raw pixels would sit in an uncompressed buffer, a tensor dump or a raw image field; windows with fewer than 16
 * distinct byte values (black borders, saturated areas) are left out, because such runs occur in any binary data and
 * prove nothing; (3) a study reference, as UTF-8 text. The same search on the hospital's cluster must find (1) and
 * (3) on the X-ray topic: that is what shows the search can find what it looks for.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TwoClustersIT {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int WINDOW = 64;
    private static final int MIN_DISTINCT = 16;

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

            Needles needles = new Needles(xrays);
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
                        atHospital.getOrDefault(topics.xrays.name(), Set.of()).contains("study " + stem(name)),
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
            StegoConfig clinic, String topic, String probe, Map<String, Set<String>> hits, Needles needles) {
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

    /** What is searched for: windows of files and pixel rows (by rolling hash), study references and probes. */
    private static final class Needles {

        private static final long BASE = 1_000_003L;
        private final Map<Long, List<Map.Entry<byte[], String>>> windows = new HashMap<>();
        private final Map<byte[], String> strings = new LinkedHashMap<>();
        private final long topPower;

        Needles(List<Path> xrays) throws IOException {
            long power = 1;
            for (int i = 1; i < WINDOW; i++) {
                power *= BASE;
            }
            topPower = power;
            for (Path x : xrays) {
                String name = x.getFileName().toString();
                byte[] file = Files.readAllBytes(x);
                addWindows(file, WINDOW, "file " + name);
                BufferedImage decoded = Images.decode(file, name);
                BufferedImage gray =
                        new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
                gray.getGraphics().drawImage(decoded, 0, 0, null);
                byte[] rows = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
                int width = gray.getWidth();
                for (int y = 0; y < gray.getHeight(); y++) {
                    byte[] row = Arrays.copyOfRange(rows, y * width, (y + 1) * width);
                    addWindows(row, WINDOW / 2, "pixels " + name);
                }
                strings.put(stem(name).getBytes(StandardCharsets.UTF_8), "study " + stem(name));
            }
        }

        private void addWindows(byte[] bytes, int step, String label) {
            for (int at = 0; at + WINDOW <= bytes.length; at += step) {
                byte[] w = Arrays.copyOfRange(bytes, at, at + WINDOW);
                if (distinct(w) >= MIN_DISTINCT) {
                    windows.computeIfAbsent(hash(w, 0), k -> new ArrayList<>()).add(Map.entry(w, label));
                }
            }
        }

        private static int distinct(byte[] w) {
            boolean[] seen = new boolean[256];
            int n = 0;
            for (byte b : w) {
                if (!seen[b & 0xff]) {
                    seen[b & 0xff] = true;
                    n++;
                }
            }
            return n;
        }

        private static long hash(byte[] b, int from) {
            long h = 0;
            for (int i = from; i < from + WINDOW; i++) {
                h = h * BASE + (b[i] & 0xff);
            }
            return h;
        }

        /** Adds to {@code hits}, under the record's topic, what of the X-rays its key, value and headers hold. */
        void search(ConsumerRecord<byte[], byte[]> r, Map<String, Set<String>> hits) {
            List<byte[]> parts = new ArrayList<>();
            parts.add(r.key());
            parts.add(r.value());
            for (Header h : r.headers()) {
                parts.add(h.key().getBytes(StandardCharsets.UTF_8));
                parts.add(h.value());
            }
            for (byte[] part : parts) {
                if (part != null) {
                    search(part, hits.computeIfAbsent(r.topic(), t -> new TreeSet<>()));
                }
            }
            hits.values().removeIf(Set::isEmpty);
        }

        private void search(byte[] data, Set<String> found) {
            String text = new String(data, StandardCharsets.ISO_8859_1);
            for (Map.Entry<byte[], String> s : strings.entrySet()) {
                if (text.contains(new String(s.getKey(), StandardCharsets.ISO_8859_1))) {
                    found.add(s.getValue());
                }
            }
            if (text.contains("aborted-") || text.contains("committed-")) {
                for (String marker : new String[] {"aborted-", "committed-"}) {
                    int at = text.indexOf(marker);
                    if (at >= 0 && at + marker.length() + 36 <= text.length()) {
                        found.add("probe " + text.substring(at, at + marker.length() + 36));
                    }
                }
            }
            if (data.length < WINDOW) {
                return;
            }
            long h = hash(data, 0);
            for (int at = 0; ; at++) {
                List<Map.Entry<byte[], String>> candidates = windows.get(h);
                if (candidates != null) {
                    for (Map.Entry<byte[], String> c : candidates) {
                        if (Arrays.equals(c.getKey(), 0, WINDOW, data, at, at + WINDOW)) {
                            found.add(c.getValue());
                        }
                    }
                }
                if (at + WINDOW >= data.length) {
                    return;
                }
                h = (h - (data[at] & 0xff) * topPower) * BASE + (data[at + WINDOW] & 0xff);
            }
        }
    }

    private static String stem(String name) {
        return name.substring(0, name.lastIndexOf('.'));
    }

    /** A tiny untrained model, written under tmp/model: these checks are about where bytes go, not about quality. */
    private static Path tinyModel() throws IOException {
        return TinyModels.write(tmp.resolve("model"), "it-mirror-tiny", 1);
    }
}
