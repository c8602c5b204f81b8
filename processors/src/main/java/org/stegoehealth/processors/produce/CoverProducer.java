package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.RecordRejectedException;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.TopicSpec;

/**
 * Publishes a directory of cover photos to the compacted cover topic, keyed by a cover id derived from each file
 * name ({@link #coverIdOf}), so republishing a directory replaces covers instead of adding copies. Files that do not
 * decode as PNG/JPEG gray or RGB images, or whose ids collide, are reported and skipped.
 */
public final class CoverProducer {

    private static final Logger LOG = LoggerFactory.getLogger(CoverProducer.class);

    private final Producer<String, CoverImageEvent> producer;
    private final String topic;
    private final int maxSide;
    private final Clock clock;

    /** @param maxSide the longest side a cover may have (the configured {@code max.image.side}) */
    public CoverProducer(Producer<String, CoverImageEvent> producer, String topic, int maxSide, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.maxSide = maxSide;
        this.clock = clock;
    }

    public static Producer<String, CoverImageEvent> kafkaProducer(StegoConfig config, TopicSpec<String, CoverImageEvent> spec) {
        return new KafkaProducer<>(StreamsConfigs.producer(config, "stego-cover-producer"),
                spec.keySerde().serializer(), spec.valueSerde().serializer());
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
        List<PublishOutcome> outcomes = new ArrayList<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : files) {
            String id;
            try {
                id = coverIdOf(file);
            } catch (IllegalArgumentException e) {
                outcomes.add(refuse(file, "no usable cover id in the file name"));
                sends.add(null);
                continue;
            }
            if (seen.containsKey(id)) {
                outcomes.add(refuse(file, "cover id '" + id + "' is already taken by " + seen.get(id).getFileName()));
                sends.add(null);
                continue;
            }
            ImageFiles.Checked checked;
            try {
                checked = ImageFiles.read(file, maxSide);
            } catch (RecordRejectedException e) {
                String prefix = file.getFileName() + ": ";
                outcomes.add(refuse(file, e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage()));
                sends.add(null);
                continue;
            }
            seen.put(id, file);
            CoverImageEvent event = CoverImageEvent.newBuilder()
                    .setCoverId(id)
                    .setFormat(checked.image().format())
                    .setWidth(checked.image().width())
                    .setHeight(checked.image().height())
                    .setImage(ByteBuffer.wrap(checked.bytes()))
                    .setAttribution(attribution)
                    .setProducedAt(clock.instant())
                    .build();
            try {
                sends.add(producer.send(new ProducerRecord<>(topic, id, event)));
            } catch (RuntimeException e) {
                sends.add(java.util.concurrent.CompletableFuture.failedFuture(e));
            }
            outcomes.add(PublishOutcome.published(file, id));
        }
        producer.flush();
        List<PublishOutcome> out = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            PublishOutcome o = outcomes.get(i);
            if (sends.get(i) == null) {
                out.add(o);
                continue;
            }
            try {
                sends.get(i).get(2, TimeUnit.MINUTES);
                LOG.info("published cover {} from {}", o.key(), o.file().getFileName());
                out.add(o);
            } catch (ExecutionException e) {
                out.add(refuse(o.file(), "not acknowledged by Kafka: " + e.getCause().getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add(refuse(o.file(), "interrupted before Kafka acknowledged it"));
            } catch (TimeoutException e) {
                out.add(refuse(o.file(), "not acknowledged by Kafka within 2 minutes"));
            }
        }
        if (Files.isDirectory(dirOrFile) && files.isEmpty()) {
            LOG.warn("{} holds no PNG or JPEG files", dirOrFile);
        }
        return out;
    }

    private static PublishOutcome refuse(Path file, String problem) {
        LOG.warn("skipped {}: {}", file, problem);
        return PublishOutcome.refused(file, problem);
    }
}
