package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.security.KeyPurpose;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.KeyringPair;

/** Signed stego events, sealed study references and the sealed method, through both topologies. */
class AuthenticatedTransferTest {

    private static final Duration LINGER = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private final LsbModel model = new LsbModel();
    private Harness embedder;
    private Harness extractor;

    @AfterEach
    void close() {
        for (Harness h : new Harness[] {embedder, extractor}) {
            if (h != null) {
                h.close();
            }
        }
    }

    private List<StegoImageEvent> embed(TransferSecurity security, int maxSide, XrayImageEvent... xrays) {
        embedder = new Harness(dir.resolve("embedder-state"));
        embedder.start(
                EmbeddingTopology.build(embedder.topics, model, BatchSettings.uniform(1, LINGER, maxSide), security));
        embedder.pipeCover("sky", TestImages.cover(256, 192, 0x4080C0));
        for (XrayImageEvent x : xrays) {
            embedder.raw(embedder.topics.xrays.name()).pipeInput(null, embedder.serialize(embedder.topics.xrays, x));
        }
        return embedder.output(embedder.topics.stego).readValuesToList();
    }

    private void startExtractor(TransferSecurity security) {
        extractor = new Harness(dir.resolve("extractor-state"));
        extractor.start(
                ExtractionTopology.build(extractor.topics, model, BatchSettings.uniform(1, LINGER, 1024), security));
    }

    private void pipe(StegoImageEvent e) {
        extractor
                .raw(extractor.topics.stego.name())
                .pipeInput(
                        e.getMessageId().getBytes(StandardCharsets.UTF_8),
                        extractor.serialize(extractor.topics.stego, e));
    }

    private List<RecoveredImageEvent> recovered() {
        return extractor.output(extractor.topics.recovered).readValuesToList();
    }

