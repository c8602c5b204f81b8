package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Batched like the embedder ({@link BatchingProcessor}). Each stego image is extracted with the model version its
 * event names (a different model would recover noise): with a registry that follows the model topic, every version
 * seen so far, retired ones included, loaded on first use; an image naming a version not received yet waits (up to
 * a bound, then a dead letter UNKNOWN_MODEL) and is extracted once the version arrives. With one fixed model, an image
 * of any other version is dead-lettered at once. The recovered X-ray is an 8-bit PNG, gray when the model hides gray
 * images.
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

    /** Extraction to the recovered topic only, with one fixed model. */
    public static Topology build(Topics topics, HidingModel model, BatchSettings settings) {
        return build(topics, model, settings, null);
    }

    /** As {@link #build(Topics, ModelSource, BatchSettings, Path, Duration)} with one fixed model. */
    public static Topology build(Topics topics, HidingModel model, BatchSettings settings, Path recoveredDir) {
        return build(topics, ModelSource.fixed(model), settings, recoveredDir, Duration.ZERO);
    }

    /**
     * Extraction to the recovered topic and, when {@code recoveredDir} is not null, also to
     * {@code recoveredDir/<messageId>.png} for the clinic's viewer.
     *
     * @param models           the versions this extractor holds
     * @param maxWaitForModel  how long an image naming a version not received yet waits for it
     */
    public static Topology build(Topics topics, ModelSource models, BatchSettings settings, Path recoveredDir,
                                 Duration maxWaitForModel) {
        Topology topology = new Topology();
        InferencePipeline.addTo(topology,
                new InferencePipeline.Names(SOURCE, PROCESSOR, BUFFER_STORE, SINK, DEAD_LETTER_SINK),
                topics.stego.name(), topics.recovered, topics, settings,
                () -> new Stage(topics, models, settings, maxWaitForModel), recoveredDir == null ? List.of() : List.of(FILE_WRITER));
        if (recoveredDir != null) {
            topology.addProcessor(FILE_WRITER, () -> new RecoveredFileWriter(recoveredDir), PROCESSOR);
        }
        return topology;
    }

    record Item(String messageId, String version, FloatImage stego) {
    }

    static final class Stage implements BatchStage<Item, RecoveredImageEvent> {
        private final ModelSource models;
        private final BatchSettings settings;
        private final Duration maxWait;
        private final Deserializer<StegoImageEvent> deserializer;

        Stage(Topics topics, ModelSource models, BatchSettings settings, Duration maxWait) {
            this.models = models;
            this.settings = settings;
            this.maxWait = maxWait;
            this.deserializer = topics.stego.valueSerde().deserializer();
        }

        @Override
        public void init(ProcessorContext<?, ?> context) {
        }

        @Override
        public Admitted<Item> admit(InputRecord record) {
            StegoImageEvent event = Deserialization.deserialize(deserializer, record.topic(), record.value());
            String id = MessageIds.requireSafe(event.getMessageId());
            String version = event.getModelVersion();
            if (!models.has(version)) {
                if (models.followsPublications()) {
                    throw new RecordNotReadyException(ErrorType.UNKNOWN_MODEL, "model version " + version
                            + " has not been received", maxWait);
                }
                throw new RecordRejectedException(ErrorType.UNKNOWN_MODEL, "unknown model version " + version
                        + "; this extractor holds " + models);
            }
            HidingModel model = models.model(version);
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
            return new Admitted<>(record, image.width(), image.height(), new Item(id, version,
                    FloatImage.of(image.image())));
        }

        @Override
        public List<KeyValue<String, RecoveredImageEvent>> run(List<Item> items, long nowMs) {
            // one model call per version present in the batch, results put back in the batch's order
            Map<String, List<Integer>> byVersion = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                byVersion.computeIfAbsent(items.get(i).version(), v -> new ArrayList<>()).add(i);
            }
            List<KeyValue<String, RecoveredImageEvent>> out = new ArrayList<>(Collections.nCopies(items.size(), null));
            for (Map.Entry<String, List<Integer>> group : byVersion.entrySet()) {
                HidingModel model = models.model(group.getKey());
                List<FloatImage> stegos = new ArrayList<>(group.getValue().size());
                for (int i : group.getValue()) {
                    stegos.add(items.get(i).stego());
                }
                List<FloatImage> secrets = model.extract(stegos);
                if (secrets.size() != stegos.size()) {
                    throw new IllegalStateException("model returned " + secrets.size() + " images for "
                            + stegos.size() + " stego images");
                }
                for (int j = 0; j < stegos.size(); j++) {
                    int i = group.getValue().get(j);
                    FloatImage secret = secrets.get(j).withChannels(model.secretChannels());
                    RecoveredImageEvent event = RecoveredImageEvent.newBuilder()
                            .setMessageId(items.get(i).messageId())
                            .setModelVersion(model.version())
                            .setWidth(secret.width())
                            .setHeight(secret.height())
                            .setChannels(secret.channels())
                            .setImage(ByteBuffer.wrap(InputImages.png(secret.toBufferedImage())))
                            .setRecoveredAt(Instant.ofEpochMilli(nowMs))
                            .build();
                    out.set(i, KeyValue.pair(items.get(i).messageId(), event));
                }
            }
            return out;
        }

        @Override
        public String verb() {
            return "extracted";
        }
    }
}
