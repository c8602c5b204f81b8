package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;

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
 * to the X-ray's aspect ratio and resized to its width x height ({@link CoverFitting}). The stego event is a
 * lossless 8-bit RGB PNG keyed by the message id, with the model version and geometry and nothing else: no study
 * reference, no source name.
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

    private EmbeddingTopology() {
    }

    /** Embedding with one fixed model. */
    public static Topology build(Topics topics, HidingModel model, BatchSettings settings) {
        return build(topics, ModelSource.fixed(model), settings);
    }

    /**
     * Embedding with the model {@code models} names current, asked afresh for every batch: a promotion takes effect
     * at the next batch boundary, every batch uses one version, and every stego event names it.
     */
    public static Topology build(Topics topics, ModelSource models, BatchSettings settings) {
        Topology topology = new Topology();
        Deserializer<CoverImageEvent> covers = topics.covers.valueSerde().deserializer();
        String coverTopic = topics.covers.name();
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COVER_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                COVER_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), coverTopic,
                COVER_UPDATER, () -> new CoverLibrary.Updater(COVER_STORE, covers, coverTopic));
        return InferencePipeline.addTo(topology,
                new InferencePipeline.Names(SOURCE, PROCESSOR, BUFFER_STORE, SINK, DEAD_LETTER_SINK),
                topics.xrays.name(), topics.stego, topics, settings,
                () -> new Stage(topics, models, settings), List.of());
    }

    /** An X-ray ready to embed: the secret as decoded (gray or RGB) and its fitted cover. */
    record Item(String messageId, FloatImage secret, FloatImage cover) {
    }

    static final class Stage implements BatchStage<Item, StegoImageEvent> {
        private final Topics topics;
        private final ModelSource models;
        private final BatchSettings settings;
        private final Deserializer<XrayImageEvent> deserializer;
        private CoverLibrary covers;

        Stage(Topics topics, ModelSource models, BatchSettings settings) {
            this.topics = topics;
            this.models = models;
            this.settings = settings;
            this.deserializer = topics.xrays.valueSerde().deserializer();
        }

        @Override
        public void init(ProcessorContext<?, ?> context) {
            KeyValueStore<String, byte[]> store = context.getStateStore(COVER_STORE);
            covers = new CoverLibrary(store, topics.covers.valueSerde().deserializer(), topics.covers.name(),
                    settings.maxImageSide());
        }

        @Override
        public Admitted<Item> admit(InputRecord record) {
            XrayImageEvent event = Deserialization.deserialize(deserializer, record.topic(), record.value());
            String id = MessageIds.requireSafe(event.getMessageId());
            String name = "X-ray " + id;
            checkDeclared(name, event);
            InputImages.Decoded image = InputImages.decodeDeclared(event.getImage(), name, event.getWidth(),
                    event.getHeight(), settings.maxImageSide());
            if (image.format() != event.getFormat()) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": declared " + event.getFormat()
                        + " but the bytes are " + image.format());
            }
            if (image.channels() != event.getChannels()) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": declared " + event.getChannels()
                        + " channel(s) but the image has " + image.channels());
            }
            if (image.bitDepth() != event.getBitDepth()) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": declared " + event.getBitDepth()
                        + "-bit but the image is " + image.bitDepth() + "-bit");
            }
            String coverId = record.coverId() != null ? record.coverId() : covers.choose(event.getCoverId(), id);
            FloatImage cover = covers.fitted(coverId, image.width(), image.height());
            FloatImage secret = FloatImage.of(image.image());
            return new Admitted<>(record.withCoverId(coverId), image.width(), image.height(), new Item(id, secret, cover));
        }

        private void checkDeclared(String name, XrayImageEvent e) {
            if (e.getChannels() != 1 && e.getChannels() != 3) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": declares " + e.getChannels()
                        + " channels; 1 (gray) or 3 (RGB) expected");
            }
            if (e.getBitDepth() != 8 && e.getBitDepth() != 16) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": declares " + e.getBitDepth()
                        + "-bit samples; 8 or 16 expected");
            }
        }

        @Override
        public boolean ready() {
            return models.current().isPresent();
        }

        @Override
        public List<KeyValue<String, StegoImageEvent>> run(List<Item> items, long nowMs) {
            // one version for the whole batch, chosen now: a promotion takes effect at the next batch
            HidingModel model = models.current().orElseThrow(
                    () -> new IllegalStateException("no promoted model to embed with"));
            List<FloatImage> coverImages = new ArrayList<>(items.size());
            List<FloatImage> secrets = new ArrayList<>(items.size());
            for (Item item : items) {
                coverImages.add(item.cover());
                secrets.add(item.secret().withChannels(model.secretChannels()));
            }
            List<FloatImage> stegos = model.embed(coverImages, secrets);
            if (stegos.size() != items.size()) {
                throw new IllegalStateException("model returned " + stegos.size() + " stego images for " + items.size() + " X-rays");
            }
            List<KeyValue<String, StegoImageEvent>> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                FloatImage stego = stegos.get(i).withChannels(3);
                StegoImageEvent event = StegoImageEvent.newBuilder()
                        .setMessageId(items.get(i).messageId())
                        .setModelVersion(model.version())
                        .setWidth(stego.width())
                        .setHeight(stego.height())
                        .setSecretChannels(model.secretChannels())
                        .setImage(ByteBuffer.wrap(InputImages.png(stego.toBufferedImage())))
                        .setCreatedAt(Instant.ofEpochMilli(nowMs))
                        .build();
                out.add(KeyValue.pair(items.get(i).messageId(), event));
            }
            return out;
        }

        @Override
        public String verb() {
            return "embedded";
        }
    }
}
