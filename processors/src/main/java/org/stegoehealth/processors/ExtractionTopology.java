package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.ReceiptKind;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Png;
import org.stegoehealth.security.SealedException;
import org.stegoehealth.security.SealedHiding;
import org.stegoehealth.security.StudyReferences;
import org.stegoehealth.security.Verifier;

/**
 * Clinic side: recovers the X-ray from each stego image.
 *
 * <pre>
 * stego-source (bytes) -> stego-extractor [stego-batch-buffer] -> recovered-once [recovered-ids] -> recovered-sink
 *                                                              |                     -> receipt-issuer -> receipts-sink
 *                                                              |                     -> recovered-file-writer (optional)
 *                                                              -> extractor-dead-letter-sink (dead letters)
 * </pre>
 *
 * Each recovered X-ray gets one RECOVERED receipt, signed with the clinic's key ({@link Receipts}), written in the
 * same transaction as its recovered record: with exactly-once processing there is a receipt if and only if the X-ray
 * was published, and none for a repeat dropped by {@code recovered-once} or for a dead letter.
 *
 * A message id is recovered once within the retention of {@link RecoveredOnce} (30 days by default), across runs and
 * restarts: the same X-ray sent again is extracted and then dropped before the recovered topic and the file writer.
 *
 * Batched like the embedder ({@link BatchingProcessor}). Every event is verified against the hospital's public
 * signing keys before anything else ({@link StegoEvents#authenticate}): unsigned, altered events, and events signed
 * by any other party (this clinic's own key included) are dead-lettered as TAMPERED, and authentic events for another
 * clinic (the signed {@code clinic} field) as NOT_FOR_THIS_CLINIC. A neural stego image is extracted with the model
 * version its event names (a different model would recover noise): with a registry that follows the model topic, every version seen so far, retired ones
 * included, loaded on first use; an image naming a version not received yet waits (up to a bound, then a dead letter
 * UNKNOWN_MODEL) and is extracted once the version arrives. With one fixed model, an image of any other version is
 * dead-lettered at once. A neural stego image may be a PNG or a JPEG (told apart by its first bytes, whatever the event
 * says; the signature covers the bytes as sent). Its recovered X-ray is an 8-bit PNG, gray when the model hides gray
 * images.
 * A sealed one is opened with the clinic's keys and comes back bit for bit (8 or 16 bits), or is dead-lettered as
 * NOT_FOR_THIS_KEY or TAMPERED. The study reference, opened with the clinic's key, is on the recovered event.
 */
public final class ExtractionTopology {

    public static final String SOURCE = "stego-source";
    public static final String PROCESSOR = "stego-extractor";
    public static final String BUFFER_STORE = "stego-batch-buffer";
    public static final String SINK = "recovered-sink";
    public static final String DEAD_LETTER_SINK = "extractor-dead-letter-sink";
    public static final String FILE_WRITER = "recovered-file-writer";
    public static final String RECOVERED_ONCE = "recovered-once";
    public static final String RECOVERED_IDS_STORE = RecoveredOnce.STORE;
    public static final String RECEIPT_ISSUER = "receipt-issuer";
    public static final String RECEIPTS_SINK = "receipts-sink";
    /** How long a recovered message id is remembered by default (config {@code recovered.ids.retention.days}). */
    public static final Duration DEFAULT_RECOVERED_IDS_RETENTION = Duration.ofDays(30);

    private ExtractionTopology() {}

    /** Extraction to the recovered topic only. */
    public static Topology build(Topics topics, HidingModel model, BatchSettings settings, TransferSecurity security) {
        return build(topics, model, settings, security, null);
    }

    /**
     * Extraction to the recovered topic and, when {@code recoveredDir} is not null, also to
     * {@code recoveredDir/[<studyRef>_]<messageId>.png} for the clinic's viewer.
     */
    public static Topology build(
            Topics topics, HidingModel model, BatchSettings settings, TransferSecurity security, Path recoveredDir) {
        return build(topics, ModelSource.fixed(model), settings, security, recoveredDir, Duration.ZERO);
    }

