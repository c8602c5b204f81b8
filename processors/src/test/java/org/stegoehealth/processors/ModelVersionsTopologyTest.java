package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ModelCache;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.TinyModels;
import org.stegoehealth.processors.models.ModelEvents;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.ModelStatus;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.Png;

/**
 * The topologies fed by a registry of model versions (the same registry the applications fill from the model topic):
 * the embedder follows promotions at batch boundaries, or embeds with the version an X-ray or its configuration names;
 * the extractor serves every version it has seen and waits for versions not received yet.
 */
class ModelVersionsTopologyTest {

    private static final NetworkConfig NET = TinyModels.SMALLEST;
    private static final Duration LINGER = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Keyring keyring;
    private ModelRegistry registry;
    private Harness embedder;
    private Harness extractor;
    /** Every embedding call of the registry's models: version and batch size, as "v1 x2". */
    private final List<String> embedCalls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void registry() {
        keyring = Keyring.init(dir.resolve("keyring"), "hospital");
        registry = new ModelRegistry(
                new ModelCache(dir.resolve("cache")), keyring.verifier(), null, 2, a -> counted(a.toModel()));
    }

    /** {@code model}, recording each embedding call in {@link #embedCalls}. */
    private HidingModel counted(HidingModel model) {
        return new HidingModel() {
            @Override
            public String version() {
                return model.version();
            }

            @Override
            public int secretChannels() {
                return model.secretChannels();
            }

            @Override
            public List<FloatImage> embed(List<FloatImage> covers, List<FloatImage> secrets) {
                embedCalls.add(model.version() + " x" + covers.size());
                return model.embed(covers, secrets);
            }

            @Override
            public List<FloatImage> extract(List<FloatImage> stegos) {
                return model.extract(stegos);
            }
        };
    }

    @AfterEach
    void close() {
        for (Harness h : new Harness[] {embedder, extractor}) {
            if (h != null) {
                h.close();
            }
        }
    }

    private ModelEvent publish(String version, long seed) throws IOException {
        Path artifact = TinyModels.write(dir.resolve("src-" + version), version, NET, seed);
        ModelEvent event = ModelEvents.fromArtifact(artifact, null, "ops", Instant.now(), keyring.signer());
        assertTrue(registry.accept(version, event));
        return event;
    }

    private void promote(String version) {
        assertTrue(registry.accept(ModelEvents.promotion(version, "test", "ops", Instant.now(), keyring.signer())));
    }

    private void startEmbedder(int batch) {
        startEmbedder(batch, null);
    }

    /** An embedder whose embed.model.version is {@code modelVersion} (null: the promoted version). */
    private void startEmbedder(int batch, String modelVersion) {
        embedder = new Harness(dir.resolve("embedder-state"));
        embedder.start(EmbeddingTopology.build(
                embedder.topics,
                registry,
                BatchSettings.uniform(batch, LINGER, 1024),
                TestKeys.hospital(),
                StegoFormat.PNG,
                modelVersion));
        embedder.pipeCover("sky", TestImages.cover(120, 80, 0x4080C0));
    }

    private void pipeXray(String id, int seed) {
        pipeXray(id, seed, null);
    }

    /** An X-ray naming model {@code version} (null: none). */
    private void pipeXray(String id, int seed, String version) {
        XrayImageEvent xray = XrayImageEvent.newBuilder(TestImages.xray(id, TestImages.grayXray(32, 32, seed)))
                .setModelVersion(version)
                .build();
        embedder.raw(embedder.topics.xrays.name()).pipeInput(null, embedder.serialize(embedder.topics.xrays, xray));
    }

    private static List<String> versions(List<StegoImageEvent> events) {
        return events.stream().map(StegoImageEvent::getModelVersion).toList();
    }

    private static List<String> ids(List<StegoImageEvent> events) {
        return events.stream().map(StegoImageEvent::getMessageId).toList();
    }

    private List<StegoImageEvent> stego() {
        return embedder.output(embedder.topics.stego).readValuesToList();
    }

    private void startExtractor() {
        extractor = new Harness(dir.resolve("extractor-state"));
        extractor.start(ExtractionTopology.build(
                extractor.topics, registry, BatchSettings.uniform(4, LINGER, 1024), TestKeys.clinic(), null, WAIT));
    }