    private static BufferedImage decode(ByteBuffer png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(TestImages.bytes(png)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The event with one pixel of its stego image moved by one grey level in the green channel. */
    private static StegoImageEvent onePixelChanged(StegoImageEvent e) {
        BufferedImage img = decode(e.getImage());
        BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        copy.setData(img.getRaster());
        int x = img.getWidth() / 3;
        int y = img.getHeight() / 2;
        int g = copy.getRaster().getSample(x, y, 1);
        copy.getRaster().setSample(x, y, 1, g == 255 ? 254 : g + 1);
        return StegoImageEvent.newBuilder(e)
                .setImage(ByteBuffer.wrap(TestImages.png(copy)))
                .build();
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }

    private static XrayImageEvent sealed(XrayImageEvent x) {
        return XrayImageEvent.newBuilder(x).setHidingMethod("sealed").build();
    }

    @Test
    void neural_signedEvent_isRecovered_andTheStudyReferenceIsReadableAtTheClinicOnly() {
        StegoImageEvent stego = embed(TestKeys.hospital(), 1024, TestImages.xray("x-1", TestImages.grayXray(48, 32, 1)))
                .get(0);

        assertEquals("neural", stego.getHidingMethod());
        assertEquals(TestKeys.hospitalKeyring().signer().keyId(), stego.getSigningKeyId());
        assertNotNull(stego.getSignature());
        assertNotNull(stego.getSealedStudyRef());
        assertFalse(
                new String(embedder.serialize(embedder.topics.stego, stego), StandardCharsets.ISO_8859_1)
                        .contains("STUDY-4711"),
                "the study reference never travels in clear");
        startExtractor(TestKeys.clinic());
        pipe(stego);
        List<RecoveredImageEvent> out = recovered();
        assertEquals(1, out.size());
        assertEquals("STUDY-4711-SECRET", out.get(0).getStudyRef());
        assertEquals("neural", out.get(0).getHidingMethod());
    }

    @Test
    void neural_onePixel_oneByte_modelVersion_messageId_orAnyField_changed_isTampered() {
        StegoImageEvent good = embed(TestKeys.hospital(), 1024, TestImages.xray("x-1", TestImages.grayXray(48, 32, 1)))
                .get(0);
        byte[] image = TestImages.bytes(good.getImage());
        image[image.length / 2] ^= 1;
        byte[] ref = TestImages.bytes(good.getSealedStudyRef());
        ref[ref.length - 1] ^= 1;
        Map<String, StegoImageEvent> variants = new LinkedHashMap<>();
        variants.put("one pixel", onePixelChanged(good));
        variants.put(
                "one byte of the image",
                StegoImageEvent.newBuilder(good)
                        .setImage(ByteBuffer.wrap(image))
                        .build());
        variants.put(
                "model version",
                StegoImageEvent.newBuilder(good).setModelVersion("v-other").build());
        variants.put(
                "message id",
                StegoImageEvent.newBuilder(good).setMessageId("x-2").build());
        variants.put(
                "creation time",
                StegoImageEvent.newBuilder(good).setCreatedAt(Instant.EPOCH).build());
        variants.put(
                "sealed study reference",
                StegoImageEvent.newBuilder(good)
                        .setSealedStudyRef(ByteBuffer.wrap(ref))
                        .build());
        variants.put(
                "method",
                StegoImageEvent.newBuilder(good).setHidingMethod("sealed").build());
        variants.put(
                "no signature",
                StegoImageEvent.newBuilder(good)
                        .setSignature(null)
                        .setSigningKeyId(null)
                        .build());
        variants.put(
                "signed by an untrusted party",
                StegoEvents.sign(good, TestKeys.otherClinic().keyring().signer()));
        startExtractor(TestKeys.clinic());

        variants.values().forEach(this::pipe);

        assertTrue(recovered().isEmpty(), "nothing is extracted from an event that does not authenticate");
        List<TestRecord<String, DeadLetterEvent>> dead = extractor.deadLetters();
        assertEquals(variants.size(), dead.size());
        int i = 0;
        for (String what : variants.keySet()) {
            DeadLetterEvent d = dead.get(i++).value();
            assertEquals("TAMPERED", d.getErrorType(), what + ": " + d.getReason());
        }
        assertTrue(
                dead.get(0).value().getReason().contains("does not match the signed data"),
                dead.get(0).value().getReason());
        assertTrue(
                dead.get(7).value().getReason().contains("unsigned"),
                dead.get(7).value().getReason());
        assertTrue(
                dead.get(8).value().getReason().contains("not a trusted signing key"),
                dead.get(8).value().getReason());
    }

    @Test
    void stegoEvents_signedByAnyoneButTheHospital_theClinicsOwnKey_anotherClinic_orAStranger_areTampered() {
        Keyring hospital = Keyring.init(dir.resolve("h"), "hospital");
        Keyring clinicB = Keyring.init(dir.resolve("b"), "clinic-b");
        Keyring stranger = Keyring.init(dir.resolve("s"), "stranger");
        // a clinic that also trusts another clinic (for receipts, say): only the hospital signs stego events
        Keyring clinic = Keyring.init(dir.resolve("c"), "clinic")
                .importPublic(hospital.exportPublic(Optional.empty()), "h", false)
                .keyring()
                .importPublic(clinicB.exportPublic(Optional.empty()), "b", false)
                .keyring();
        hospital = hospital.importPublic(clinic.exportPublic(Optional.of("hospital")), "c", false)
                .keyring();
        StegoImageEvent good = embed(
                        new TransferSecurity(
                                hospital, Optional.of("clinic"), "hospital", HidingMethod.NEURAL, 0.5, 0.05, 0, false),
                        1024,
                        TestImages.xray("x-1", TestImages.grayXray(32, 32, 1)))
                .get(0);
        Map<String, Keyring> wrongSigners = new LinkedHashMap<>();
        wrongSigners.put("the clinic's own key", clinic);
        wrongSigners.put("another clinic", clinicB);
        wrongSigners.put("a stranger", stranger);
        startExtractor(
                new TransferSecurity(clinic, Optional.empty(), "hospital", HidingMethod.NEURAL, 0.5, 0.05, 0, false));

        wrongSigners.values().forEach(k -> pipe(StegoEvents.sign(good, k.signer())));
        pipe(good);

        assertEquals(1, recovered().size(), "only the hospital's event is recovered");
        List<TestRecord<String, DeadLetterEvent>> dead = extractor.deadLetters();
        assertEquals(wrongSigners.size(), dead.size());
        int i = 0;
        for (String who : wrongSigners.keySet()) {
            DeadLetterEvent d = dead.get(i++).value();
            assertEquals("TAMPERED", d.getErrorType(), who + ": " + d.getReason());
            assertTrue(d.getReason().contains("hospital " + hospital.signer().keyId()), who + ": " + d.getReason());
        }
        assertTrue(
                dead.get(0)
                        .value()
                        .getReason()
                        .contains("signed by 'clinic' (key " + clinic.signer().keyId()
                                + "), which is not trusted to sign stego events (trusted to sign them: hospital"),
                dead.get(0).value().getReason());
        assertTrue(
                dead.get(1).value().getReason().contains("signed by 'clinic-b'"),
                dead.get(1).value().getReason());
        assertTrue(
                dead.get(2)
                        .value()
                        .getReason()
                        .contains("which is not a trusted signing key (trusted to sign stego" + " events: hospital"),
                dead.get(2).value().getReason());
    }

    @Test
    void theSignatureIsCheckedBeforeTheImageIsDecodedOrTheMessageIdLookedAt() {
        StegoImageEvent good = embed(TestKeys.hospital(), 1024, TestImages.xray("x-1", TestImages.grayXray(32, 32, 1)))
                .get(0);
        StegoImageEvent garbage = StegoEvents.sign(
                StegoImageEvent.newBuilder(good)
                        .setImage(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2}))
                        .setMessageId("../../etc/passwd")
                        .build(),
                TestKeys.otherClinic().keyring().signer());
        startExtractor(TestKeys.clinic());

        pipe(garbage);

        DeadLetterEvent d = extractor.deadLetters().get(0).value();
        assertEquals("TAMPERED", d.getErrorType(), "not DECODE or VALIDATION: " + d.getReason());
        assertTrue(d.getReason().startsWith("a stego event with an unprintable message id: "), d.getReason());
    }

