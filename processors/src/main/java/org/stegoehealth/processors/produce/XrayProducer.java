package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.HidingMethod;
import org.stegoehealth.processors.MessageIds;
import org.stegoehealth.processors.StegoConfig;
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

    /** Sub-folder of a watched folder that sent X-rays move to. */
    public static final String DONE = "done";
    /** Sub-folder of a watched folder that refused files move to, each with a {@code .reason} file. */
    public static final String FAILED = "failed";
    /** Runs of more files than this show a progress bar. */
    static final int PROGRESS_FROM = 20;

    private final SendBatch.Target<XrayImageEvent> target;
    private final Clock clock;
    private final HidingMethod hidingMethod;
    private final boolean studyRefFromName;

    public XrayProducer(Producer<String, XrayImageEvent> producer, String topic, int maxSide, Clock clock) {
        this(producer, topic, maxSide, clock, null, false);
    }

    /**
     * @param hidingMethod     the method to ask the embedder for, or null for the embedder's default
     * @param studyRefFromName take each file's name without extension as its study reference (it leaves the
     *                         hospital only sealed to the clinic)
     */
    public XrayProducer(
            Producer<String, XrayImageEvent> producer,
            String topic,
            int maxSide,
            Clock clock,
            HidingMethod hidingMethod,
            boolean studyRefFromName) {
        this(() -> producer, topic, maxSide, clock, hidingMethod, studyRefFromName);
    }

    /**
     * As {@link #XrayProducer(Producer, String, int, Clock, HidingMethod, boolean)}, asking {@code producer} for the
     * Kafka producer only when the first usable file is sent: a run whose files are all refused never connects.
     */
    public XrayProducer(
            Supplier<? extends Producer<String, XrayImageEvent>> producer,
            String topic,
            int maxSide,
            Clock clock,
            HidingMethod hidingMethod,
            boolean studyRefFromName) {
        this.target = new SendBatch.Target<>(producer, topic, maxSide);
        this.clock = clock;
        this.hidingMethod = hidingMethod;
        this.studyRefFromName = studyRefFromName;
    }

    /** The file name without its extension. */
    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** An idempotent ({@code enable.idempotence=true, acks=all}) Kafka producer for the X-ray topic. */
    public static Producer<String, XrayImageEvent> kafkaProducer(
            StegoConfig config, TopicSpec<String, XrayImageEvent> spec) {
        return SendBatch.kafkaProducer(config, spec, "stego-xray-producer");
    }

    /**
     * Publishes the files named, and the PNG/JPEG files of the directories named, and waits for the broker's
     * acknowledgements.
     *
     * @param coverId the cover to hide them in, or null to let the embedder choose
     */
    public List<PublishOutcome> publishAll(List<Path> paths, String coverId) throws IOException {
        return publishAll(paths, coverId, null);
    }

    /**
     * As {@link #publishAll(List, String)}, reporting each file read to {@code progress} (null: none) with the
     * number refused so far, when there are more than {@value #PROGRESS_FROM} files.
     */
    public List<PublishOutcome> publishAll(List<Path> paths, String coverId, Progress progress) throws IOException {
        SendBatch<XrayImageEvent> batch = target.batch();
        List<Path> files = ImageFiles.expand(paths);
        int refused = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Optional<ImageFiles.Checked> checked = batch.check(file);
            if (checked.isPresent()) {
                send(batch, file, checked.get(), coverId);
            } else {
                refused++;
            }
            if (progress != null && files.size() > PROGRESS_FROM) {
                progress.update("reading X-rays", i + 1, files.size(), refused == 0 ? "" : refused + " refused");
            }
        }
        return batch.confirm();
    }

    /**
     * Moves a handled file into {@code sub}/ of its folder under a name not taken yet there, with a
     * {@code .reason} file holding {@code reason} when one is given. A file that cannot be moved stays and is
     * logged: it is sent again at the next start, which the content-derived key makes harmless.
     */
    static void moveAside(Path file, String sub, String reason) {
        try {
            Path target = Files.createDirectories(file.resolveSibling(sub)).resolve(file.getFileName());
            String name = file.getFileName().toString();
            for (int n = 1; Files.exists(target) || Files.exists(reasonFile(target)); n++) {
                int dot = name.lastIndexOf('.');
                target = target.resolveSibling(
                        dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n);
            }
            if (reason != null) {
                Files.writeString(reasonFile(target), reason + System.lineSeparator());
            }
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error(
                    "{} could not be moved to {}/ ({}); it will be sent again at the next start",
                    file,
                    sub,
                    e.toString());
        }
    }

    private static Path reasonFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".reason");
    }

    /** Sends a checked X-ray file, keyed by the message id of its content. */
    private void send(SendBatch<XrayImageEvent> batch, Path file, ImageFiles.Checked checked, String coverId) {
        String id = MessageIds.fromContent(checked.bytes());
        batch.send(
                file,
                id,
                XrayImageEvent.newBuilder()
                        .setMessageId(id)
                        .setStudyRef(studyRefFromName ? stem(file) : null)
                        .setHidingMethod(hidingMethod == null ? null : hidingMethod.label())
                        .setSourceName(file.getFileName().toString())
                        .setCoverId(coverId)
                        .setFormat(checked.image().format())
                        .setWidth(checked.image().width())
                        .setHeight(checked.image().height())
                        .setChannels(checked.image().channels())
                        .setBitDepth(checked.image().bitDepth())
                        .setImage(ByteBuffer.wrap(checked.bytes()))
                        .setProducedAt(clock.instant())
                        .build());
    }

    /**
     * Watches a drop folder: publishes the images already there, then each new or changed image file once it has
     * stopped changing for {@code settle}. Identical content is published once per run (files copied in twice, or
     * touched, are not re-sent). A file Kafka acknowledged moves to {@value #DONE}/ (so a restart does not send the
     * folder again); a file that is no usable X-ray moves to {@value #FAILED}/ next to a {@code .reason} file with
     * the problem; a file whose send failed (broker or registry unavailable) stays and is sent again when it changes
     * or at the next start. Returns when {@code keepRunning} turns false.
     *
     * @param report receives every outcome as it happens
     */
    public void watch(
            Path dir, String coverId, Duration settle, BooleanSupplier keepRunning, Consumer<PublishOutcome> report)
            throws IOException {
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
                    String version = Files.size(file) + "@"
                            + Files.getLastModifiedTime(file).toMillis();
                    if (version.equals(refusedVersion.get(file))) {
                        continue;
                    }
                    // read once: the bytes checked are the bytes keyed and sent
                    SendBatch<XrayImageEvent> batch = target.batch();
                    Optional<ImageFiles.Checked> checked = batch.check(file);
                    if (checked.isPresent()) {
                        String id = MessageIds.fromContent(checked.get().bytes());
                        if (published.contains(id)) {
                            LOG.info(
                                    "{} has the content of an X-ray already published as {}; not sent again", file, id);
                            moveAside(file, DONE, null);
                            continue;
                        }
                        send(batch, file, checked.get(), coverId);
                    }
                    PublishOutcome outcome = batch.confirm().get(0);
                    if (outcome.ok()) {
                        published.add(outcome.key());
                        refusedVersion.remove(file);
                        moveAside(file, DONE, null);
                    } else if (checked.isEmpty()) {
                        moveAside(file, FAILED, outcome.problem());
                    } else {
                        refusedVersion.put(file, version);
                    }
                    report.accept(outcome);
                }
            }
        }
    }
}