    private void pipeStego(StegoImageEvent e) {
        extractor
                .raw(extractor.topics.stego.name())
                .pipeInput(
                        e.getMessageId().getBytes(StandardCharsets.UTF_8),
                        extractor.serialize(extractor.topics.stego, e));
    }

    private List<RecoveredImageEvent> recovered() {
        return extractor.output(extractor.topics.recovered).readValuesToList();
    }

    /** What the named version recovers from the stego image offline, as the PNG the extractor publishes. */
    private byte[] offline(StegoImageEvent e) {
        HidingModel model = registry.model(e.getModelVersion());
        FloatImage stego = FloatImage.of(InputImages.decode(TestImages.bytes(e.getImage()), "stego", 1024)
                .image());
        FloatImage secret = model.extract(List.of(stego)).get(0).withChannels(model.secretChannels());
        return Png.encode(secret.toBufferedImage());
    }

    @Test
    void embedder_switchesToAPromotedVersionAtTheNextBatch_andEveryBatchUsesOneVersion() throws IOException {
        publish("v1", 1);
        publish("v2", 2);
        promote("v1");
        startEmbedder(2);

        pipeXray("a", 1);
        pipeXray("b", 2);
        pipeXray("c", 3);
        promote("v2");
        pipeXray("d", 4);
        pipeXray("e", 5);
        embedder.driver.advanceWallClockTime(LINGER);

        List<StegoImageEvent> out = stego();
        assertEquals(
                List.of("a", "b", "c", "d", "e"),
                out.stream().map(StegoImageEvent::getMessageId).toList());
        // c was buffered under v1 but its batch (c, d) ran after the promotion: the whole batch uses v2
        assertEquals(
                List.of("v1", "v1", "v2", "v2", "v2"),
                out.stream().map(StegoImageEvent::getModelVersion).toList());
        assertTrue(embedder.deadLetters().isEmpty());
    }

    @Test
    void embedder_withNoPromotedVersion_holdsTheXraysUntilOneIsPromoted() throws IOException {
        publish("v1", 1);
        startEmbedder(1);

        pipeXray("a", 1);
        embedder.driver.advanceWallClockTime(LINGER.multipliedBy(3));
        assertTrue(stego().isEmpty());

        promote("v1");
        embedder.driver.advanceWallClockTime(LINGER);
        List<StegoImageEvent> out = stego();
        assertEquals(
                List.of("a"), out.stream().map(StegoImageEvent::getMessageId).toList());
        assertEquals("v1", out.get(0).getModelVersion());
        assertTrue(embedder.deadLetters().isEmpty());
    }

    @Test
    void embedder_xrayNamingAPublishedVersion_isEmbeddedWithIt_andTheExtractorRecoversWithIt() throws IOException {
        publish("v1", 1);
        publish("robust", 2);
        promote("v1");
        startEmbedder(1);

        pipeXray("a", 1, "robust");
        pipeXray("b", 2);
        List<StegoImageEvent> made = stego();
        assertEquals(List.of("a", "b"), ids(made));
        assertEquals(List.of("robust", "v1"), versions(made));
        assertEquals(List.of("robust x1", "v1 x1"), embedCalls);
        assertTrue(embedder.deadLetters().isEmpty());

        startExtractor();
        made.forEach(this::pipeStego);
        extractor.driver.advanceWallClockTime(LINGER);
        List<RecoveredImageEvent> out = recovered();
        assertEquals(
                List.of("robust", "v1"),
                out.stream().map(RecoveredImageEvent::getModelVersion).toList());
        for (int i = 0; i < made.size(); i++) {
            assertArrayEquals(offline(made.get(i)), TestImages.bytes(out.get(i).getImage()));
        }
        assertTrue(extractor.deadLetters().isEmpty());
    }