    @Test
    void unsignedEvents_areAccepted_onlyWhenTheClinicAllowsThem() {
        StegoImageEvent good = embed(TestKeys.hospital(), 1024, TestImages.xray("x-1", TestImages.grayXray(32, 32, 1)))
                .get(0);
        StegoImageEvent unsigned = StegoImageEvent.newBuilder(good)
                .setSignature(null)
                .setSigningKeyId(null)
                .build();
        startExtractor(TestKeys.clinicAllowingUnsigned());
        pipe(unsigned);
        assertEquals(1, recovered().size());
    }

    @Test
    void sealed_8bitAnd16bitXrays_comeBackBitForBit_withTheStudyReference() {
        BufferedImage x8 = TestImages.grayXray(40, 30, 1);
        BufferedImage x16 = TestImages.gray16Xray(40, 30, 2);
        List<StegoImageEvent> stego = embed(
                TestKeys.hospital(HidingMethod.SEALED), 1024, TestImages.xray("x-8", x8), TestImages.xray("x-16", x16));
        assertEquals(2, stego.size());
        for (StegoImageEvent e : stego) {
            assertEquals("sealed", e.getHidingMethod());
            assertEquals(TransferSecurity.SEALED_VERSION, e.getModelVersion());
            assertNotNull(e.getPositionsKeyId());
            assertEquals(null, e.getSealedStudyRef(), "the study reference travels inside the sealed payload");
        }
        startExtractor(TestKeys.clinic());
        stego.forEach(this::pipe);

        List<RecoveredImageEvent> out = recovered();
        assertEquals(2, out.size());
        assertEquals(8, out.get(0).getBitDepth());
        assertEquals(16, out.get(1).getBitDepth());
        assertArrayEquals(pixels(x8), pixels(decode(out.get(0).getImage())));
        BufferedImage back16 = decode(out.get(1).getImage());
        assertEquals(16, back16.getColorModel().getComponentSize(0));
        assertArrayEquals(pixels(x16), pixels(back16));
        assertEquals("STUDY-4711-SECRET", out.get(1).getStudyRef());
        assertEquals("sealed", out.get(1).getHidingMethod());
        assertEquals(List.of(), model.calls, "the sealed method needs no model");
    }

    @ParameterizedTest
    @EnumSource(
            value = HidingMethod.class,
            names = {"SEALED", "COVERT"})
    void keyedMethods_onePixelChanged_evenWhenSignedAgain_isTampered_andAnotherClinicGetsNotForThisClinic(
            HidingMethod method) {
        // the covert method carries a twentieth of a bit per sample of the 256x192 test cover: a smaller X-ray
        int side = method == HidingMethod.COVERT ? 12 : 40;
        List<StegoImageEvent> out = embed(
                TestKeys.hospital(method), 1024, TestImages.xray("x-1", TestImages.grayXray(side, side * 3 / 4, 1)));
        assertEquals(1, out.size(), () -> "dead letters: " + embedder.deadLetters());
        StegoImageEvent good = out.get(0);
        assertEquals(method.label(), good.getHidingMethod());
        StegoImageEvent pixel = onePixelChanged(good);
        // an insider with the hospital's signing key but not the clinic's keys still cannot alter the payload
        StegoImageEvent pixelResigned =
                StegoEvents.sign(pixel, TestKeys.hospitalKeyring().signer());
        StegoImageEvent otherId = StegoEvents.sign(
                StegoImageEvent.newBuilder(good).setMessageId("x-9").build(),
                TestKeys.hospitalKeyring().signer());
        startExtractor(TestKeys.clinic());
        pipe(pixel);
        pipe(pixelResigned);
        pipe(otherId);
        assertTrue(recovered().isEmpty());
        List<TestRecord<String, DeadLetterEvent>> dead = extractor.deadLetters();
        assertEquals(
                List.of("TAMPERED", "TAMPERED", "TAMPERED"),
                dead.stream().map(d -> d.value().getErrorType()).toList());
        assertTrue(
                dead.get(1).value().getReason().contains("does not authenticate"),
                dead.get(1).value().getReason());
        extractor.close();

        extractor = null;
        startExtractor(TestKeys.otherClinic());
        pipe(good);
        assertTrue(recovered().isEmpty());
        DeadLetterEvent d = extractor.deadLetters().get(0).value();
        assertEquals("NOT_FOR_THIS_CLINIC", d.getErrorType(), d.getReason());
    }