    /**
     * As above, extracting each neural image with the version it names from {@code models}.
     *
     * @param maxWaitForModel how long an image naming a version not received yet waits for it
     */
    public static Topology build(
            Topics topics,
            ModelSource models,
            BatchSettings settings,
            TransferSecurity security,
            Path recoveredDir,
            Duration maxWaitForModel) {
        return build(
                topics, models, settings, security, recoveredDir, maxWaitForModel, DEFAULT_RECOVERED_IDS_RETENTION);
    }

    /**
     * As above, remembering recovered message ids for {@code recoveredIdsRetention}: a repeat within it is dropped.
     */
    public static Topology build(
            Topics topics,
            ModelSource models,
            BatchSettings settings,
            TransferSecurity security,
            Path recoveredDir,
            Duration maxWaitForModel,
            Duration recoveredIdsRetention) {
        return build(
                topics,
                models,
                settings,
                security,
                recoveredDir,
                OutputFormat.PNG,
                maxWaitForModel,
                recoveredIdsRetention);
    }

    /**
     * As above, writing each recovered X-ray into {@code recoveredDir} as {@code outputFormat} says: PNG, a DICOM
     * Secondary Capture file, or both.
     */
    public static Topology build(
            Topics topics,
            ModelSource models,
            BatchSettings settings,
            TransferSecurity security,
            Path recoveredDir,
            OutputFormat outputFormat,
            Duration maxWaitForModel,
            Duration recoveredIdsRetention) {
        Topology topology = new Topology();
        InferencePipeline.addTo(
                topology,
                new InferencePipeline.Names(SOURCE, PROCESSOR, BUFFER_STORE, SINK, DEAD_LETTER_SINK),
                topics.stego.name(),
                topics.recovered,
                topics,
                settings,
                () -> new Stage(topics, models, settings, security, maxWaitForModel),
                recoveredDir == null ? List.of() : List.of(FILE_WRITER),
                new InferencePipeline.OutputGate<RecoveredImageEvent>(
                        RECOVERED_ONCE, () -> new RecoveredOnce(recoveredIdsRetention), RecoveredOnce.storeBuilder()));
        Receipts.Issuer issuer = Receipts.Issuer.of(security);
        topology.addProcessor(RECEIPT_ISSUER, () -> new ReceiptIssuing(issuer), RECOVERED_ONCE);
        topology.addSink(
                RECEIPTS_SINK,
                topics.receipts.name(),
                topics.receipts.keySerde().serializer(),
                topics.receipts.valueSerde().serializer(),
                RECEIPT_ISSUER);
        if (recoveredDir != null) {
            topology.addProcessor(
                    FILE_WRITER, () -> new RecoveredFileWriter(recoveredDir, outputFormat), RECOVERED_ONCE);
        }
        return topology;
    }

    /** The RECOVERED receipt of each recovered X-ray, keyed by its message id. */
    private static final class ReceiptIssuing implements Processor<String, RecoveredImageEvent, String, ReceiptEvent> {
        private final Receipts.Issuer issuer;
        private ProcessorContext<String, ReceiptEvent> context;

        ReceiptIssuing(Receipts.Issuer issuer) {
            this.issuer = issuer;
        }

        @Override
        public void init(ProcessorContext<String, ReceiptEvent> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, RecoveredImageEvent> record) {
            RecoveredImageEvent e = record.value();
            context.forward(record.withValue(issuer.issue(
                    ReceiptKind.RECOVERED,
                    e.getMessageId(),
                    e.getRecoveredAt(),
                    null,
                    e.getHidingMethod(),
                    e.getModelVersion(),
                    e.getStudyRef())));
        }
    }

    /**
     * The extractor's own admission (signature check, decoding, validation) and extraction, one record at a time,
     * without a topology, a store or a topic: for replaying a range of the stego topic offline.
     */
    public static final class Offline {
        private final Stage stage;

        public Offline(Topics topics, ModelSource models, int maxImageSide, TransferSecurity security) {
            this.stage = new Stage(
                    topics,
                    models,
                    BatchSettings.uniform(1, Duration.ofMillis(1), maxImageSide),
                    security,
                    Duration.ZERO);
        }

