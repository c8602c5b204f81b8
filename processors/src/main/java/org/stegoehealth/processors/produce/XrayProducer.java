package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.Images;
import org.stegoehealth.processors.MessageIds;
import org.stegoehealth.processors.RecordRejectedException;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.XrayImageEvent;

/**
 * Publishes chest X-rays (PNG or JPEG; 8- or 16-bit gray, or RGB) to the X-ray topic. Every file is decoded and
 * checked first; a bad one is reported and skipped. The key and message id are derived from the file's content
 * ({@link MessageIds#fromContent}), so publishing the same file again gives the same key. Use an idempotent producer
 * ({@link #kafkaProducer}).
 */
public final class XrayProducer {

    private static final Logger LOG = LoggerFactory.getLogger(XrayProducer.class);

    private final Producer<String, XrayImageEvent> producer;
    private final String topic;
    private final int maxSide;
    private final Clock clock;

    public XrayProducer(Producer<String, XrayImageEvent> producer, String topic, int maxSide, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.maxSide = maxSide;
        this.clock = clock;
    }

    /** An idempotent ({@code enable.idempotence=true, acks=all}) Kafka producer for the X-ray topic. */
    public static Producer<String, XrayImageEvent> kafkaProducer(StegoConfig config, TopicSpec<String, XrayImageEvent> spec) {
        return new KafkaProducer<>(StreamsConfigs.producer(config, "stego-xray-producer"),
                spec.keySerde().serializer(), spec.valueSerde().serializer());
    }

    /**
     * Publishes the files named, and the PNG/JPEG files of the directories named, and waits for the broker's
     * acknowledgements.
     *
     * @param coverId the cover to hide them in, or null to let the embedder choose
     */
    public List<PublishOutcome> publishAll(List<Path> paths, String coverId) throws IOException {
        List<PublishOutcome> outcomes = new ArrayList<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (Path file : ImageFiles.expand(paths)) {
            PublishOutcome o = send(file, coverId, sends);
            outcomes.add(o);
        }
        producer.flush();
        return confirm(outcomes, sends);
    }

    private PublishOutcome send(Path file, String coverId, List<Future<RecordMetadata>> sends) {
        ImageFiles.Checked checked;
        try {
            checked = ImageFiles.read(file, maxSide);
        } catch (RecordRejectedException e) {
            String problem = e.getMessage().startsWith(file.getFileName().toString() + ": ")
                    ? e.getMessage().substring(file.getFileName().toString().length() + 2) : e.getMessage();
            LOG.warn("skipped {}: {}", file, problem);
            sends.add(null);
            return PublishOutcome.refused(file, problem);
        }
        String id = MessageIds.fromContent(checked.bytes());
        XrayImageEvent event = XrayImageEvent.newBuilder()
                .setMessageId(id)
                .setStudyRef(null)
                .setSourceName(file.getFileName().toString())
                .setCoverId(coverId)
                .setFormat(checked.image().format())
                .setWidth(checked.image().width())
                .setHeight(checked.image().height())
                .setChannels(checked.image().channels())
                .setBitDepth(checked.image().bitDepth())
                .setImage(ByteBuffer.wrap(checked.bytes()))
                .setProducedAt(clock.instant())
                .build();
        try {
            sends.add(producer.send(new ProducerRecord<>(topic, id, event)));
        } catch (RuntimeException e) {
            sends.add(java.util.concurrent.CompletableFuture.failedFuture(e));
        }
        return PublishOutcome.published(file, id);
    }

    private List<PublishOutcome> confirm(List<PublishOutcome> outcomes, List<Future<RecordMetadata>> sends) {
        List<PublishOutcome> out = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            PublishOutcome o = outcomes.get(i);
            Future<RecordMetadata> f = sends.get(i);
            if (f == null) {
                out.add(o);
                continue;
            }
            try {
                f.get(2, TimeUnit.MINUTES);
                LOG.info("published {} ({}) as {}", o.file().getFileName(), topic, o.key());
                out.add(o);
            } catch (ExecutionException e) {
                String problem = "not acknowledged by Kafka: " + e.getCause().getMessage();
                LOG.error("{}: {}", o.file(), problem);
                out.add(PublishOutcome.refused(o.file(), problem));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add(PublishOutcome.refused(o.file(), "interrupted before Kafka acknowledged it"));
            } catch (java.util.concurrent.TimeoutException e) {
                out.add(PublishOutcome.refused(o.file(), "not acknowledged by Kafka within 2 minutes"));
            }
        }
        return out;
    }

    /**
     * Watches a drop folder: publishes the images already there, then each new or changed image file once it has
     * stopped changing for {@code settle}. Identical content is published once per run (files copied in twice, or
     * touched, are not re-sent). Returns when {@code keepRunning} turns false.
     *
     * @param report receives every outcome as it happens
     */
    public void watch(Path dir, String coverId, Duration settle, BooleanSupplier keepRunning,
                      Consumer<PublishOutcome> report) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a directory");
        }
        Set<String> published = new HashSet<>();
        Map<Path, Long> pending = new HashMap<>();
        Map<Path, String> refusedVersion = new HashMap<>();
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            for (Path existing : ImageFiles.expand(List.of(dir))) {
                pending.put(existing, 0L);
            }
            LOG.info("watching {} for X-rays", dir);
            long pollMs = Math.max(10, settle.toMillis() / 2);
            while (keepRunning.getAsBoolean()) {
                WatchKey key;
                try {
                    key = watcher.poll(pollMs, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long now = System.nanoTime();
                if (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path name) {
                            Path file = dir.resolve(name);
                            if (Images.isImageFile(file)) {
                                pending.put(file, now);
                            }
                        }
                    }
                    key.reset();
                }
                List<Path> ready = new ArrayList<>();
                pending.forEach((file, seen) -> {
                    if (now - seen >= settle.toNanos()) {
                        ready.add(file);
                    }
                });
                for (Path file : ready) {
                    pending.remove(file);
                    if (!Files.isRegularFile(file)) {
                        continue;
                    }
                    String version = Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
                    if (version.equals(refusedVersion.get(file))) {
                        continue;
                    }
                    String id = MessageIds.fromContent(Files.readAllBytes(file));
                    if (published.contains(id)) {
                        LOG.info("{} has the content of an X-ray already published as {}; not sent again", file, id);
                        continue;
                    }
                    List<Future<RecordMetadata>> sends = new ArrayList<>();
                    PublishOutcome sent = send(file, coverId, sends);
                    producer.flush();
                    PublishOutcome outcome = confirm(List.of(sent), sends).get(0);
                    if (outcome.ok()) {
                        published.add(outcome.key());
                        refusedVersion.remove(file);
                    } else {
                        refusedVersion.put(file, version);
                    }
                    report.accept(outcome);
                }
            }
        }
    }
}