    @Test
    void embedder_xrayNamingAnUnknownOrRetiredVersion_isAnUnknownModelDeadLetter_andTheNextIsEmbedded()
            throws IOException {
        publish("v1", 1);
        ModelEvent old = publish("v0", 0);
        assertTrue(registry.accept(
                "v0",
                ModelEvents.withStatus(
                        old, ModelStatus.RETIRED, "superseded", "ops", Instant.now(), keyring.signer())));
        promote("v1");
        startEmbedder(1);

        pipeXray("a", 1, "v9");
        pipeXray("b", 2, "v0");
        pipeXray("c", 3);

        assertEquals(List.of("c"), ids(stego()));
        List<DeadLetterEvent> dead =
                embedder.deadLetters().stream().map(r -> r.value()).toList();
        assertEquals(2, dead.size());
        assertEquals(
                List.of("UNKNOWN_MODEL", "UNKNOWN_MODEL"),
                dead.stream().map(DeadLetterEvent::getErrorType).toList());
        assertTrue(
                dead.get(0)
                        .getReason()
                        .startsWith("X-ray a: names model version v9, which this embedder does not hold"),
                dead.get(0).getReason());
        assertTrue(
                dead.get(1).getReason().contains("names model version v0, which is retired"),
                dead.get(1).getReason());
        assertEquals(
                List.of(0L, 1L),
                dead.stream().map(DeadLetterEvent::getSourceOffset).toList());
    }

    @Test
    void embedder_withAConfiguredVersion_embedsXraysThatNameNoneWithIt_notWithThePromotedOne() throws IOException {
        publish("v1", 1);
        publish("robust", 2);
        promote("v1");
        startEmbedder(1, "robust");

        pipeXray("a", 1);
        pipeXray("b", 2, "v1");

        List<StegoImageEvent> made = stego();
        assertEquals(List.of("a", "b"), ids(made));
        assertEquals(List.of("robust", "v1"), versions(made));
        assertTrue(embedder.deadLetters().isEmpty());
    }

    @Test
    void embedder_withAConfiguredVersionNotPublishedYet_holdsTheXraysUntilItArrives() throws IOException {
        publish("v1", 1);
        promote("v1");
        startEmbedder(1, "robust");

        pipeXray("a", 1);
        embedder.driver.advanceWallClockTime(LINGER.multipliedBy(3));
        assertTrue(stego().isEmpty());
        assertTrue(embedder.deadLetters().isEmpty());

        publish("robust", 2);
        embedder.driver.advanceWallClockTime(LINGER);
        List<StegoImageEvent> made = stego();
        assertEquals(List.of("a"), ids(made));
        assertEquals(List.of("robust"), versions(made));
    }

    @Test
    void embedder_batchOfMixedVersions_runsEachVersionOnce_andKeepsTheOrder() throws IOException {
        publish("v1", 1);
        publish("robust", 2);
        promote("v1");
        startEmbedder(4);

        pipeXray("a", 1, "robust");
        pipeXray("b", 2);
        pipeXray("c", 3, "robust");
        pipeXray("d", 4, "v1");

        List<StegoImageEvent> made = stego();
        assertEquals(List.of("a", "b", "c", "d"), ids(made));
        assertEquals(List.of("robust", "v1", "robust", "v1"), versions(made));
        // one model call per version: the X-ray naming the promoted version joins those that name none
        assertEquals(List.of("robust x2", "v1 x2"), embedCalls);
        assertTrue(embedder.deadLetters().isEmpty());

        startExtractor();
        made.forEach(this::pipeStego);
        extractor.driver.advanceWallClockTime(LINGER);
        List<RecoveredImageEvent> out = recovered();
        assertEquals(
                List.of("a", "b", "c", "d"),
                out.stream().map(RecoveredImageEvent::getMessageId).toList());
        for (int i = 0; i < made.size(); i++) {
            assertArrayEquals(offline(made.get(i)), TestImages.bytes(out.get(i).getImage()));
        }
    }

    @Test
    void embedder_versionRetiredWhileItsXrayWaits_isAnUnknownModelDeadLetter_andItsBatchNeighboursAreEmbedded()
            throws IOException {
        publish("v1", 1);
        ModelEvent robust = publish("robust", 2);
        promote("v1");
        startEmbedder(2);

        pipeXray("a", 1, "robust");
        assertTrue(registry.accept(
                "robust",
                ModelEvents.withStatus(
                        robust, ModelStatus.RETIRED, "withdrawn", "ops", Instant.now(), keyring.signer())));
        pipeXray("b", 2);

        assertEquals(List.of("b"), ids(stego()));
        List<DeadLetterEvent> dead =
                embedder.deadLetters().stream().map(r -> r.value()).toList();
        assertEquals(1, dead.size());
        assertEquals("UNKNOWN_MODEL", dead.get(0).getErrorType());
        assertTrue(
                dead.get(0).getReason().contains("which is retired"),
                dead.get(0).getReason());
    }

