package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.security.Png;
import org.stegoehealth.security.SealedException;
import org.stegoehealth.security.SealedHiding;
import org.stegoehealth.security.StudyReferences;

/**
 * Hospital side: hides each X-ray in a cover photo and publishes the stego image.
 *
 * <pre>
 * xray-source (bytes) -> xray-embedder [xray-batch-buffer] -> stego-sink           (stego topic)
 *                                                          -> embedder-dead-letter-sink (dead letters)
 * cover-source -> cover-store-updater [cover-store, global]
 * </pre>
 *
 * X-ray records are deserialised inside the processor so a bad one is dead-lettered with its original bytes. Each
 * X-ray gets the cover it names or a deterministic pick ({@link CoverLibrary#choose}); the cover is centre-cropped
 * to the X-ray's aspect ratio and resized to its width x height ({@link CoverFitting}). With the sealed method
 * ({@link HidingMethod}) the X-ray is instead encrypted to the clinic and hidden losslessly in a crop of the cover at
 * its native resolution ({@link SealedHiding}). The stego event carries an 8-bit RGB image keyed by the message id:
 * a neural stego image as the configured {@link StegoFormat} (lossless PNG, or a baseline 4:2:0 JPEG) noting its model
 * version, a sealed or covert one always as a PNG with the pixels only; with the method, model version, geometry and
 * key ids, signed with the hospital's key over the image bytes exactly as sent ({@link StegoEvents});
 * the study reference travels only encrypted to the clinic, the source name not at all.
 *
 * <p>The neural method embeds each X-ray with the model version it names ({@code modelVersion}), else with the
 * embedder's own ({@code embed.model.version}), else with the version the {@link ModelSource} names current, asked
 * afresh for every batch: a promotion takes effect at the next batch boundary. A batch runs the model once per version
 * among its X-rays, and every stego event names the version that made it. An X-ray naming a version the source does
 * not hold, or holds retired, is a dead letter {@link ErrorType#UNKNOWN_MODEL}.
 */
public final class EmbeddingTopology {