    @Test
    void anEventForOneClinic_copiedToAnother_isNotRecovered_andReaddressingItBreaksTheSignature() {
        StegoImageEvent forClinic = embed(
                        TestKeys.hospital(), 1024, TestImages.xray("x-1", TestImages.grayXray(32, 32, 1)))
                .get(0);
        assertEquals(TestKeys.CLINIC, forClinic.getClinic(), "every stego event names its clinic");
        StegoImageEvent readdressed =
                StegoImageEvent.newBuilder(forClinic).setClinic("other-clinic").build();
        StegoImageEvent unaddressed = StegoEvents.sign(
                StegoImageEvent.newBuilder(forClinic).setClinic(null).build(),
                TestKeys.hospitalKeyring().signer());
        startExtractor(TestKeys.otherClinic());

        pipe(forClinic);
        pipe(readdressed);
        pipe(unaddressed);

        assertTrue(recovered().isEmpty(), "nothing for another clinic is recovered");
        List<TestRecord<String, DeadLetterEvent>> dead = extractor.deadLetters();
        assertEquals(
                List.of("NOT_FOR_THIS_CLINIC", "TAMPERED", "NOT_FOR_THIS_CLINIC"),
                dead.stream().map(r -> r.value().getErrorType()).toList());
        assertEquals(
                "stego image x-1: is for clinic 'clinic'; this is 'other-clinic'",
                dead.get(0).value().getReason());
        assertTrue(
                dead.get(1).value().getReason().contains("does not match the signed data"),
                dead.get(1).value().getReason());
        assertTrue(
                dead.get(2).value().getReason().contains("names no clinic"),
                dead.get(2).value().getReason());
    }

    @Test
    void sealed_perXray_overTheSizeLimit_isCapacity_andAnUnknownMethodIsRefused() {
        XrayImageEvent big = sealed(TestImages.xray("x-big", TestImages.gray16Xray(256, 256, 3)));
        XrayImageEvent odd = XrayImageEvent.newBuilder(TestImages.xray("x-odd", TestImages.grayXray(32, 32, 1)))
                .setHidingMethod("jpeg")
                .build();
        XrayImageEvent small = sealed(TestImages.xray("x-small", TestImages.grayXray(8, 8, 1)));
        List<StegoImageEvent> out = embed(TestKeys.hospital(), 256, big, odd, small);

        assertEquals(
                List.of("x-small"),
                out.stream().map(StegoImageEvent::getMessageId).toList());
        assertEquals("sealed", out.get(0).getHidingMethod(), "the X-ray's own method beats the embedder's default");
        List<TestRecord<String, DeadLetterEvent>> dead = embedder.deadLetters();
        assertEquals("CAPACITY", dead.get(0).value().getErrorType());
        assertTrue(
                dead.get(0).value().getReason().contains("256 px limit"),
                dead.get(0).value().getReason());
        assertEquals("VALIDATION", dead.get(1).value().getErrorType());
        assertTrue(dead.get(1).value().getReason().contains("unknown hiding method 'jpeg'"));
    }

    @Test
    void eventsSignedBeforeTheHospitalRotatedItsKey_stillVerifyAtTheClinic() {
        KeyringPair pair = KeyringPair.create(dir.resolve("h"), "hospital", dir.resolve("c"), "clinic");
        Keyring hospital = pair.hospital();
        Keyring clinic = pair.clinic();
        StegoImageEvent before = embed(
                        new TransferSecurity(
                                hospital, Optional.of("clinic"), "hospital", HidingMethod.SEALED, 0.5, 0.05, 0, false),
                        1024,
                        TestImages.xray("x-1", TestImages.grayXray(32, 32, 1)))
                .get(0);

        Keyring rotated = hospital.rotate(EnumSet.of(KeyPurpose.SIGNING));
        clinic = clinic.importPublic(
                        rotated.exportPublic(Optional.empty()), "h2", false, Optional.of(rotated.fingerprint()))
                .keyring();
        Keyring rotatedClinic = clinic.rotate(EnumSet.allOf(KeyPurpose.class));
        startExtractor(new TransferSecurity(
                rotatedClinic, Optional.empty(), "hospital", HidingMethod.NEURAL, 0.5, 0.05, 0, false));
        pipe(before);

        assertEquals(1, recovered().size(), "dead letters: " + extractor.deadLetters());
        assertTrue(extractor.deadLetters().isEmpty());
    }
}
