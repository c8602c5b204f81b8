package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.HidingMethod;
import org.stegoehealth.processors.MessageIds;
import org.stegoehealth.processors.RecordRejectedException;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.XrayImageEvent;

/**
 * Publishes chest X-rays (PNG or JPEG; 8- or 16-bit gray, or RGB; or uncompressed DICOM) to the X-ray topic. Every
 * file is decoded and checked first; a bad one is reported and skipped. A DICOM file's pixels travel as a lossless
 * gray PNG, and of its header only the accession number, as the study reference when none is given (it leaves the
 * hospital only encrypted to the clinic). The key and message id are derived from the content that travels
 * ({@link MessageIds#fromContent}), so publishing the same file again gives the same key, and the clinic, which
 * recovers each message id once, drops the repeat. A deliberate re-send ({@link #resending}) gives each X-ray a new
 * id instead. Use an idempotent producer ({@link #kafkaProducer}).
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
    private final boolean resend;
    private final String modelVersion;

    public XrayProducer(Producer<String, XrayImageEvent> producer, String topic, int maxSide, Clock clock) {
        this(producer, topic, maxSide, clock, null, false);
    }

    /**
     * @param hidingMethod     the method to ask the embedder for, or null for the embedder's default
     * @param studyRefFromName take each file's name without extension as its study reference (it leaves the
     *                         hospital only sealed to the clinic); otherwise a DICOM file's accession number is
     *                         its study reference
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
        this(
                new SendBatch.Target<>(producer, topic, maxSide, true),
                clock,
                hidingMethod,
                studyRefFromName,
                false,
                null);
    }

    private XrayProducer(
            SendBatch.Target<XrayImageEvent> target,
            Clock clock,
            HidingMethod hidingMethod,
            boolean studyRefFromName,
            boolean resend,
            String modelVersion) {
        this.target = target;
        this.clock = clock;
        this.hidingMethod = hidingMethod;
        this.studyRefFromName = studyRefFromName;
        this.resend = resend;
        this.modelVersion = modelVersion;
    }

    /**
     * This producer for a deliberate re-send: each X-ray gets a new message id ({@link MessageIds#resend}: its content
     * id and a fresh suffix), so the clinic recovers it again although it recovered the same content before.
     */
    public XrayProducer resending() {
        return new XrayProducer(target, clock, hidingMethod, studyRefFromName, true, modelVersion);
    }

    /**
     * This producer asking the embedder to hide each X-ray with model {@code version} (a version published on the
     * model topic) instead of its own; null leaves the choice to the embedder.
     */
    public XrayProducer withModelVersion(String version) {
        return new XrayProducer(target, clock, hidingMethod, studyRefFromName, resend, version);
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
     * Publishes the files named, and the PNG/JPEG/DICOM files of the directories named, and waits for the broker's
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
        List<Path> files = ImageFiles.expand(paths, true);
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
     * logged: it is sent again at the next start, under the same content-derived key, and the clinic, which recovers
     * each message id once, drops the repeat.
     *
     * @return whether the file was moved
     */
    static boolean moveAside(Path file, String sub, String reason) {
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
            return true;
        } catch (IOException e) {
            LOG.error(
                    "{} could not be moved to {}/ ({}); it will be sent again at the next start",
                    file,
                    sub,
                    e.toString());
            return false;
        }
    }

    private static Path reasonFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".reason");
    }

    /** Sends a checked X-ray file, keyed by the message id of its content (a fresh one when re-sending). */
    private void send(SendBatch<XrayImageEvent> batch, Path file, ImageFiles.Checked checked, String coverId) {
        String contentId = MessageIds.fromContent(checked.bytes());
        String id = resend ? MessageIds.resend(contentId) : contentId;
        batch.send(
                file,
                id,
                XrayImageEvent.newBuilder()
                        .setMessageId(id)
                        .setStudyRef(studyRefFromName ? stem(file) : checked.accessionNumber())
                        .setHidingMethod(hidingMethod == null ? null : hidingMethod.label())
                        .setModelVersion(modelVersion)
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
     * Watches a drop folder: publishes each X-ray in it once the file is complete. A file counts as complete when its
     * size and modification time have stayed the same for {@code settle} and it decodes; a PNG or JPEG that does not
     * decode yet (a copy paused mid-file, a writer that reopens and appends) is read again each time it changes, and
     * only one that stays truncated or corrupt, unchanged, for {@code completeWithin} is refused. Hidden and temporary
     * names ({@link DropFolder#isTemporary}: {@code .name}, {@code *.part}, {@code *.tmp}, {@code *.crdownload}, ...)
     * are left alone until they are renamed into place. The folder is listed at every pass (a few times per settle
     * window), so files written over a network share are seen too.
     *
     * <p>Identical content is published once per run (files copied in twice, or touched, are not re-sent). A file
     * Kafka acknowledged moves to {@value #DONE}/ (so a restart does not send the folder again); a file that is no
     * usable X-ray (another format such as GIF or BMP, a whole image that breaks a rule, one incomplete past the
     * deadline, a DICOM file with compressed pixels, whose reason names the command that converts it) moves to
     * {@value #FAILED}/ next to a {@code .reason} file with the problem; a file whose send failed
     * (broker or registry unavailable) stays and is sent again when it changes or at the next start. Returns when
     * {@code keepRunning} turns false.
     *
     * @param report receives every outcome as it happens
     */
    public void watch(
            Path dir,
            String coverId,
            Duration settle,
            Duration completeWithin,
            BooleanSupplier keepRunning,
            Consumer<PublishOutcome> report)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a directory");
        }
        Watch watch = new Watch(dir, coverId, new DropFolder.Timing(settle, completeWithin), System::nanoTime, report);
        LOG.info(
                "watching {} for X-rays (a file is read once unchanged for {} ms; an incomplete one is refused after"
                        + " {} without a change)",
                dir,
                settle.toMillis(),
                DropFolder.describe(completeWithin));
        long passMs = Math.max(10, Math.min(250, settle.toMillis() / 4));
        while (keepRunning.getAsBoolean()) {
            watch.pass();
            try {
                Thread.sleep(passMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One watched drop folder and what has been published from it in this run; {@link #pass} looks at it once. */
    final class Watch {
        private final Path dir;
        private final String coverId;
        private final DropFolder folder;
        private final DropFolder.Timing timing;
        private final Consumer<PublishOutcome> report;
        private final Set<String> published = new HashSet<>();

        Watch(
                Path dir,
                String coverId,
                DropFolder.Timing timing,
                LongSupplier ticker,
                Consumer<PublishOutcome> report) {
            this.dir = dir;
            this.coverId = coverId;
            this.folder = new DropFolder(dir, timing, ticker);
            this.report = report;
            this.timing = timing;
        }

        /** Reads every file that is due, then refuses those incomplete past the deadline. */
        void pass() throws IOException {
            for (Path file : folder.due()) {
                handle(file);
            }
            folder.overdue().forEach((file, problem) -> {
                String reason = problem + "; still so after " + DropFolder.describe(timing.completeWithin())
                        + " without a change";
                setAside(file, FAILED, reason);
                report.accept(PublishOutcome.refused(file, reason));
            });
        }

        /** Moves a handled file aside; one that cannot be moved stays and is not read again until it changes. */
        private void setAside(Path file, String sub, String reason) {
            if (moveAside(file, sub, reason)) {
                folder.forget(file);
            } else {
                folder.tried(file);
            }
        }

        private void handle(Path file) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                folder.forget(file);
                return;
            } catch (IOException e) {
                // locked or unreadable for now (a writer on another system): try again when it changes
                folder.incomplete(file, "cannot read (" + e.getMessage() + ")");
                return;
            }
            if (!folder.hasSize(file, bytes.length)) {
                return; // changed while being read: the next pass sees the new version
            }
            ImageFiles.Checked checked;
            try {
                checked = ImageFiles.decode(file, bytes, target.maxSide(), true);
            } catch (RecordRejectedException e) {
                String problem = SendBatch.problem(file, e);
                if (ImageFiles.mayBeIncomplete(bytes, e)) {
                    LOG.info(
                            "{} is not complete yet ({}, {} bytes); read again when it changes",
                            file.getFileName(),
                            problem,
                            bytes.length);
                    folder.incomplete(file, problem);
                    return;
                }
                setAside(file, FAILED, problem);
                report.accept(PublishOutcome.refused(file, problem));
                return;
            }
            String id = MessageIds.fromContent(checked.bytes());
            if (published.contains(id)) {
                LOG.info("{} has the content of an X-ray already published as {}; not sent again", file, id);
                setAside(file, DONE, null);
                return;
            }
            SendBatch<XrayImageEvent> batch = target.batch();
            send(batch, file, checked, coverId);
            PublishOutcome outcome = batch.confirm().get(0);
            if (outcome.ok()) {
                published.add(outcome.key());
                setAside(file, DONE, null);
            } else {
                // not acknowledged (broker or registry unavailable): stays, sent again when it changes or at restart
                folder.tried(file);
            }
            report.accept(outcome);
        }

        @Override
        public String toString() {
            return "drop folder " + dir;
        }
    }
}