    public static final String SOURCE = "xray-source";
    public static final String PROCESSOR = "xray-embedder";
    public static final String BUFFER_STORE = "xray-batch-buffer";
    public static final String SINK = "stego-sink";
    public static final String DEAD_LETTER_SINK = "embedder-dead-letter-sink";
    public static final String COVER_SOURCE = "cover-source";
    public static final String COVER_UPDATER = "cover-store-updater";
    public static final String COVER_STORE = "cover-store";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingTopology.class);

    private EmbeddingTopology() {}

    public static Topology build(Topics topics, HidingModel model, BatchSettings settings, TransferSecurity security) {
        return build(topics, ModelSource.fixed(model), settings, security);
    }

    /** Embedding with the version {@code models} names current at each batch. */
    public static Topology build(Topics topics, ModelSource models, BatchSettings settings, TransferSecurity security) {
        return build(topics, models, settings, security, StegoFormat.PNG);
    }

    /**
     * As above, sending neural stego images as {@code format}.
     *
     * @throws IllegalArgumentException one line, when {@code format} is JPEG and the default method is keyed
     */
    public static Topology build(
            Topics topics, ModelSource models, BatchSettings settings, TransferSecurity security, StegoFormat format) {
        return build(topics, models, settings, security, format, null);
    }

    /**
     * As above, embedding the X-rays that name no model version with {@code modelVersion} (the embedder's {@code
     * embed.model.version}) instead of the promoted one; null follows promotions. While {@code models} does not hold
     * that version (not published yet, or retired), such X-rays wait, as they wait for a first promotion.
     *
     * @throws IllegalArgumentException one line, also when {@code models} is one fixed model other than {@code
     *     modelVersion}
     */
    public static Topology build(
            Topics topics,
            ModelSource models,
            BatchSettings settings,
            TransferSecurity security,
            StegoFormat format,
            String modelVersion) {
        security.checkedForEmbedder();
        format.checkFor(security.defaultMethod());
        if (modelVersion != null && !models.embeddable(modelVersion)) {
            if (!models.followsPublications()) {
                throw new IllegalArgumentException("embed.model.version " + modelVersion
                        + " is not the model this embedder holds (" + models + "); leave it empty to embed with it");
            }
            LOG.warn(
                    "embed.model.version {} is not held (not published on the model topic yet, or retired):"
                            + " X-rays that name no version wait until it is; publish it with stego models publish",
                    modelVersion);
        }
        if (modelVersion != null) {
            LOG.info("embedding with model {} (embed.model.version) unless an X-ray names another", modelVersion);
        }
        if (format.format() == ImageFormat.JPEG) {
            LOG.info(
                    "neural stego images go out as {}; X-rays that ask for the sealed or covert method keep"
                            + " lossless PNG",
                    format.describe());
        }
        Topology topology = new Topology();
        Deserializer<CoverImageEvent> covers = topics.covers.valueSerde().deserializer();
        String coverTopic = topics.covers.name();
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(COVER_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                COVER_SOURCE,
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                coverTopic,
                COVER_UPDATER,
                () -> new CoverLibrary.Updater(COVER_STORE, covers, coverTopic));
        return InferencePipeline.addTo(
                topology,
                new InferencePipeline.Names(SOURCE, PROCESSOR, BUFFER_STORE, SINK, DEAD_LETTER_SINK),
                topics.xrays.name(),
                topics.stego,
                topics,
                settings,
                () -> new Stage(topics, models, settings, security, format, modelVersion),
                List.of());
    }

    /**
     * An X-ray ready to embed. Neural: the secret and its fitted cover, plus the study reference sealed to the clinic
     * and the model version the X-ray names (null: the embedder's). Sealed: the finished stego image (sealing needs no model, so it is done on
     * admission, where a payload too large for the cover becomes a CAPACITY dead letter at once).
     */
    record Item(
            String messageId,
            HidingMethod method,
            FloatImage secret,
            FloatImage cover,
            byte[] sealedStudyRef,
            SealedHiding.Embedded sealed,
            int channels,
            String modelVersion) {}

    static final class Stage implements BatchStage<Item, StegoImageEvent> {
        private final Topics topics;
        private final ModelSource models;
        private final BatchSettings settings;
        private final TransferSecurity security;
        private final StegoFormat format;
        private final String modelVersion;
        private final SealedHiding sealedHiding;
        private final SealedHiding covertHiding;
        private final StudyReferences studyReferences;
        private final Deserializer<XrayImageEvent> deserializer;
        private CoverLibrary covers;

        Stage(
                Topics topics,
                ModelSource models,
                BatchSettings settings,
                TransferSecurity security,
                StegoFormat format,
                String modelVersion) {
            this.format = format;
            this.modelVersion = modelVersion;
            this.topics = topics;
            this.models = models;
            this.settings = settings;
            this.security = security;
            this.sealedHiding = security.sealedHiding(settings.maxImageSide());
            this.covertHiding = security.covertHiding(settings.maxImageSide());
            this.studyReferences = new StudyReferences(security.keyring());
            this.deserializer = topics.xrays.valueSerde().deserializer();
        }

        @Override
        public void init(ProcessorContext<?, ?> context) {
            KeyValueStore<String, byte[]> store = context.getStateStore(COVER_STORE);
            covers = new CoverLibrary(
                    store, topics.covers.valueSerde().deserializer(), topics.covers.name(), settings.maxImageSide());
        }

        @Override
        public Admitted<Item> admit(InputRecord record) {
            XrayImageEvent event = Deserialization.deserialize(deserializer, record.topic(), record.value());
            String id = MessageIds.requireSafe(event.getMessageId());
            String name = "X-ray " + id;
            checkDeclared(name, event);
            InputImages.Decoded image = InputImages.decodeDeclared(
                    event.getImage(), name, event.getWidth(), event.getHeight(), settings.maxImageSide());
            if (image.format() != event.getFormat()) {
                throw new RecordRejectedException(
                        ErrorType.VALIDATION,
                        name + ": declared " + event.getFormat() + " but the bytes are " + image.format());
            }
            if (image.channels() != event.getChannels()) {
                throw new RecordRejectedException(
                        ErrorType.VALIDATION,
                        name + ": declared " + event.getChannels() + " channel(s) but the image has "
                                + image.channels());
            }
            if (image.bitDepth() != event.getBitDepth()) {
                throw new RecordRejectedException(
                        ErrorType.VALIDATION,
                        name + ": declared " + event.getBitDepth() + "-bit but the image is " + image.bitDepth()
                                + "-bit");
            }
            HidingMethod method = method(name, event);
            String coverId = record.coverId() != null ? record.coverId() : covers.choose(event.getCoverId(), id);
            Optional<String> studyRef = Optional.ofNullable(event.getStudyRef()).filter(r -> !r.isBlank());
            if (method.keyed()) {
                String clinic = security.recipient()
                        .orElseThrow(() -> new RecordRejectedException(
                                ErrorType.VALIDATION,
                                name + ": asks for the " + method.label() + " method but this embedder has no clinic.id"
                                        + " to seal to"));
                SealedHiding.Embedded sealed;
                try {
                    sealed = method == HidingMethod.COVERT
                            ? covertHiding.embed(
                                    covers.covert(coverId, security.covertCoverSide()),
                                    image.image(),
                                    id,
                                    clinic,
                                    studyRef)
                            : sealedHiding.embed(covers.original(coverId), image.image(), id, clinic, studyRef);
                } catch (SealedException e) {
                    throw new RecordRejectedException(
                            ErrorType.valueOf(e.reason().name()), name + ": " + e.getMessage(), e);
                }
                return new Admitted<>(
                        record.withCoverId(coverId),
                        image.width(),
                        image.height(),
                        new Item(id, method, null, null, null, sealed, image.channels(), null));
            }
            String version = Optional.ofNullable(event.getModelVersion())
                    .map(String::strip)
                    .filter(v -> !v.isEmpty())
                    .orElse(null);
            if (version != null && !models.embeddable(version)) {
                throw new RecordRejectedException(ErrorType.UNKNOWN_MODEL, unknownModel(name, version));
            }
            FloatImage cover = covers.fitted(coverId, image.width(), image.height());
            // brought to the model's channel count in run(): the version is chosen per batch
            FloatImage secret = FloatImage.of(image.image());
            byte[] sealedRef = studyRef.isEmpty() || security.recipient().isEmpty()
                    ? null
                    : studyReferences.seal(security.recipient().get(), id, studyRef.get());
            return new Admitted<>(
                    record.withCoverId(coverId),
                    image.width(),
                    image.height(),
                    new Item(id, method, secret, cover, sealedRef, null, image.channels(), version));
        }

        /** Why {@code version}, named by an X-ray, cannot embed it. */
        private String unknownModel(String name, String version) {
            if (models.has(version)) {
                return name + ": names model version " + version + ", which is retired; a retired version embeds no"
                        + " new X-rays";
            }
            return name + ": names model version " + version + ", which this embedder does not hold"
                    + (models.followsPublications()
                            ? " (not published on the model topic, or its event was refused; publish it with stego"
                                    + " models publish DIR)"
                            : " (it embeds with " + models + " only)");
        }

        private HidingMethod method(String name, XrayImageEvent event) {
            if (event.getHidingMethod() == null) {
                return security.defaultMethod();
            }
            try {
                return HidingMethod.parse(event.getHidingMethod());
            } catch (IllegalArgumentException e) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": " + e.getMessage());
            }
        }

        private void checkDeclared(String name, XrayImageEvent e) {
            if (e.getChannels() != 1 && e.getChannels() != 3) {
                throw new RecordRejectedException(
                        ErrorType.VALIDATION,
                        name + ": declares " + e.getChannels() + " channels; 1 (gray) or 3 (RGB) expected");
            }
            if (e.getBitDepth() != 8 && e.getBitDepth() != 16) {
                throw new RecordRejectedException(
                        ErrorType.VALIDATION,
                        name + ": declares " + e.getBitDepth() + "-bit samples; 8 or 16 expected");
            }
        }

        /**
         * Batches wait while the embedder's version is not held: no version promoted yet, or the configured one not
         * received (sealed X-rays and X-rays naming a version included, which wait with them).
         */
        @Override
        public boolean ready() {
            return modelVersion == null ? models.current().isPresent() : models.embeddable(modelVersion);
        }

        /** The embedder's version now: the configured one, else the promoted one, asked for every batch. */
        private HidingModel embedderModel() {
            if (modelVersion == null) {
                return models.current().orElseThrow(() -> new IllegalStateException("no promoted model to embed with"));
            }
            if (!models.embeddable(modelVersion)) {
                throw new IllegalStateException("embed.model.version " + modelVersion + " is not held");
            }
            return models.model(modelVersion);
        }

        /** The X-rays of one batch that one model version embeds, by their place in the batch. */
        private record Group(HidingModel model, List<Integer> places) {}

        @Override
        public List<KeyValue<String, StegoImageEvent>> run(List<Item> items, long nowMs) {
            // the embedder's version is chosen once per batch, now: a promotion takes effect at the next batch
            HidingModel embedderModel = null;
            Map<String, Group> groups = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                if (item.method() != HidingMethod.NEURAL) {
                    continue;
                }
                HidingModel model;
                if (item.modelVersion() == null) {
                    if (embedderModel == null) {
                        embedderModel = embedderModel();
                    }
                    model = embedderModel;
                } else if (models.embeddable(item.modelVersion())) {
                    model = models.model(item.modelVersion());
                } else {
                    // retired since it was admitted
                    throw new RecordRejectedException(
                            ErrorType.UNKNOWN_MODEL, unknownModel("X-ray " + item.messageId(), item.modelVersion()));
                }
                groups.computeIfAbsent(model.version(), v -> new Group(model, new ArrayList<>()))
                        .places()
                        .add(i);
            }
            // one model call per version among the batch's X-rays
            FloatImage[] stegos = new FloatImage[items.size()];
            HidingModel[] madeBy = new HidingModel[items.size()];
            for (Group group : groups.values()) {
                HidingModel model = group.model();
                List<FloatImage> coverImages = new ArrayList<>();
                List<FloatImage> secrets = new ArrayList<>();
                for (int place : group.places()) {
                    coverImages.add(items.get(place).cover());
                    secrets.add(items.get(place).secret().withChannels(model.secretChannels()));
                }
                List<FloatImage> made = model.embed(coverImages, secrets);
                if (made.size() != secrets.size()) {
                    throw new IllegalStateException(
                            "model returned " + made.size() + " stego images for " + secrets.size() + " X-rays");
                }
                for (int k = 0; k < made.size(); k++) {
                    stegos[group.places().get(k)] = made.get(k);
                    madeBy[group.places().get(k)] = model;
                }
            }
            List<KeyValue<String, StegoImageEvent>> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                StegoImageEvent.Builder event = StegoImageEvent.newBuilder()
                        .setMessageId(item.messageId())
                        .setHidingMethod(item.method().label())
                        .setClinic(security.recipient().orElse(null))
                        .setCreatedAt(Instant.ofEpochMilli(nowMs));
                if (item.method() == HidingMethod.NEURAL) {
                    HidingModel model = madeBy[i];
                    FloatImage stego = stegos[i].withChannels(3);
                    byte[] image = format.encode(stego.toBufferedImage(), model.version());
                    settings.checkOutputBytes(image.length, "stego image of " + item.messageId());
                    event.setModelVersion(model.version())
                            .setWidth(stego.width())
                            .setHeight(stego.height())
                            .setSecretChannels(model.secretChannels())
                            .setImage(ByteBuffer.wrap(image));
                    if (item.sealedStudyRef() != null) {
                        event.setReceivingKeyId(security.keyring()
                                        .receivingKeyIdOf(security.recipient().orElseThrow()))
                                .setSealedStudyRef(ByteBuffer.wrap(item.sealedStudyRef()));
                    }
                } else {
                    SealedHiding.Embedded sealed = item.sealed();
                    byte[] png = Png.encode(sealed.stego());
                    settings.checkOutputBytes(png.length, "stego image of " + item.messageId());
                    event.setModelVersion(TransferSecurity.keyedVersion(item.method()))
                            .setWidth(sealed.stego().getWidth())
                            .setHeight(sealed.stego().getHeight())
                            .setSecretChannels(item.channels())
                            .setImage(ByteBuffer.wrap(png))
                            .setReceivingKeyId(sealed.receivingKeyId())
                            .setPositionsKeyId(sealed.positionsKeyId())
                            .setPlacement(sealed.placement());
                }
                out.add(KeyValue.pair(
                        item.messageId(),
                        StegoEvents.sign(event.build(), security.keyring().signer())));
            }
            return out;
        }

        @Override
        public String verb() {
            return "embedded";
        }
    }
}
