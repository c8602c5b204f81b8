package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.TopicSpec;

/**
 * Publishes a directory of cover photos to the compacted cover topic, keyed by a cover id derived from each file
 * name ({@link #coverIdOf}), so republishing a directory replaces covers instead of adding copies. Files that do not
 * decode as PNG/JPEG gray or RGB images, or whose ids collide, are reported and skipped.
 */
public final class CoverProducer {

    private static final Logger LOG = LoggerFactory.getLogger(CoverProducer.class);

    private final SendBatch.Target<CoverImageEvent> target;
    private final Clock clock;

    /** @param maxSide the longest side a cover may have (the configured {@code max.image.side}) */
    public CoverProducer(Producer<String, CoverImageEvent> producer, String topic, int maxSide, Clock clock) {
        this.target = new SendBatch.Target<>(() -> producer, topic, maxSide, false);
        this.clock = clock;
    }

    public static Producer<String, CoverImageEvent> kafkaProducer(
            StegoConfig config, TopicSpec<String, CoverImageEvent> spec) {
        return SendBatch.kafkaProducer(config, spec, "stego-cover-producer");
    }

    /**
     * The cover id of a file: its name without the extension, lower case, every run of characters other than
     * letters, digits, '.', '_' and '-' replaced by one '-' ({@code "Beach Sunset 2.JPG"} -> {@code "beach-sunset-2"}).
     */
    public static String coverIdOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
        String id = base.replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
        if (id.isEmpty()) {
            throw new IllegalArgumentException(file + ": no usable cover id in the file name");
        }
        return id;
    }

    /**
     * Publishes every PNG/JPEG file of {@code dir} (or the single file named) and waits for acknowledgements.
     *
     * @param attribution author and licence to record with every cover, or null
     */
    public List<PublishOutcome> publish(Path dirOrFile, String attribution) throws IOException {
        List<Path> files = ImageFiles.expand(List.of(dirOrFile));
        SendBatch<CoverImageEvent> batch = target.batch();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : files) {
            String id;
            try {
                id = coverIdOf(file);
            } catch (IllegalArgumentException e) {
                batch.refuse(file, "no usable cover id in the file name");
                continue;
            }
            if (seen.containsKey(id)) {
                batch.refuse(
                        file,
                        "cover id '" + id + "' is already taken by "
                                + seen.get(id).getFileName());
                continue;
            }
            Optional<ImageFiles.Checked> checked = batch.check(file);
            if (checked.isEmpty()) {
                continue;
            }
            seen.put(id, file);
            ImageFiles.Checked image = checked.get();
            batch.send(
                    file,
                    id,
                    CoverImageEvent.newBuilder()
                            .setCoverId(id)
                            .setFormat(image.image().format())
                            .setWidth(image.image().width())
                            .setHeight(image.image().height())
                            .setImage(ByteBuffer.wrap(image.bytes()))
                            .setAttribution(attribution)
                            .setProducedAt(clock.instant())
                            .build());
        }
        if (Files.isDirectory(dirOrFile) && files.isEmpty()) {
            LOG.warn("{} holds no PNG or JPEG files", dirOrFile);
        }
        return batch.confirm();
    }
}
