package org.stegoehealth.processors.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.ModelCache;
import org.stegoehealth.model.ModelException;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.TinyModels;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.ModelStatus;
import org.stegoehealth.security.Keyring;

class ModelRegistryTest {

    private static final NetworkConfig SMALL = TinyModels.NET;
    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path tmp;

    private Keyring hospital;
    private Keyring stranger;

    @BeforeEach
    void keyrings() {
        hospital = Keyring.init(tmp.resolve("keys/hospital"), "hospital");
        stranger = Keyring.init(tmp.resolve("keys/stranger"), "stranger");
    }

    static Path artifact(Path parent, String version, long seed) throws IOException {
        return TinyModels.write(
                parent,
                TinyModels.metadata(
                        version, SMALL, Map.of("parent", "v0"), Map.of("coverPsnr", 30.5, "secretPsnr", 29.0)),
                seed);
    }

    private ModelEvent event(String version, long seed, Keyring keys) throws IOException {
        return ModelEvents.fromArtifact(
                artifact(tmp.resolve("src-" + seed), version, seed), null, "ops", T0.plusSeconds(seed), keys.signer());
    }

    private ModelRegistry registry(int maxLoaded, AtomicInteger loads) {
        return new ModelRegistry(new ModelCache(tmp.resolve("cache")), hospital.verifier(), maxLoaded, artifact -> {
            loads.incrementAndGet();
            return artifact.toModel();
        });
    }

    @Test
    void accept_signedEvent_installsTheVersionWithItsParentAndFigures() throws IOException {
        ModelRegistry registry = registry(2, new AtomicInteger());

        assertTrue(registry.accept("v1", event("v1", 1, hospital)));

        ModelRegistry.Version v1 = registry.version("v1").orElseThrow();
        assertEquals("v0", v1.parent());
        assertEquals(ModelStatus.AVAILABLE, v1.status());
        assertEquals(30.5, v1.validation("coverPsnr"));
        assertTrue(new ModelCache(tmp.resolve("cache")).contains("v1"));
        assertEquals("v1", registry.model("v1").version());
    }

    @Test
    void modelAndPromotionEvents_signedByAnyoneButTheHospital_areRefused_atTheHospitalAndAtAClinic()
            throws IOException {
        Keyring clinicB = Keyring.init(tmp.resolve("keys/clinic-b"), "clinic-b");
        Keyring clinic = Keyring.init(tmp.resolve("keys/clinic-a"), "clinic-a")
                .importPublic(hospital.exportPublic(Optional.empty()), "hospital.pub.json", false)
                .keyring()
                .importPublic(clinicB.exportPublic(Optional.empty()), "clinic-b.pub.json", false)
                .keyring();
        Keyring hospitalKeys = hospital.importPublic(clinic.exportPublic(Optional.empty()), "clinic-a.pub.json", false)
                .keyring();
        // at the hospital the model signer is its own keyring: a clinic's key publishes and promotes nothing
        ModelRegistry atHospital =
                new ModelRegistry(new ModelCache(tmp.resolve("h-cache")), hospitalKeys, "hospital", 1);
        assertFalse(atHospital.accept("v1", event("v1", 11, clinic)));
        assertFalse(atHospital.accept(ModelEvents.promotion("v1", "mine", "clinic-a", T0, clinic.signer())));
        assertTrue(atHospital.versions().isEmpty());
        assertTrue(atHospital.promotion().isEmpty());
        ModelEvent v2 = event("v2", 12, hospital);
        assertTrue(atHospital.accept("v2", v2));

        // at the clinic: the imported hospital only; never its own key, another clinic or a stranger
        ModelRegistry atClinic = new ModelRegistry(new ModelCache(tmp.resolve("c-cache")), clinic, "hospital", 1);
        long seed = 20;
        for (Keyring wrong : List.of(clinic, clinicB, stranger)) {
            assertFalse(atClinic.accept("v1", event("v1", seed++, wrong)), wrong.name());
            assertFalse(
                    atClinic.accept(ModelEvents.promotion("v1", "mine", wrong.name(), T0, wrong.signer())),
                    wrong.name());
        }
        assertEquals(6, atClinic.refusedCount());
        assertTrue(atClinic.versions().isEmpty());
        assertTrue(atClinic.promotion().isEmpty());
        assertTrue(atClinic.accept("v2", v2));
        assertTrue(atClinic.accept(ModelEvents.promotion("v2", "good", "ops", T0, hospital.signer())));
        assertEquals(Optional.of("v2"), atClinic.promotedVersion());
        ModelEventRefusedException own = assertThrows(
                ModelEventRefusedException.class,
                () -> ModelEvents.verify(
                        "v3", event("v3", 30, clinic), TransferSecurity.modelSigners(clinic, "hospital")));
        assertTrue(
                own.getMessage().contains("signed by 'clinic-a'")
                        && own.getMessage().contains("not trusted to sign model and promotion events"),
                own.getMessage());
    }