        /**
         * What the extractor would publish for {@code record}.
         *
         * @throws RecordRejectedException  when the extractor would dead-letter it (TAMPERED, VALIDATION, ...)
         * @throws RecordNotReadyException when it names a version the models do not hold
         */
        public RecoveredImageEvent extract(InputRecord record) {
            Item item = stage.admit(record).item();
            return stage.run(List.of(item), System.currentTimeMillis()).get(0).value;
        }
    }

    /**
     * A verified stego image. Neural: the stego pixels for the model and the opened study reference. Sealed: the
     * X-ray already recovered (no model needed, so it is opened on admission, where a failure is dead-lettered as
     * TAMPERED or NOT_FOR_THIS_KEY at once).
     */
    record Item(
            String messageId,
            HidingMethod method,
            FloatImage stego,
            String studyRef,
            String modelVersion,
            SealedHiding.Opened opened) {}

    static final class Stage implements BatchStage<Item, RecoveredImageEvent> {
        private final ModelSource models;
        private final BatchSettings settings;
        private final Duration maxWait;
        private final TransferSecurity security;
        private final Verifier stegoSigners;
        private final SealedHiding sealedHiding;
        private final SealedHiding covertHiding;
        private final StudyReferences studyReferences;
        private final Deserializer<StegoImageEvent> deserializer;

        Stage(Topics topics, ModelSource models, BatchSettings settings, TransferSecurity security, Duration maxWait) {
            this.models = models;
            this.settings = settings;
            this.maxWait = maxWait;
            this.security = security;
            this.stegoSigners = security.stegoSigners();
            this.sealedHiding = security.sealedHiding(settings.maxImageSide());
            this.covertHiding = security.covertHiding(settings.maxImageSide());
            this.studyReferences = new StudyReferences(security.keyring());
            this.deserializer = topics.stego.valueSerde().deserializer();
        }

        @Override
        public void init(ProcessorContext<?, ?> context) {}

