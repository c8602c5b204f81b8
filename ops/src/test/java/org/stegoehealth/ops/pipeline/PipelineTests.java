package org.stegoehealth.ops.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.lab.eval.Quality;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.TinyModels;
import org.stegoehealth.ops.stack.StackKind;
import org.stegoehealth.ops.stack.StackSelection;
import org.stegoehealth.ops.stack.TestStack;
import org.stegoehealth.processors.CoverFitting;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.ExtractionTopology;
import org.stegoehealth.processors.HidingMethod;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StegoEvents;
import org.stegoehealth.processors.StegoFormat;
import org.stegoehealth.processors.StreamsApp;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.processors.models.ModelEvents;
import org.stegoehealth.processors.models.ModelPublisher;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.processors.produce.PublishOutcome;
import org.stegoehealth.processors.produce.XrayProducer;
import org.stegoehealth.schemas.AvroSerde;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.HttpSchemaRegistryClient;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.SchemaRegistryException;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.Png;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;
import org.stegoehealth.trainer.Trainer;
import org.stegoehealth.trainer.TrainingData;
import org.stegoehealth.trainer.TrainingSettings;

/**
 * The whole system against a real Kafka broker and a real Apicurio Registry: X-ray files in, recovered X-rays out,
 * through both Kafka Streams applications exactly as the CLI runs them. One body, run on each kind of {@link TestStack}
 * by a subclass ({@link PipelineLocalStackIT}, {@link PipelineContainersIT}); {@link StackSelection} decides which run
 * and each prints the stack it ran on. One stack per class; each test gets its own topic prefix and application ids
 * ({@link PipelineCluster} on an existing cluster). The model is a tiny untrained one: these tests check the plumbing,
 * not the hiding quality.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PipelineTests {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final Duration WAIT = Duration.ofMinutes(2);
    /** Training steps of each small trained model: a few seconds. */
    private static final int TRAIN_STEPS = 60;
    /**
     * Mean PSNR of recovered against original X-rays that the two trained models stay above: measured 12.3 to 13.1 dB
     * after 60 steps (14.7 and 17.4 dB after 150), against 5.7 to 5.8 dB for the same networks untrained.
     */
    private static final double RECOVERED_PSNR_FLOOR = 10.0;
    /** PSNR the training must add to the recovered X-rays over the same network untrained. */
    private static final double TRAINING_GAIN_DB = 4.0;

    /** The small trained models, by version: trained once per test JVM, shared by the stacks' classes. */
    private static final Map<String, ModelArtifact> TRAINED = new ConcurrentHashMap<>();

    /** This class's work folder (one per stack class). */
    private Path tmp;

    private StackSelection.Opened opened;
    private TestStack stack;
    private StegoModel model;
    private long classStarted;

    /** After a failed test, what the stack says about itself (a container killed for memory, the broker's warnings). */
    @RegisterExtension
    final TestWatcher stackAfterFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (stack != null) {
                StackSelection.printDiagnosis(
                        PipelineTests.this.getClass().getSimpleName() + "."
                                + context.getTestMethod().map(Method::getName).orElse(context.getDisplayName()),
                        stack);
            }
        }
    };

    /** The kind of stack this class runs the pipeline on. */
    abstract StackKind stackKind();

    @BeforeAll
    void startStackAndWriteModel(@TempDir Path work) throws IOException {
        tmp = work;
        classStarted = System.nanoTime();
        opened = StackSelection.open(stackKind(), getClass().getSimpleName(), tmp.resolve("stack"));
        stack = opened.stack();
        model = TinyModels.load(tmp, "it-tiny", 1);
    }

    @BeforeEach
    void sayWhere(TestInfo test) {
        opened.require();
        System.out.printf(
                "%s on the %s: %s%n",
                getClass().getSimpleName(),
                stack.name(),
                test.getTestMethod().map(Method::getName).orElse(test.getDisplayName()));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
            System.out.printf(
                    Locale.ROOT,
                    "%s: ran on the %s, %.1f s with the stack's start and stop%n",
                    getClass().getSimpleName(),
                    stack.name(),
                    (System.nanoTime() - classStarted) / 1e9);
        }
    }

    /** This test's cluster view: its own topic prefix, application ids and state directory, fast batching. */
    private PipelineCluster cluster(String name, int partitions) throws IOException {
        StegoConfig config = StegoConfig.defaultsOnly()
                .with(Map.of(
                        StegoConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                        StegoConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl(),
                        StegoConfig.TOPIC_PARTITIONS, Integer.toString(partitions),
                        StegoConfig.BATCH_LINGER_MS, "300",
                        StegoConfig.COMMIT_INTERVAL_MS, "200"));
        PipelineCluster cluster = PipelineCluster.open(config, true, false, Files.createTempDirectory(tmp, name), name);
        cluster.createTopics();
        cluster.publishCovers(SAMPLES.resolve("covers"));
        return cluster;
    }

    private static FloatImage image(byte[] bytes, String name) {
        return FloatImage.of(Images.decode(bytes, name));
    }

    /** What travels: an image as the 8-bit PNG the topologies publish, decoded again. */
    private static FloatImage asPng(FloatImage image, String name) {
        return image(Png.encode(image.toBufferedImage()), name);
    }

    @Test
    void xrayFiles_throughBothTopologies_comeOutOnceEach_withTheQualityTheModelGivesOffline() throws Exception {
        List<Path> xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        List<Path> covers = Evaluation.imageFiles(SAMPLES.resolve("covers"), n -> true);
        try (PipelineCluster cluster = cluster("roundtrip", 3);
                InProcessPipeline pipeline = InProcessPipeline.start(
                        cluster.config(),
                        cluster.topics(),
                        model,
                        PipelineKeys.under(tmp.resolve("keys")),
                        InProcessPipeline.START_TIMEOUT);
                PipelineOutputs outputs = new PipelineOutputs(cluster.config(), cluster.topics(), "roundtrip-reader")) {
            Map<String, Path[]> sent = new LinkedHashMap<>();
            for (int i = 0; i < xrays.size(); i++) {
                Path cover = covers.get(i % covers.size());
                sent.put(
                        cluster.publishXray(xrays.get(i), CoverProducer.coverIdOf(cover)),
                        new Path[] {xrays.get(i), cover});
            }
            outputs.awaitRecovered(sent.keySet(), WAIT, null, pipeline::checkHealthy);
            // a duplicate would come in a later transaction: keep reading for a few commit intervals
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until) {
                outputs.poll(Duration.ofMillis(200));
            }

            assertEquals(sent.keySet(), outputs.recoveredCounts().keySet(), "recovered message ids");
            outputs.recoveredCounts().forEach((id, count) -> assertEquals(1, count, "recovered records of " + id));
            assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
            for (Map.Entry<String, Path[]> e : sent.entrySet()) {
                String id = e.getKey();
                FloatImage original =
                        image(Files.readAllBytes(e.getValue()[0]), id).withChannels(model.secretChannels());
                FloatImage cover = CoverFitting.fit(
                        image(Files.readAllBytes(e.getValue()[1]), "cover"), original.width(), original.height());
                FloatImage offlineStego =
                        asPng(model.embed(List.of(cover), List.of(original)).get(0), id);
                FloatImage offlineRecovered =
                        asPng(model.extract(List.of(offlineStego)).get(0).withChannels(model.secretChannels()), id);
                FloatImage stego =
                        image(InputImages.bytes(outputs.stego().get(id).getImage()), id);
                FloatImage recovered =
                        image(InputImages.bytes(outputs.recovered().get(id).getImage()), id);

                assertEquals(model.version(), outputs.recovered().get(id).getModelVersion());
                assertEquals(
                        Quality.of(cover, offlineStego).psnr(),
                        Quality.of(cover, stego).psnr(),
                        0.01,
                        "cover/stego PSNR of " + e.getValue()[0].getFileName());
                assertEquals(
                        Quality.of(original, offlineRecovered).psnr(),
                        Quality.of(original, recovered).psnr(),
                        0.01,
                        "original/recovered PSNR of " + e.getValue()[0].getFileName());
            }
        }
    }

    /** The bundled default model ({@code models/DEFAULT}), the one {@code stego demo} runs. */
    private static StegoModel bundledModel() throws IOException {
        Path models = Path.of("..", "models");
        String dir =
                Files.readString(models.resolve(ModelArtifact.DEFAULT_POINTER)).trim();
        return ModelArtifact.load(models.resolve(dir)).toModel();
    }

    /**
     * The same X-rays through the whole pipeline twice, with stego.format=png and with stego.format=jpeg: each JPEG
     * stego record is at most a third of the PNG one, and is recovered once, from its JPEG bytes. The bundled model
     * was not trained for JPEG, so the recovered X-rays are poor (about 10 dB): only that recovery happens is
     * checked, as the figure the model gives offline on the very bytes that crossed.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void jpegStegoEvents_areAtMostAThirdOfThePngBytes_andAreRecoveredOnceEach() throws Exception {
        StegoModel bundled = bundledModel();
        List<Path> xrays =
                Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true).subList(0, 3);
        List<Path> covers = Evaluation.imageFiles(SAMPLES.resolve("covers"), n -> true);
        Map<ImageFormat, Map<String, Integer>> recordBytes = new TreeMap<>();
        for (StegoFormat format : List.of(StegoFormat.PNG, StegoFormat.jpeg(90))) {
            String name = "wire-" + format.format().name().toLowerCase(Locale.ROOT);
            try (PipelineCluster cluster = cluster(name, 1);
                    InProcessPipeline pipeline = InProcessPipeline.start(
                            cluster.config()
                                    .with(Map.of(
                                            StegoConfig.STEGO_FORMAT,
                                            format.format().name().toLowerCase(Locale.ROOT))),
                            cluster.config(),
                            cluster.topics(),
                            ModelSource.fixed(bundled),
                            ModelSource.fixed(bundled),
                            PipelineKeys.under(tmp.resolve("keys")),
                            InProcessPipeline.START_TIMEOUT);
                    PipelineOutputs outputs =
                            new PipelineOutputs(cluster.config(), cluster.topics(), name + "-reader")) {
                Map<String, Path> sent = new LinkedHashMap<>();
                for (int i = 0; i < xrays.size(); i++) {
                    sent.put(
                            cluster.publishXray(xrays.get(i), CoverProducer.coverIdOf(covers.get(i % covers.size()))),
                            xrays.get(i));
                }
                outputs.awaitRecovered(sent.keySet(), WAIT, null, pipeline::checkHealthy);
                long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < settle) {
                    outputs.poll(Duration.ofMillis(200));
                }

                assertEquals(sent.keySet(), outputs.recoveredCounts().keySet(), format.describe());
                outputs.recoveredCounts().forEach((id, count) -> assertEquals(1, count, "recovered records of " + id));
                assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
                double psnr = 0;
                for (Map.Entry<String, Path> e : sent.entrySet()) {
                    String id = e.getKey();
                    byte[] image = InputImages.bytes(outputs.stego().get(id).getImage());
                    assertEquals(format.format(), InputImages.sniff(image), id);
                    assertEquals(Optional.of(bundled.version()), StegoFormat.modelVersionOf(image), id);
                    FloatImage original =
                            image(Files.readAllBytes(e.getValue()), id).withChannels(bundled.secretChannels());
                    FloatImage offline = asPng(
                            bundled.extract(List.of(image(image, id))).get(0).withChannels(bundled.secretChannels()),
                            id);
                    FloatImage recovered =
                            image(InputImages.bytes(outputs.recovered().get(id).getImage()), id);
                    double recoveredPsnr = Quality.of(original, recovered).psnr();
                    assertEquals(Quality.of(original, offline).psnr(), recoveredPsnr, 0.01, id);
                    psnr += recoveredPsnr / sent.size();
                }
                recordBytes.put(format.format(), outputs.stegoRecordBytes());
                System.out.printf(
                        Locale.ROOT,
                        "%s: stego records %s bytes, recovered X-rays %.2f dB on average%n",
                        format.describe(),
                        sent.keySet().stream()
                                .map(id -> outputs.stegoRecordBytes().get(id))
                                .toList(),
                        psnr);
            }
        }
        Map<String, Integer> png = recordBytes.get(ImageFormat.PNG);
        Map<String, Integer> jpeg = recordBytes.get(ImageFormat.JPEG);
        assertEquals(png.keySet(), jpeg.keySet(), "the same X-rays, the same content-derived message ids");
        for (String id : png.keySet()) {
            assertTrue(3 * jpeg.get(id) <= png.get(id), id + ": jpeg " + jpeg.get(id) + " png " + png.get(id));
        }
    }

    /** {@code count} different small X-rays made from the samples (one pixel differs), as PNG files in {@code dir}. */
    private static List<Path> distinctXrays(int count, Path dir) throws IOException {
        List<Path> samples = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        List<Path> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            FloatImage gray = Images.squareAt(
                            Images.decode(Files.readAllBytes(samples.get(n % samples.size())), "sample"), 64)
                    .withChannels(1);
            float[] data = gray.data().clone();
            data[0] = n / 255f;
            Path file = dir.resolve(String.format("study-%02d.png", n));
            Files.write(
                    file, Png.encode(new FloatImage(64, 64, 1, data).quantize8().toBufferedImage()));
            out.add(file);
        }
        return out;
    }

    @Test
    void theSameXrays_sentInTwoProducerRunsAndAgainThroughTheDropFolder_comeOutOnceEach_asRecordsAndFiles()
            throws Exception {
        List<Path> xrays = distinctXrays(20, Files.createDirectories(tmp.resolve("twenty")));
        Path clinicFiles = tmp.resolve("recovered-once");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.addRegistry(meters);
        try (PipelineCluster cluster = cluster("resent", 1);
                InProcessPipeline pipeline = InProcessPipeline.start(
                        cluster.config(),
                        cluster.config().with(Map.of(StegoConfig.RECOVERED_DIR, clinicFiles.toString())),
                        cluster.topics(),
                        ModelSource.fixed(model),
                        ModelSource.fixed(model),
                        PipelineKeys.under(tmp.resolve("keys")),
                        InProcessPipeline.START_TIMEOUT);
                PipelineOutputs outputs = new PipelineOutputs(cluster.config(), cluster.topics(), "resent-reader");
                Producer<String, XrayImageEvent> kafka =
                        XrayProducer.kafkaProducer(cluster.config(), cluster.topics().xrays)) {
            Set<String> ids = new LinkedHashSet<>();
            // two runs of the producer over the same files
            for (int run = 0; run < 2; run++) {
                XrayProducer producer = new XrayProducer(
                        kafka, cluster.topics().xrays.name(), cluster.config().maxImageSide(), Clock.systemUTC());
                for (PublishOutcome o : producer.publishAll(xrays, null)) {
                    assertTrue(o.ok(), o.toString());
                    ids.add(o.key());
                }
            }
            assertEquals(20, ids.size(), "content-derived ids: the same 20 twice");
            // and once more through a drop folder, copied in place
            Path drop = Files.createDirectories(tmp.resolve("resent-drop"));
            List<PublishOutcome> dropped = new CopyOnWriteArrayList<>();
            AtomicBoolean watching = new AtomicBoolean(true);
            XrayProducer dropProducer = new XrayProducer(
                    kafka, cluster.topics().xrays.name(), cluster.config().maxImageSide(), Clock.systemUTC());
            Thread watcher = new Thread(() -> {
                try {
                    dropProducer.watch(
                            drop, null, Duration.ofMillis(200), Duration.ofSeconds(30), watching::get, dropped::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            watcher.start();
            try {
                for (Path x : xrays) {
                    Files.copy(x, drop.resolve(x.getFileName()));
                }
                long until = System.nanoTime() + WAIT.toNanos();
                while (dropped.size() < xrays.size() && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
            } finally {
                watching.set(false);
                watcher.join();
            }
            assertEquals(20, dropped.size(), dropped.toString());
            assertTrue(dropped.stream().allMatch(PublishOutcome::ok), dropped.toString());
            assertEquals(ids, dropped.stream().map(PublishOutcome::key).collect(Collectors.toSet()));

            outputs.awaitRecovered(ids, WAIT, null, pipeline::checkHealthy);
            // every one of the 60 stego records has been through the extractor once 40 repeats were dropped
            Counter repeats = meters.get("stego.recovered.duplicates")
                    .tag("application", cluster.config().extractorApplicationId())
                    .counter();
            long until = System.nanoTime() + WAIT.toNanos();
            while (repeats.count() < 40 && System.nanoTime() < until) {
                pipeline.checkHealthy();
                outputs.poll(Duration.ofMillis(200));
            }
            assertEquals(40.0, repeats.count(), "repeats dropped at the clinic");
            // a duplicate would come in a later transaction: keep reading for a few commit intervals
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < settle) {
                outputs.poll(Duration.ofMillis(200));
            }

            assertEquals(ids, outputs.recoveredCounts().keySet(), "recovered message ids");
            outputs.recoveredCounts().forEach((id, count) -> assertEquals(1, count, "recovered records of " + id));
            assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
            try (var files = Files.list(clinicFiles)) {
                assertEquals(
                        ids.stream().map(id -> id + ".png").sorted().toList(),
                        files.map(f -> f.getFileName().toString()).sorted().toList(),
                        "one file per X-ray at the clinic");
            }
        } finally {
            io.micrometer.core.instrument.Metrics.removeRegistry(meters);
        }
    }

    /** A 16-bit gray X-ray made from a sample: its 8-bit values in the high byte, a varying low byte. */
    private static Path sixteenBitXray(Path sample, Path dir) throws IOException {
        BufferedImage eight = Images.decode(Files.readAllBytes(sample), sample.toString());
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                int v = eight.getRaster().getSample(x * 4, y * 4, 0);
                img.getRaster().setSample(x, y, 0, (v << 8) | ((x * 7 + y * 13) & 0xff));
            }
        }
        Path file = dir.resolve("ACC-16BIT-0001.png");
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }

    @Test
    void sealedMethod_8and16bitXrays_comeOutBitIdentical_signed_withTheStudyReferenceOnlyAtTheClinic()
            throws Exception {
        List<Path> xrays = new ArrayList<>(
                Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true).subList(0, 2));
        xrays.add(sixteenBitXray(xrays.get(0), Files.createDirectories(tmp.resolve("sixteen"))));
        keyedMethod_roundTrip(HidingMethod.SEALED, xrays);
    }

    @Test
    void covertMethod_8and16bitXrays_comeOutBitIdentical_signed_withTheStudyReferenceOnlyAtTheClinic()
            throws Exception {
        // the covert method carries a hundredth of a bit per sample of a cover scaled to a 512 px shorter side (about
        // 14,000 bits in the sample photos): small X-rays
        Path dir = Files.createDirectories(tmp.resolve("covert"));
        Path sample = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true).get(0);
        BufferedImage eight = Images.decode(Files.readAllBytes(sample), sample.toString());
        BufferedImage small = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage deep = new BufferedImage(20, 20, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int v = eight.getRaster().getSample(x * 8, y * 8, 0);
                small.getRaster().setSample(x, y, 0, v);
                if (x < 20 && y < 20) {
                    deep.getRaster().setSample(x, y, 0, (v << 8) | ((x * 7 + y * 13) & 0xff));
                }
            }
        }
        Path eightBit = dir.resolve("ACC-COVERT-0008.png");
        Path sixteenBit = dir.resolve("ACC-COVERT-0016.png");
        ImageIO.write(small, "png", eightBit.toFile());
        ImageIO.write(deep, "png", sixteenBit.toFile());
        keyedMethod_roundTrip(HidingMethod.COVERT, List.of(eightBit, sixteenBit));
    }

    /** X-rays sent with a keyed method come out bit for bit, signed, their study reference opened only at the clinic. */
    private void keyedMethod_roundTrip(HidingMethod method, List<Path> xrays) throws Exception {
        PipelineKeys keys = PipelineKeys.under(tmp.resolve("keys-" + method.label()));
        try (PipelineCluster cluster = cluster(method.label(), 1);
                InProcessPipeline pipeline = InProcessPipeline.start(
                        cluster.config(), cluster.topics(), model, keys, InProcessPipeline.START_TIMEOUT);
                PipelineOutputs outputs =
                        new PipelineOutputs(cluster.config(), cluster.topics(), method.label() + "-reader");
                Producer<String, XrayImageEvent> kafka =
                        XrayProducer.kafkaProducer(cluster.config(), cluster.topics().xrays)) {
            // per X-ray: the embedder's default stays neural, the producer asks for the method and names the study
            XrayProducer producer = new XrayProducer(
                    kafka,
                    cluster.topics().xrays.name(),
                    cluster.config().maxImageSide(),
                    Clock.systemUTC(),
                    method,
                    true);
            Map<String, Path> sent = new LinkedHashMap<>();
            for (PublishOutcome o : producer.publishAll(xrays, null)) {
                assertTrue(o.ok(), o.toString());
                sent.put(o.key(), o.file());
            }
            // sealing a 512 px X-ray takes seconds on a busy machine: allow for it
            outputs.awaitRecovered(sent.keySet(), WAIT.multipliedBy(3).dividedBy(2), null, pipeline::checkHealthy);

            assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
            Keyring clinic = keys.clinic();
            for (Map.Entry<String, Path> e : sent.entrySet()) {
                String name = e.getValue().getFileName().toString();
                String studyRef = name.substring(0, name.lastIndexOf('.'));
                StegoImageEvent stego = outputs.stego().get(e.getKey());
                RecoveredImageEvent recovered = outputs.recovered().get(e.getKey());
                BufferedImage original = Images.decode(Files.readAllBytes(e.getValue()), name);
                BufferedImage back = Images.decode(InputImages.bytes(recovered.getImage()), name);

                assertEquals(method.label(), stego.getHidingMethod(), name);
                assertEquals(keys.hospital().signer().keyId(), stego.getSigningKeyId(), name);
                assertFalse(stego.toString().contains(studyRef), "no study reference in clear on the stego topic");
                assertTrue(clinic.receivingKeyIds().contains(stego.getReceivingKeyId()), name);
                assertEquals(original.getColorModel().getComponentSize(0), (int) recovered.getBitDepth(), name);
                assertEquals(original.getWidth(), back.getWidth(), name);
                assertEquals(original.getHeight(), back.getHeight(), name);
                assertEquals(
                        original.getColorModel().getComponentSize(0),
                        back.getColorModel().getComponentSize(0));
                assertArrayEquals(pixels(original), pixels(back), name + " comes back bit for bit");
                assertEquals(studyRef, recovered.getStudyRef(), name);
            }
            String last = List.copyOf(sent.keySet()).get(sent.size() - 1);
            assertEquals(16, (int) outputs.recovered().get(last).getBitDepth(), "the 16-bit X-ray kept its depth");
        }
    }

    @Test
    void poisonRecords_midStream_goToTheDeadLetterTopicWithTheirReason_whileTheirNeighboursAreProcessed()
            throws Exception {
        List<Path> xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        // one partition: the order before -> garbage -> corrupt PNG -> after is the order of processing
        try (PipelineCluster cluster = cluster("poison", 1);
                InProcessPipeline pipeline = InProcessPipeline.start(
                        cluster.config(),
                        cluster.topics(),
                        model,
                        PipelineKeys.under(tmp.resolve("keys")),
                        InProcessPipeline.START_TIMEOUT);
                PipelineOutputs outputs = new PipelineOutputs(cluster.config(), cluster.topics(), "poison-reader");
                KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
                        StreamsConfigs.producer(cluster.config(), "poison-raw"),
                        new StringSerializer(),
                        new ByteArraySerializer());
                KafkaProducer<String, XrayImageEvent> avro = new KafkaProducer<>(
                        StreamsConfigs.producer(cluster.config(), "poison-avro"),
                        new StringSerializer(),
                        cluster.topics().xrays.valueSerde().serializer())) {
            String topic = cluster.topics().xrays.name();
            String before = cluster.publishXray(xrays.get(0), null);
            raw.send(new ProducerRecord<>(
                            topic, "poison-garbage", "not an X-ray event".getBytes(StandardCharsets.UTF_8)))
                    .get();
            byte[] brokenPng = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1, 2, 3};
            XrayImageEvent corrupt = XrayImageEvent.newBuilder()
                    .setMessageId("poison-png")
                    .setStudyRef(null)
                    .setSourceName("broken.png")
                    .setFormat(ImageFormat.PNG)
                    .setWidth(64)
                    .setHeight(64)
                    .setChannels(1)
                    .setBitDepth(8)
                    .setImage(ByteBuffer.wrap(brokenPng))
                    .setProducedAt(Instant.now())
                    .build();
            avro.send(new ProducerRecord<>(topic, "poison-png", corrupt)).get();
            String after = cluster.publishXray(xrays.get(1), null);

            outputs.awaitRecovered(List.of(before, after), WAIT, null, pipeline::checkHealthy);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (outputs.deadLetters().size() < 2 && System.nanoTime() < deadline) {
                outputs.poll(Duration.ofMillis(200));
            }

            assertEquals(Map.of(before, 1, after, 1), outputs.recoveredCounts());
            Map<String, DeadLetterEvent> letters = new LinkedHashMap<>();
            outputs.deadLetters().forEach(d -> letters.put(PipelineOutputs.originalKey(d), d));
            assertEquals(List.of("poison-garbage", "poison-png"), List.copyOf(letters.keySet()), "dead-lettered keys");
            DeadLetterEvent garbage = letters.get("poison-garbage");
            DeadLetterEvent png = letters.get("poison-png");
            assertEquals(ErrorType.DESERIALIZATION.name(), garbage.getErrorType(), garbage.getReason());
            assertEquals(ErrorType.DECODE.name(), png.getErrorType(), png.getReason());
            assertTrue(png.getReason().contains("poison-png"), png.getReason());
            assertEquals(List.of(1L, 2L), List.of(garbage.getSourceOffset(), png.getSourceOffset()), "source offsets");
            for (DeadLetterEvent d : letters.values()) {
                assertEquals(topic, d.getSourceTopic());
                assertFalse(d.getReason().isBlank() || d.getReason().contains("\n"), d.getReason());
            }
        }
    }

    /** An X-ray event as another team's newer build might write it: with a new required field. */
    static final class EvolvedXray extends GenericData.Record implements SpecificRecord {
        EvolvedXray(Schema schema) {
            super(schema);
        }
    }

    @Test
    void producerWithIncompatibleSchema_onAnExistingSubject_failsWithTheRegistrysOneLineRefusal() throws Exception {
        List<Path> xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        try (PipelineCluster cluster = cluster("schema", 1)) {
            String topic = cluster.topics().xrays.name();
            cluster.publishXray(xrays.get(0), null);
            Schema evolved = new Schema.Parser()
                    .parse(XrayImageEvent.getClassSchema()
                            .toString()
                            .replace("\"fields\":[", "\"fields\":[{\"name\":\"patientAge\",\"type\":\"int\"},"));
            EvolvedXray record = new EvolvedXray(evolved);
            XrayImageEvent.getClassSchema().getFields().forEach(f -> record.put(f.name(), null));
            record.put("patientAge", 42);
            AvroSerde<EvolvedXray> serde =
                    AvroSerde.forValue(new HttpSchemaRegistryClient(stack.schemaRegistryUrl()), evolved);

            try (KafkaProducer<String, EvolvedXray> producer = new KafkaProducer<>(
                    StreamsConfigs.producer(cluster.config(), "schema-evolved"),
                    new StringSerializer(),
                    serde.serializer())) {
                SchemaRegistryException refused = assertThrows(
                        SchemaRegistryException.class,
                        () -> producer.send(new ProducerRecord<>(topic, "evolved-1", record)));
                assertEquals(409, refused.status(), refused.getMessage());
                assertTrue(refused.getMessage().contains(topic + "-value"), refused.getMessage());
                assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
            }
            // the subject is untouched: the current schema still publishes
            cluster.publishXray(xrays.get(1), null);
        }
    }
    /** Distinct X-ray files: square crops of the sample X-rays, as PNG. */
    private static List<Path> xrayCrops(Path dir, int count, int side) throws IOException {
        Files.createDirectories(dir);
        List<Path> samples = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage full = ImageIO.read(samples.get(i % samples.size()).toFile());
            int step = (full.getWidth() - side) / Math.max(1, count / samples.size());
            int x = Math.min(full.getWidth() - side, (i / samples.size()) * step);
            BufferedImage crop = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
            crop.getGraphics().drawImage(full.getSubimage(x, x / 2, side, side), 0, 0, null);
            Path file = dir.resolve("xray-" + i + ".png");
            ImageIO.write(crop, "png", file.toFile());
            out.add(file);
        }
        return out;
    }

    /**
     * A tiny model trained for a few dozen steps (seconds) by the project's trainer, on crops of the sample X-rays and
     * the sample covers, stored under {@code version}.
     */
    private static Path trainedModel(Path work, String version, long seed) throws IOException {
        ModelArtifact trained = TRAINED.get(version + "@" + seed);
        if (trained == null) {
            trained = train(work, version, seed);
            TRAINED.put(version + "@" + seed, trained);
        }
        ModelMetadata m = trained.metadata();
        return ModelArtifact.write(
                Files.createDirectories(work.resolve("models")),
                new ModelMetadata(
                        version,
                        m.created(),
                        m.architecture(),
                        m.preprocessing(),
                        m.training(),
                        m.data(),
                        m.validation(),
                        ModelArtifact.WEIGHTS_FILE,
                        null),
                trained.weights());
    }

    private static ModelArtifact train(Path work, String version, long seed) throws IOException {
        Path pool = work.resolve("pool-" + version);
        xrayCrops(pool.resolve("xrays"), 24, 96);
        Files.createDirectories(pool.resolve("covers"));
        List<Path> sampleCovers = Evaluation.imageFiles(SAMPLES.resolve("covers"), n -> true);
        for (int i = 0; i < 16; i++) {
            BufferedImage full =
                    ImageIO.read(sampleCovers.get(i % sampleCovers.size()).toFile());
            int side = Math.min(96, Math.min(full.getWidth(), full.getHeight()));
            int x = (i / sampleCovers.size() % 4) * (full.getWidth() - side) / 4;
            BufferedImage crop = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            crop.getGraphics().drawImage(full.getSubimage(x, 0, side, side), 0, 0, null);
            ImageIO.write(
                    crop,
                    "png",
                    pool.resolve("covers").resolve("cover-" + i + ".png").toFile());
        }
        TrainingData data = TrainingData.load(pool.resolve("xrays"), pool.resolve("covers"), 64, 0, (w, d, t) -> {});
        TrainingSettings settings = new TrainingSettings(
                new NetworkConfig(1, 2, 8, 8, 2, 0.1),
                TRAIN_STEPS,
                4,
                32,
                3e-3,
                1.0,
                seed,
                TRAIN_STEPS,
                TRAIN_STEPS,
                4,
                64,
                0,
                0,
                0,
                false);
        Progress quiet = new Progress(new PrintStream(OutputStream.nullOutputStream()));
        Trainer trainer = Trainer.open(settings, data, pool.resolve("run"), quiet, null);
        long start = System.nanoTime();
        trainer.train();
        System.out.printf("trained %s: %d steps in %.1f s%n", version, TRAIN_STEPS, (System.nanoTime() - start) / 1e9);
        return ModelArtifact.load(trainer.export(pool.resolve("export"), "PipelineIT", false));
    }

    private static Path tinyModel(Path dir, String version, long seed) throws IOException {
        return TinyModels.write(dir, version, seed);
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // two models are trained first: about a minute each on a busy machine
    void modelVersions_promotedMidStream_switchWithoutDeadLetters_andEveryImageExtractsWithItsOwnVersion()
            throws Exception {
        Path work = Files.createTempDirectory(tmp, "versions-files");
        // v1 and v2: two small trained models (different seeds); v3 only has to exist
        Path v1Dir = trainedModel(work, "it-v1", 11);
        Path v2Dir = trainedModel(work, "it-v2", 12);
        Path v3Dir = tinyModel(work.resolve("models"), "it-v3", 13);
        // the same networks untrained (same seeds), to show what the training bought
        Map<String, StegoModel> untrained = Map.of(
                "it-v1",
                ModelArtifact.load(tinyModel(work.resolve("untrained"), "it-v1-untrained", 11))
                        .toModel(),
                "it-v2",
                ModelArtifact.load(tinyModel(work.resolve("untrained"), "it-v2-untrained", 12))
                        .toModel());
        Map<String, StegoModel> offline = Map.of(
                "it-v1",
                ModelArtifact.load(v1Dir).toModel(),
                "it-v2",
                ModelArtifact.load(v2Dir).toModel(),
                "it-v3",
                ModelArtifact.load(v3Dir).toModel());
        List<Path> xrays = xrayCrops(work.resolve("xrays"), 16, 160);
        List<Path> covers = Evaluation.imageFiles(SAMPLES.resolve("covers"), n -> true);
        try (PipelineCluster cluster = cluster("versions", 1)) {
            StegoConfig config = cluster.config();
            PipelineKeys keys = PipelineKeys.under(work.resolve("keys"));
            cluster.publishAndPromote(v1Dir, "first version", keys.hospital());
            Keyring keyring = keys.hospital();
            Map<String, Path[]> sent = new LinkedHashMap<>();
            long promotedAtMs;
            try (ModelPublisher publisher = new ModelPublisher(
                            StreamsConfigs.producer(config, "versions-publisher"),
                            cluster.topics(),
                            keyring.signer(),
                            "it",
                            Clock.systemUTC());
                    FollowedModels hospital = FollowedModels.start(
                            config.with(Map.of(
                                    StegoConfig.MODEL_CACHE_DIR,
                                    work.resolve("hospital-cache").toString())),
                            cluster.topics(),
                            keys.hospital(),
                            keys.hospital().name(),
                            "versions-hospital");
                    FollowedModels clinic = FollowedModels.start(
                            config.with(Map.of(
                                    StegoConfig.MODEL_CACHE_DIR,
                                    work.resolve("clinic-cache").toString())),
                            cluster.topics(),
                            keys.clinic(),
                            keys.hospital().name(),
                            "versions-clinic");
                    InProcessPipeline pipeline = InProcessPipeline.start(
                            config,
                            cluster.topics(),
                            hospital.registry(),
                            clinic.registry(),
                            keys,
                            InProcessPipeline.START_TIMEOUT);
                    PipelineOutputs outputs = new PipelineOutputs(config, cluster.topics(), "versions-reader")) {
                publisher.publish(v2Dir, "it-v1");
                // stream X-rays; once the first half is through, promote v2 without stopping anything
                long promoted = 0;
                for (int i = 0; i < xrays.size(); i++) {
                    if (i == xrays.size() / 2) {
                        outputs.awaitRecovered(sent.keySet(), WAIT, null, pipeline::checkHealthy);
                        promoted = System.currentTimeMillis();
                        publisher.promote("it-v2", "mid-stream promotion");
                    }
                    Path cover = covers.get(i % covers.size());
                    sent.put(
                            cluster.publishXray(xrays.get(i), CoverProducer.coverIdOf(cover)),
                            new Path[] {xrays.get(i), cover});
                    outputs.poll(Duration.ofMillis(250));
                }
                promotedAtMs = promoted;
                outputs.awaitRecovered(sent.keySet(), WAIT, null, pipeline::checkHealthy);

                // a bad checksum and a foreign signature are refused; the clinic keeps serving what it has
                ModelEvent tampered = ModelEvents.fromArtifact(v3Dir, null, "it", Instant.now(), keyring.signer());
                byte[] weights = InputImages.bytes(tampered.getWeights());
                weights[weights.length / 2] ^= 1;
                tampered.setWeights(ByteBuffer.wrap(weights));
                Keyring stranger = Keyring.init(work.resolve("stranger"), "stranger");
                ModelEvent foreign = ModelEvents.fromArtifact(v3Dir, null, "it", Instant.now(), stranger.signer());
                try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
                        StreamsConfigs.producer(config, "raw"), new StringSerializer(), new ByteArraySerializer())) {
                    String topic = cluster.topics().models.name();
                    for (ModelEvent bad : List.of(tampered, foreign)) {
                        raw.send(new ProducerRecord<>(
                                        topic,
                                        "it-v3",
                                        cluster.topics()
                                                .models
                                                .valueSerde()
                                                .serializer()
                                                .serialize(topic, bad)))
                                .get();
                    }
                    // a stego image made with v3, which the clinic has not received (validly) yet
                    FloatImage secret =
                            image(Files.readAllBytes(xrays.get(0)), "late").withChannels(1);
                    FloatImage cover = CoverFitting.fit(
                            image(Files.readAllBytes(covers.get(0)), "cover"), secret.width(), secret.height());
                    FloatImage stego = offline.get("it-v3")
                            .embed(List.of(cover), List.of(secret))
                            .get(0);
                    StegoImageEvent late = StegoEvents.sign(
                            StegoImageEvent.newBuilder()
                                    .setMessageId("late-v3")
                                    .setClinic(keys.clinic().name())
                                    .setModelVersion("it-v3")
                                    .setWidth(stego.width())
                                    .setHeight(stego.height())
                                    .setSecretChannels(1)
                                    .setImage(ByteBuffer.wrap(Png.encode(stego.toBufferedImage())))
                                    .setCreatedAt(Instant.now())
                                    .build(),
                            keyring.signer());
                    String stegoTopic = cluster.topics().stego.name();
                    raw.send(new ProducerRecord<>(
                                    stegoTopic,
                                    "late-v3",
                                    cluster.topics()
                                            .stego
                                            .valueSerde()
                                            .serializer()
                                            .serialize(stegoTopic, late)))
                            .get();
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                while (System.nanoTime() < until) {
                    outputs.poll(Duration.ofMillis(200));
                }
                assertFalse(outputs.recovered().containsKey("late-v3"), "waits for its version");
                assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
                assertFalse(clinic.registry().has("it-v3"));
                assertEquals(2, clinic.registry().refusedCount(), "tampered and foreign model events refused");

                publisher.publish(v3Dir, "it-v2");
                outputs.awaitRecovered(List.of("late-v3"), WAIT, null, pipeline::checkHealthy);
                assertEquals("it-v3", outputs.recovered().get("late-v3").getModelVersion());

                // zero dead letters; every image extracted with the version that embedded it, offline quality
                assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
                Map<String, Integer> perVersion = new TreeMap<>();
                Map<String, Quality.Mean> quality = new TreeMap<>();
                Map<String, Quality.Mean> baseline = new TreeMap<>();
                long firstV2 = Long.MAX_VALUE;
                for (Map.Entry<String, Path[]> e : sent.entrySet()) {
                    String id = e.getKey();
                    StegoImageEvent stegoEvent = outputs.stego().get(id);
                    String version = stegoEvent.getModelVersion();
                    perVersion.merge(version, 1, Integer::sum);
                    if (version.equals("it-v2")) {
                        firstV2 = Math.min(firstV2, stegoEvent.getCreatedAt().toEpochMilli());
                    }
                    assertEquals(version, outputs.recovered().get(id).getModelVersion(), id);
                    StegoModel model = offline.get(version);
                    FloatImage original =
                            image(Files.readAllBytes(e.getValue()[0]), id).withChannels(1);
                    FloatImage cover = CoverFitting.fit(
                            image(Files.readAllBytes(e.getValue()[1]), "cover"), original.width(), original.height());
                    FloatImage offlineStego =
                            asPng(model.embed(List.of(cover), List.of(original)).get(0), id);
                    FloatImage offlineRecovered =
                            asPng(model.extract(List.of(offlineStego)).get(0).withChannels(1), id);
                    FloatImage recovered =
                            image(InputImages.bytes(outputs.recovered().get(id).getImage()), id);
                    assertEquals(
                            Quality.of(original, offlineRecovered).psnr(),
                            Quality.of(original, recovered).psnr(),
                            0.01,
                            "original/recovered PSNR of " + id + " (" + version + ")");
                    quality.computeIfAbsent(version, v -> new Quality.Mean()).add(Quality.of(original, recovered));
                    StegoModel raw = untrained.get(version);
                    FloatImage rawStego =
                            asPng(raw.embed(List.of(cover), List.of(original)).get(0), id);
                    baseline.computeIfAbsent(version, v -> new Quality.Mean())
                            .add(Quality.of(
                                    original,
                                    asPng(raw.extract(List.of(rawStego)).get(0).withChannels(1), id)));
                }
                // the versions really hide and recover: the recovered X-rays resemble the originals
                quality.forEach((version, mean) -> {
                    double before = baseline.get(version).get().psnr();
                    System.out.printf(
                            "%s: recovered X-rays %.2f dB PSNR, SSIM %.4f against the originals"
                                    + " (the same network untrained: %.2f dB)%n",
                            version, mean.get().psnr(), mean.get().ssim(), before);
                    assertTrue(
                            mean.get().psnr() > RECOVERED_PSNR_FLOOR,
                            version + " recovers at " + mean.get().psnr() + " dB");
                    assertTrue(
                            mean.get().psnr() > before + TRAINING_GAIN_DB,
                            version + " recovers at " + mean.get().psnr() + " dB, untrained " + before + " dB");
                });
                assertEquals(Map.of("it-v1", xrays.size() / 2, "it-v2", xrays.size() - xrays.size() / 2), perVersion);
                System.out.printf(
                        "model switch: first image with the promoted version made %d ms after the"
                                + " promotion; images per version %s%n",
                        firstV2 - promotedAtMs, perVersion);
                assertTrue(firstV2 - promotedAtMs < 5000, "switch took " + (firstV2 - promotedAtMs) + " ms");
            }

            // an extractor started after the promotion still extracts the images embedded with v1
            StegoConfig late = config.with(Map.of(
                    StegoConfig.EXTRACTOR_APPLICATION_ID,
                    "versions-late-extractor",
                    StegoConfig.MODEL_CACHE_DIR,
                    work.resolve("late-cache").toString()));
            try (FollowedModels models = FollowedModels.start(
                            late,
                            cluster.topics(),
                            keys.clinic(),
                            keys.hospital().name(),
                            "versions-late");
                    StreamsApp extractor = StreamsApp.start(
                            "late-extractor",
                            ExtractionTopology.build(
                                    cluster.topics(),
                                    models.registry(),
                                    late.batchSettings(),
                                    TransferSecurity.of(keys.clinic(), late, TransferSecurity.Site.CLINIC),
                                    null,
                                    late.modelWait()),
                            StreamsConfigs.base(late, late.extractorApplicationId()));
                    PipelineOutputs outputs = new PipelineOutputs(late, cluster.topics(), "versions-late-reader")) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!sent.keySet().stream()
                        .allMatch(id -> outputs.recoveredCounts().getOrDefault(id, 0) >= 2)) {
                    assertTrue(System.nanoTime() < deadline, "late extractor did not catch up");
                    outputs.poll(Duration.ofMillis(200));
                }
                assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
                assertTrue(sent.keySet().stream()
                        .anyMatch(
                                id -> outputs.stego().get(id).getModelVersion().equals("it-v1")));
            }
        }
    }
}