    @Test
    void verify_checksTheSignatureBeforeModelJsonIsParsed() throws IOException {
        ModelEvent foreign = event("v1", 40, stranger);
        foreign.setMetadataJson("{ not json");

        ModelEventRefusedException e = assertThrows(
                ModelEventRefusedException.class, () -> ModelEvents.verify("v1", foreign, hospital.verifier()));

        assertTrue(e.getMessage().startsWith("model v1: signature does not verify"), e.getMessage());
    }

    @Test
    void accept_eventWithBadChecksum_isRefusedAndTheGoodVersionsKeepServing() throws IOException {
        ModelRegistry registry = registry(2, new AtomicInteger());
        registry.accept("v1", event("v1", 1, hospital));
        ModelEvent bad = event("v2", 2, hospital);
        byte[] weights = ModelEvents.bytes(bad.getWeights());
        weights[weights.length - 1] ^= 0x01;
        bad.setWeights(ByteBuffer.wrap(weights));

        assertFalse(registry.accept("v2", bad));

        assertFalse(registry.has("v2"));
        assertFalse(new ModelCache(tmp.resolve("cache")).contains("v2"));
        assertEquals(1, registry.refusedCount());
        assertEquals("v1", registry.model("v1").version());
    }

    @Test
    void accept_eventSignedByAnUntrustedKeyOrWithAChangedField_isRefused() throws IOException {
        ModelRegistry registry = registry(2, new AtomicInteger());
        ModelEvent foreign = event("v1", 1, stranger);
        ModelEvent changed = event("v2", 2, hospital);
        changed.setParent("v-other");
        ModelEvent unsigned = event("v3", 3, hospital);
        unsigned.setSignature(ByteBuffer.allocate(0));

        assertFalse(registry.accept("v1", foreign));
        assertFalse(registry.accept("v2", changed));
        assertFalse(registry.accept("v3", unsigned));
        assertFalse(registry.accept("v-wrong-key", event("v4", 4, hospital)));

        assertEquals(List.of(), registry.versions());
        assertEquals(4, registry.refusedCount());
    }

    @Test
    void promotion_latestVerifiedWins_andTakesEffectOnceItsVersionArrives() throws IOException {
        ModelRegistry registry = registry(2, new AtomicInteger());
        registry.accept("v1", event("v1", 1, hospital));
        registry.accept(ModelEvents.promotion("v1", "first", "ops", T0, hospital.signer()));
        assertEquals(Optional.of("v1"), registry.promotedVersion());

        registry.accept(ModelEvents.promotion("v2", "better", "trainer", T0.plusSeconds(5), hospital.signer()));
        assertEquals(Optional.empty(), registry.promotedVersion(), "v2 has not arrived yet");
        ModelPromotionEvent forged = ModelEvents.promotion("v1", "forged", "x", T0.plusSeconds(9), stranger.signer());
        assertFalse(registry.accept(forged));

        registry.accept("v2", event("v2", 2, hospital));
        assertEquals(Optional.of("v2"), registry.promotedVersion());
        assertEquals("better", registry.promotion().orElseThrow().getReason());
    }

    @Test
    void retire_stopsNewEmbeddingButNotExtraction() throws IOException {
        ModelRegistry registry = registry(2, new AtomicInteger());
        ModelEvent v1 = event("v1", 1, hospital);
        registry.accept("v1", v1);
        registry.accept(ModelEvents.promotion("v1", "first", "ops", T0, hospital.signer()));

        ModelEvent retired = ModelEvents.withStatus(
                v1, ModelStatus.RETIRED, "superseded", "ops", T0.plusSeconds(60), hospital.signer());
        assertTrue(registry.accept("v1", retired));

        assertEquals(ModelStatus.RETIRED, registry.version("v1").orElseThrow().status());
        assertEquals(Optional.empty(), registry.promotedVersion());
        assertTrue(registry.has("v1"));
        assertEquals("v1", registry.model("v1").version());
    }

