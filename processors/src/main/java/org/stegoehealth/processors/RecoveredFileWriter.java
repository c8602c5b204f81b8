package org.stegoehealth.processors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.schemas.RecoveredImageEvent;

/**
 * Writes each recovered X-ray to {@code <dir>/<messageId>.png} (with the opened study reference in front, see
 * {@link #fileName}) for the clinic's viewer. Writes go to a temporary
 * file that is then renamed, so a viewer never sees half a file, and a replayed record rewrites the same bytes.
 * The recovered topic stays the record of truth: a failed write is logged, not retried.
 */
final class RecoveredFileWriter implements Processor<String, RecoveredImageEvent, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveredFileWriter.class);

    private final Path dir;

    RecoveredFileWriter(Path dir) {
        this.dir = dir;
    }

    /**
     * {@code <messageId>.png}, or {@code <studyRef>_<messageId>.png} when the study reference was opened, with the
     * reference reduced to letters, digits, '.', '-' and '_' so it is always a plain file name.
     */
    static String fileName(String messageId, String studyRef) {
        if (studyRef == null || studyRef.isBlank()) {
            return messageId + ".png";
        }
        String safe = studyRef.strip().replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[.]+", "_");
        return (safe.length() > 100 ? safe.substring(0, 100) : safe) + "_" + messageId + ".png";
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the recovered-image directory " + dir + " (" + e + ")", e);
        }
    }

    @Override
    public void process(Record<String, RecoveredImageEvent> record) {
        RecoveredImageEvent event = record.value();
        // message ids were checked to be plain file names before extraction
        String id = MessageIds.requireSafe(event.getMessageId());
        Path target = dir.resolve(fileName(id, event.getStudyRef()));
        try {
            Path tmp = Files.createTempFile(dir, ".incoming-", ".png");
            try {
                Files.write(tmp, InputImages.bytes(event.getImage()));
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            LOG.info("wrote recovered X-ray {}", target);
        } catch (IOException e) {
            LOG.error("could not write recovered X-ray {}: {}", target, e.toString());
        }
    }
}