    @Test
    void extractor_extractsEachImageWithTheVersionItNames_retiredVersionsIncluded() throws IOException {
        ModelEvent v1 = publish("v1", 1);
        publish("v2", 2);
        promote("v1");
        startEmbedder(1);
        pipeXray("a", 1);
        promote("v2");
        pipeXray("b", 2);
        List<StegoImageEvent> made = stego();
        assertTrue(registry.accept(
                "v1",
                ModelEvents.withStatus(v1, ModelStatus.RETIRED, "superseded", "ops", Instant.now(), keyring.signer())));
        startExtractor();

        made.forEach(this::pipeStego);
        extractor.driver.advanceWallClockTime(LINGER);

        List<RecoveredImageEvent> out = recovered();
        assertEquals(
                List.of("v1", "v2"),
                out.stream().map(RecoveredImageEvent::getModelVersion).toList());
        for (int i = 0; i < made.size(); i++) {
            assertArrayEquals(offline(made.get(i)), TestImages.bytes(out.get(i).getImage()));
        }
        assertTrue(extractor.deadLetters().isEmpty());
    }

    @Test
    void extractor_imageOfAVersionNotReceivedYet_waitsAndIsExtractedWhenTheVersionArrives() throws IOException {
        publish("v1", 1);
        promote("v1");
        startEmbedder(1);
        pipeXray("a", 1);
        StegoImageEvent fromV1 = stego().get(0);
        // a stego image of v3, which this extractor's registry has not received (built from the real v3 output)
        ModelRegistry hospital = registry;
        registry = new ModelRegistry(new ModelCache(dir.resolve("clinic-cache")), keyring.verifier(), 2);
        registry.accept(
                "v1",
                ModelEvents.fromArtifact(hospital.artifactDir("v1"), null, "ops", Instant.now(), keyring.signer()));
        ModelRegistry clinic = registry;
        registry = hospital;
        ModelEvent v3 = publish("v3", 3);
        promote("v3");
        pipeXray("b", 2);
        StegoImageEvent fromV3 = stego().get(0);
        registry = clinic;
        startExtractor();

        pipeStego(fromV3);
        pipeStego(fromV1);
        extractor.driver.advanceWallClockTime(LINGER);
        assertEquals(
                List.of("a"),
                recovered().stream().map(RecoveredImageEvent::getMessageId).toList());
        extractor.driver.advanceWallClockTime(WAIT.dividedBy(2));
        assertTrue(recovered().isEmpty());

        assertTrue(clinic.accept("v3", v3));
        extractor.driver.advanceWallClockTime(LINGER.multipliedBy(2));
        List<RecoveredImageEvent> late = recovered();
        assertEquals(
                List.of("b"),
                late.stream().map(RecoveredImageEvent::getMessageId).toList());
        assertEquals("v3", late.get(0).getModelVersion());
        assertArrayEquals(offline(fromV3), TestImages.bytes(late.get(0).getImage()));
        assertTrue(extractor.deadLetters().isEmpty());
    }

    @Test
    void extractor_imageWhoseVersionNeverArrives_isDeadLetteredAfterTheWait_andItsNeighboursAreNot()
            throws IOException {
        publish("v1", 1);
        promote("v1");
        startEmbedder(1);
        pipeXray("a", 1);
        StegoImageEvent good = stego().get(0);
        StegoImageEvent orphan = StegoEvents.sign(
                StegoImageEvent.newBuilder(good)
                        .setMessageId("b")
                        .setModelVersion("v9")
                        .build(),
                TestKeys.hospitalKeyring().signer());
        startExtractor();

        pipeStego(orphan);
        pipeStego(good);
        extractor.driver.advanceWallClockTime(WAIT.minusSeconds(1));
        assertEquals(
                List.of("a"),
                recovered().stream().map(RecoveredImageEvent::getMessageId).toList());
        assertTrue(extractor.deadLetters().isEmpty());

        extractor.driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<DeadLetterEvent> dead =
                extractor.deadLetters().stream().map(r -> r.value()).toList();
        assertEquals(1, dead.size());
        assertEquals("UNKNOWN_MODEL", dead.get(0).getErrorType());
        assertTrue(
                dead.get(0).getReason().startsWith("model version v9 has not been received"),
                dead.get(0).getReason());
        assertEquals(0L, dead.get(0).getSourceOffset());
    }
}
