package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * the study reference travels only encrypted to the clinic, the source name not at all. The neural method embeds with
 * the model the {@link ModelSource} names current, asked afresh for every batch: a promotion takes effect at the next
 * batch boundary, every batch uses one version, and every stego event names it.
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
        security.checkedForEmbedder();
        format.checkFor(security.defaultMethod());
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
                () -> new Stage(topics, models, settings, security, format),
                List.of());
    }

    /**
     * An X-ray ready to embed. Neural: the secret in the model's channel count and its fitted cover, plus the study
     * reference sealed to the clinic. Sealed: the finished stego image (sealing needs no model, so it is done on
     * admission, where a payload too large for the cover becomes a CAPACITY dead letter at once).
     */
    record Item(
            String messageId,
            HidingMethod method,
            FloatImage secret,
            FloatImage cover,
            byte[] sealedStudyRef,
            SealedHiding.Embedded sealed,
            int channels) {}

    static final class Stage implements BatchStage<Item, StegoImageEvent> {
        private final Topics topics;
        private final ModelSource models;
        private final BatchSettings settings;
        private final TransferSecurity security;
        private final StegoFormat format;
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
                StegoFormat format) {
            this.format = format;
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
                        new Item(id, method, null, null, null, sealed, image.channels()));
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
                    new Item(id, method, secret, cover, sealedRef, null, image.channels()));
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

        /** Batches wait while no model version is promoted (sealed X-rays included, which wait with them). */
        @Override
        public boolean ready() {
            return models.current().isPresent();
        }

        @Override
        public List<KeyValue<String, StegoImageEvent>> run(List<Item> items, long nowMs) {
            // one version for the whole batch, chosen now: a promotion takes effect at the next batch
            HidingModel model =
                    models.current().orElseThrow(() -> new IllegalStateException("no promoted model to embed with"));
            List<FloatImage> coverImages = new ArrayList<>();
            List<FloatImage> secrets = new ArrayList<>();
            for (Item item : items) {
                if (item.method() == HidingMethod.NEURAL) {
                    coverImages.add(item.cover());
                    secrets.add(item.secret().withChannels(model.secretChannels()));
                }
            }
            List<FloatImage> stegos = secrets.isEmpty() ? List.of() : model.embed(coverImages, secrets);
            if (stegos.size() != secrets.size()) {
                throw new IllegalStateException(
                        "model returned " + stegos.size() + " stego images for " + secrets.size() + " X-rays");
            }
            List<KeyValue<String, StegoImageEvent>> out = new ArrayList<>(items.size());
            int neural = 0;
            for (Item item : items) {
                StegoImageEvent.Builder event = StegoImageEvent.newBuilder()
                        .setMessageId(item.messageId())
                        .setHidingMethod(item.method().label())
                        .setClinic(security.recipient().orElse(null))
                        .setCreatedAt(Instant.ofEpochMilli(nowMs));
                if (item.method() == HidingMethod.NEURAL) {
                    FloatImage stego = stegos.get(neural++).withChannels(3);
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