    @Test
    void oldSignedEvents_replayed_changeNothing_andRetirementIsFinal() throws IOException {
        ModelRegistry registry = registry(2, new AtomicInteger());
        ModelEvent v1 = event("v1", 1, hospital);
        ModelEvent v2 = event("v2", 2, hospital);
        ModelPromotionEvent promoteV1 =
                ModelEvents.promotion("v1", "first", "ops", T0.plusSeconds(10), hospital.signer());
        ModelPromotionEvent promoteV2 =
                ModelEvents.promotion("v2", "better", "trainer", T0.plusSeconds(20), hospital.signer());
        ModelEvent retireV1 = ModelEvents.withStatus(
                v1, ModelStatus.RETIRED, "compromised", "ops", T0.plusSeconds(30), hospital.signer());
        assertTrue(registry.accept("v1", v1));
        assertTrue(registry.accept("v2", v2));
        assertTrue(registry.accept(promoteV1));
        assertTrue(registry.accept(promoteV2));
        assertTrue(registry.accept("v1", retireV1));
        assertEquals(Optional.of("v2"), registry.promotedVersion());

        // an attacker (or a confused operator) re-sends the old, validly signed events
        assertFalse(registry.accept("v1", v1), "old AVAILABLE of a retired version");
        assertFalse(registry.accept(promoteV1), "old promotion");
        // the same events delivered again (a restart re-reading the topic) are no change and no refusal
        assertTrue(registry.accept("v1", retireV1));
        assertTrue(registry.accept(promoteV2));

        assertEquals(ModelStatus.RETIRED, registry.version("v1").orElseThrow().status());
        assertEquals(Optional.of("v2"), registry.promotedVersion());
        assertEquals(2, registry.refusedCount());

        // even a newer signed AVAILABLE does not revive a retired version: a new version is the way back
        ModelEvent revived =
                ModelEvents.withStatus(v1, ModelStatus.AVAILABLE, null, "ops", T0.plusSeconds(40), hospital.signer());
        assertFalse(registry.accept("v1", revived));
        assertEquals(ModelStatus.RETIRED, registry.version("v1").orElseThrow().status());
        // a newer promotion of the retired version is held but serves nothing
        assertTrue(registry.accept(ModelEvents.promotion("v1", "back", "ops", T0.plusSeconds(50), hospital.signer())));
        assertEquals(Optional.empty(), registry.promotedVersion());
    }

    @Test
    void eventsArrivingOutOfOrder_endWhereTheHighestSignedTimestampSays() throws IOException {
        ModelEvent v1 = event("v1", 1, hospital);
        ModelEvent retireV1 =
                ModelEvents.withStatus(v1, ModelStatus.RETIRED, "old", "ops", T0.plusSeconds(30), hospital.signer());
        ModelPromotionEvent early = ModelEvents.promotion("v1", "early", "ops", T0.plusSeconds(10), hospital.signer());
        ModelPromotionEvent late = ModelEvents.promotion("v2", "late", "ops", T0.plusSeconds(20), hospital.signer());
        ModelRegistry registry = registry(2, new AtomicInteger());

        assertTrue(registry.accept("v1", retireV1));
        assertFalse(registry.accept("v1", v1));
        assertTrue(registry.accept(late));
        assertFalse(registry.accept(early));

        assertEquals(ModelStatus.RETIRED, registry.version("v1").orElseThrow().status());
        assertEquals("v2", registry.promotion().orElseThrow().getVersion());
    }

    @Test
    void model_loadsLazilyAndKeepsAtMostMaxLoaded_leastRecentlyUsedOut() throws IOException {
        AtomicInteger loads = new AtomicInteger();
        ModelRegistry registry = registry(2, loads);
        for (int i = 1; i <= 3; i++) {
            registry.accept("v" + i, event("v" + i, i, hospital));
        }
        assertEquals(0, loads.get(), "nothing loads before it is used");

        HidingModel v1 = registry.model("v1");
        registry.model("v2");
        assertSame(v1, registry.model("v1"));
        registry.model("v3");

        assertEquals(List.of("v1", "v3"), registry.loadedVersions());
        assertEquals(3, loads.get());
        registry.model("v2");
        assertEquals(4, loads.get(), "an unloaded version loads again from the cache");
        assertThrows(ModelException.class, () -> registry.model("v9"));
    }

