package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;

/**
 * Clinic side: recovers the X-ray from each stego image.
 *
 * <pre>
 * stego-source (bytes) -> stego-extractor [stego-batch-buffer] -> recovered-sink            (recovered topic)
 *                                                              -> recovered-file-writer     (optional directory)
 *                                                              -> extractor-dead-letter-sink (dead letters)
 * </pre>
 *
 * Batched like the embedder ({@link BatchingProcessor}). A stego image made by another model version is
 * dead-lettered (UNKNOWN_MODEL): a different model would recover noise. The recovered X-ray is an 8-bit PNG, gray
 * when the model hides gray images.
 */
public final class ExtractionTopology {

    public static final String SOURCE = "stego-source";
    public static final String PROCESSOR = "stego-extractor";
    public static final String BUFFER_STORE = "stego-batch-buffer";
    public static final String SINK = "recovered-sink";
    public static final String DEAD_LETTER_SINK = "extractor-dead-letter-sink";
    public static final String FILE_WRITER = "recovered-file-writer";

    private ExtractionTopology() {
    }

    /** Extraction to the recovered topic only. */
    public static Topology build(Topics topics, HidingModel model, BatchSettings settings) {
        return build(topics, model, settings, null);
    }

    /**
     * Extraction to the recovered topic and, when {@code recoveredDir} is not null, also to
     * {@code recoveredDir/<messageId>.png} for the clinic's viewer.
     */
    public static Topology build(Topics topics, HidingModel model, BatchSettings settings, Path recoveredDir) {
        Topology topology = new Topology();
        InferencePipeline.addTo(topology,
                new InferencePipeline.Names(SOURCE, PROCESSOR, BUFFER_STORE, SINK, DEAD_LETTER_SINK),
                topics.stego.name(), topics.recovered, topics, settings,
                () -> new Stage(topics, model, settings), recoveredDir == null ? List.of() : List.of(FILE_WRITER));
        if (recoveredDir != null) {
            topology.addProcessor(FILE_WRITER, () -> new RecoveredFileWriter(recoveredDir), PROCESSOR);
        }
        return topology;
    }

    record Item(String messageId, FloatImage stego) {
    }

    static final class Stage implements BatchStage<Item, RecoveredImageEvent> {
        private final HidingModel model;
        private final BatchSettings settings;
        private final Deserializer<StegoImageEvent> deserializer;

        Stage(Topics topics, HidingModel model, BatchSettings settings) {
            this.model = model;
            this.settings = settings;
            this.deserializer = topics.stego.valueSerde().deserializer();
        }

        @Override
        public void init(ProcessorContext<?, ?> context) {
        }

        @Override
        public Admitted<Item> admit(InputRecord record) {
            StegoImageEvent event = Deserialization.deserialize(deserializer, record.topic(), record.value());
            String id = MessageIds.requireSafe(event.getMessageId());
            if (!model.version().equals(event.getModelVersion())) {
                throw new RecordRejectedException(ErrorType.UNKNOWN_MODEL, "unknown model version "
                        + event.getModelVersion() + "; this extractor holds " + model.version());
            }
            String name = "stego image " + id;
            if (event.getSecretChannels() != model.secretChannels()) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": declares a " + event.getSecretChannels()
                        + "-channel secret but model " + model.version() + " hides " + model.secretChannels());
            }
            InputImages.Decoded image = InputImages.decodeDeclared(event.getImage(), name, event.getWidth(),
                    event.getHeight(), settings.maxImageSide());
            if (image.format() != ImageFormat.PNG) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": is " + image.format()
                        + "; a stego image must be a lossless PNG (lossy compression destroys the hidden image)");
            }
            if (image.channels() != 3 || image.bitDepth() != 8) {
                throw new RecordRejectedException(ErrorType.VALIDATION, name + ": " + image.describe()
                        + "; a stego image is 8-bit RGB");
            }
            return new Admitted<>(record, image.width(), image.height(), new Item(id, FloatImage.of(image.image())));
        }

        @Override
        public List<KeyValue<String, RecoveredImageEvent>> run(List<Item> items, long nowMs) {
            List<FloatImage> stegos = new ArrayList<>(items.size());
            for (Item item : items) {
                stegos.add(item.stego());
            }
            List<FloatImage> secrets = model.extract(stegos);
            if (secrets.size() != items.size()) {
                throw new IllegalStateException("model returned " + secrets.size() + " images for " + items.size() + " stego images");
            }
            List<KeyValue<String, RecoveredImageEvent>> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                FloatImage secret = secrets.get(i).withChannels(model.secretChannels());
                RecoveredImageEvent event = RecoveredImageEvent.newBuilder()
                        .setMessageId(items.get(i).messageId())
                        .setModelVersion(model.version())
                        .setWidth(secret.width())
                        .setHeight(secret.height())
                        .setChannels(secret.channels())
                        .setImage(ByteBuffer.wrap(InputImages.png(secret.toBufferedImage())))
                        .setRecoveredAt(Instant.ofEpochMilli(nowMs))
                        .build();
                out.add(KeyValue.pair(items.get(i).messageId(), event));
            }
            return out;
        }

        @Override
        public String verb() {
            return "extracted";
        }
    }
}