        @Override
        public Admitted<Item> admit(InputRecord record) {
            // the Avro record must be read to find its signature; nothing else of it is looked at before the
            // signature (the hospital's, over the image bytes as sent) and the clinic it is for check out
            StegoImageEvent event = Deserialization.deserialize(deserializer, record.topic(), record.value());
            StegoEvents.authenticate(event, security, stegoSigners);
            String id = MessageIds.requireSafe(event.getMessageId());
            String name = "stego image " + id;
            HidingMethod method;
            try {
                method = HidingMethod.parse(event.getHidingMethod());
            } catch (IllegalArgumentException e) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": " + e.getMessage());
            }
            HidingModel model = null;
            if (method == HidingMethod.NEURAL) {
                String version = event.getModelVersion();
                if (!models.has(version)) {
                    if (models.followsPublications()) {
                        throw new RecordNotReadyException(
                                ErrorType.UNKNOWN_MODEL,
                                "model version " + version + " has not been received",
                                maxWait);
                    }
                    throw new RecordRejectedException(
                            ErrorType.UNKNOWN_MODEL,
                            "unknown model version " + version + "; this extractor holds " + models);
                }
                model = models.model(version);
                if (event.getSecretChannels() != model.secretChannels()) {
                    throw new RecordRejectedException(
                            ErrorType.VALIDATION,
                            name + ": declares a "
                                    + event.getSecretChannels() + "-channel secret but model " + model.version()
                                    + " hides "
                                    + model.secretChannels());
                }
            }
            InputImages.Decoded image = InputImages.decodeDeclared(
                    event.getImage(), name, event.getWidth(), event.getHeight(), settings.maxImageSide());
            if (image.format() != ImageFormat.PNG && method.keyed()) {
                throw new RecordRejectedException(
                        ErrorType.VALIDATION,
                        name + ": is " + image.format() + "; a " + method.label()
                                + " stego image must be a lossless PNG (lossy compression destroys its payload)");
            }
            if (image.channels() != 3 || image.bitDepth() != 8) {
                throw new RecordRejectedException(
                        ErrorType.VALIDATION, name + ": " + image.describe() + "; a stego image is 8-bit RGB");
            }
            try {
                if (method.keyed()) {
                    if (event.getReceivingKeyId() == null || event.getPositionsKeyId() == null) {
                        throw new RecordRejectedException(
                                ErrorType.VALIDATION,
                                name + ": " + method.label() + ", but without its receiving and position key ids");
                    }
                    SealedHiding hiding = method == HidingMethod.COVERT ? covertHiding : sealedHiding;
                    SealedHiding.Opened opened = hiding.extract(
                            image.image(),
                            id,
                            event.getPlacement(),
                            event.getReceivingKeyId(),
                            event.getPositionsKeyId());
                    return new Admitted<>(
                            record,
                            image.width(),
                            image.height(),
                            new Item(
                                    id, method, null, opened.studyRef().orElse(null), event.getModelVersion(), opened));
                }
                String studyRef = event.getSealedStudyRef() == null
                        ? null
                        : studyReferences.open(id, InputImages.bytes(event.getSealedStudyRef()));
                return new Admitted<>(
                        record,
                        image.width(),
                        image.height(),
                        new Item(id, method, FloatImage.of(image.image()), studyRef, event.getModelVersion(), null));
            } catch (SealedException e) {
                throw new RecordRejectedException(
                        ErrorType.valueOf(e.reason().name()), name + ": " + e.getMessage(), e);
            }
        }

        @Override
        public List<KeyValue<String, RecoveredImageEvent>> run(List<Item> items, long nowMs) {
            // one model call per version present in the batch
            Map<String, List<Item>> byVersion = new LinkedHashMap<>();
            for (Item item : items) {
                if (item.method() == HidingMethod.NEURAL) {
                    byVersion
                            .computeIfAbsent(item.modelVersion(), v -> new ArrayList<>())
                            .add(item);
                }
            }
            Map<Item, FloatImage> secrets = new IdentityHashMap<>();
            for (Map.Entry<String, List<Item>> group : byVersion.entrySet()) {
                HidingModel model = models.model(group.getKey());
                List<FloatImage> stegos = new ArrayList<>();
                group.getValue().forEach(item -> stegos.add(item.stego()));
                List<FloatImage> extracted = model.extract(stegos);
                if (extracted.size() != stegos.size()) {
                    throw new IllegalStateException(
                            "model returned " + extracted.size() + " images for " + stegos.size() + " stego images");
                }
                for (int i = 0; i < stegos.size(); i++) {
                    secrets.put(group.getValue().get(i), extracted.get(i).withChannels(model.secretChannels()));
                }
            }
            List<KeyValue<String, RecoveredImageEvent>> out = new ArrayList<>(items.size());
            for (Item item : items) {
                RecoveredImageEvent.Builder event = RecoveredImageEvent.newBuilder()
                        .setMessageId(item.messageId())
                        .setModelVersion(item.modelVersion())
                        .setHidingMethod(item.method().label())
                        .setStudyRef(item.studyRef())
                        .setRecoveredAt(Instant.ofEpochMilli(nowMs));
                if (item.method() == HidingMethod.NEURAL) {
                    FloatImage secret = secrets.get(item);
                    event.setWidth(secret.width())
                            .setHeight(secret.height())
                            .setChannels(secret.channels())
                            .setBitDepth(8)
                            .setImage(ByteBuffer.wrap(Png.encode(secret.toBufferedImage())));
                } else {
                    BufferedImage xray = item.opened().xray();
                    event.setWidth(xray.getWidth())
                            .setHeight(xray.getHeight())
                            .setChannels(xray.getColorModel().getNumComponents())
                            .setBitDepth(xray.getColorModel().getComponentSize(0))
                            .setImage(ByteBuffer.wrap(item.opened().png()));
                }
                out.add(KeyValue.pair(item.messageId(), event.build()));
            }
            return out;
        }

        @Override
        public String verb() {
            return "extracted";
        }
    }
}