    @Test
    void sealedEvent_opensOnlyWithAKeyOfAPartyItWasSealedTo_andAlteredCopiesAreRefused() throws IOException {
        Keyring newClinic = Keyring.init(tmp.resolve("keys/clinic"), "clinic-a");
        hospital = hospital.importPublic(newClinic.exportPublic(Optional.empty()), "clinic-a.pub.json", false)
                .keyring();
        Keyring clinic = newClinic
                .importPublic(hospital.exportPublic(Optional.empty()), "hospital.pub.json", false)
                .keyring();
        ModelEvent clear = event("p1", 7, hospital);
        byte[] weights = ModelEvents.bytes(clear.getWeights());

        ModelEvent sealed = ModelEvents.sealed(clear, hospital, List.of("hospital", "clinic-a"));

        assertEquals(0, sealed.getWeights().remaining(), "no weights in clear");
        assertEquals(
                List.of("hospital", "clinic-a"),
                sealed.getSealedWeights().stream().map(w -> w.getParty()).toList());
        for (org.stegoehealth.schemas.SealedWeights copy : sealed.getSealedWeights()) {
            assertFalse(
                    java.util.Collections.indexOfSubList(
                                    toList(ModelEvents.bytes(copy.getCiphertext())), toList(slice(weights, 64)))
                            >= 0,
                    "weights visible in the sealed copy of " + copy.getParty());
        }
        // the clinic opens it, the hospital too (its embedders), a stranger and a reader without keys do not
        ModelRegistry atClinic = new ModelRegistry(new ModelCache(tmp.resolve("clinic-cache")), clinic, "hospital", 1);
        assertTrue(atClinic.accept("p1", sealed));
        assertEquals("p1", atClinic.model("p1").version());
        assertTrue(new ModelRegistry(new ModelCache(tmp.resolve("h-cache")), hospital, "hospital", 1)
                .accept("p1", sealed));
        Keyring trustingStranger = stranger.importPublic(
                        hospital.exportPublic(Optional.empty()), "hospital.pub.json", false)
                .keyring();
        ModelEventRefusedException notForStranger = assertThrows(
                ModelEventRefusedException.class,
                () -> ModelEvents.verify("p1", sealed, trustingStranger.verifier(), trustingStranger));
        assertEquals(
                "model p1 is private, sealed to [hospital, clinic-a]; keyring 'stranger' holds none of their"
                        + " receiving keys",
                notForStranger.getMessage());
        assertThrows(ModelEventRefusedException.class, () -> ModelEvents.verify("p1", sealed, clinic.verifier()));

        // a copy altered on the way does not open; dropping a party breaks the signature
        ModelEvent altered = ModelEvent.newBuilder(sealed).build();
        byte[] ct = ModelEvents.bytes(altered.getSealedWeights().get(1).getCiphertext());
        ct[ct.length / 2] ^= 0x01;
        altered.getSealedWeights().get(1).setCiphertext(ByteBuffer.wrap(ct));
        ModelEventRefusedException tampered = assertThrows(
                ModelEventRefusedException.class, () -> ModelEvents.verify("p1", altered, clinic.verifier(), clinic));
        assertTrue(tampered.getMessage().contains("do not open"), tampered.getMessage());
        ModelEvent dropped = ModelEvent.newBuilder(sealed)
                .setSealedWeights(List.of(sealed.getSealedWeights().get(1)))
                .build();
        ModelEventRefusedException unsigned = assertThrows(
                ModelEventRefusedException.class, () -> ModelEvents.verify("p1", dropped, clinic.verifier(), clinic));
        assertTrue(unsigned.getMessage().contains("signature does not verify"), unsigned.getMessage());
    }

    private static byte[] slice(byte[] b, int n) {
        return java.util.Arrays.copyOfRange(b, b.length / 2, b.length / 2 + n);
    }

    private static List<Byte> toList(byte[] b) {
        List<Byte> out = new java.util.ArrayList<>(b.length);
        for (byte x : b) {
            out.add(x);
        }
        return out;
    }
}
