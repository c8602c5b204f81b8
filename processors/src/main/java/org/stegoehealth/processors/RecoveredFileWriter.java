package org.stegoehealth.processors;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import javax.imageio.ImageIO;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.dicom.SecondaryCaptureWriter;
import org.stegoehealth.dicom.Uids;
import org.stegoehealth.schemas.RecoveredImageEvent;

/**
 * Writes each recovered X-ray to {@code <dir>/<messageId>.png}, {@code .dcm} or both ({@link OutputFormat}), with
 * the opened study reference in front (see {@link #fileName}), for the clinic's viewer or PACS. Writes go to a
 * temporary file that is then renamed, so a viewer never sees half a file, and a replayed record rewrites the same
 * bytes (the DICOM file's UIDs and dates derive from the message id and the recovery time). The recovered topic stays
 * the record of truth: a failed write is logged, not retried.
 *
 * <p>The DICOM file is a Secondary Capture object ({@link SecondaryCaptureWriter}): new UIDs, the study reference as
 * its Accession Number (when it is a valid one: at most 16 printable characters), Image Type DERIVED\SECONDARY, a
 * Derivation Description naming the hiding method and model version, and Lossy Image Compression "01" (ratio 1,
 * method {@value #NEURAL_METHOD}) for the neural method, whose reconstruction is lossy, or "00" for the sealed
 * method, which gives back the hospital's pixels bit for bit.
 */
final class RecoveredFileWriter implements Processor<String, RecoveredImageEvent, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveredFileWriter.class);

    /** Lossy Image Compression Method (0028,2114) of a neural reconstruction. */
    static final String NEURAL_METHOD = "STEGO_NEURAL";

    private final Path dir;
    private final OutputFormat format;

    RecoveredFileWriter(Path dir) {
        this(dir, OutputFormat.PNG);
    }

    RecoveredFileWriter(Path dir, OutputFormat format) {
        this.dir = dir;
        this.format = format;
    }

    /**
     * {@code <messageId>.png}, or {@code <studyRef>_<messageId>.png} when the study reference was opened, with the
     * reference reduced to letters, digits, '.', '-' and '_' so it is always a plain file name.
     */
    static String fileName(String messageId, String studyRef) {
        return fileName(messageId, studyRef, ".png");
    }

    /** As {@link #fileName(String, String)}, ending in {@code extension}. */
    static String fileName(String messageId, String studyRef, String extension) {
        if (studyRef == null || studyRef.isBlank()) {
            return messageId + extension;
        }
        String safe = studyRef.strip().replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[.]+", "_");
        return (safe.length() > 100 ? safe.substring(0, 100) : safe) + "_" + messageId + extension;
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
        byte[] png = InputImages.bytes(event.getImage());
        if (format.png()) {
            write(dir.resolve(fileName(id, event.getStudyRef(), ".png")), png);
        }
        if (format.dicom()) {
            Path target = dir.resolve(fileName(id, event.getStudyRef(), ".dcm"));
            byte[] dicom;
            try {
                dicom = dicom(event, png);
            } catch (IOException | RuntimeException e) {
                LOG.error("could not make the DICOM file {}: {}", target, e.toString());
                return;
            }
            write(target, dicom);
        }
    }

    /** The Secondary Capture file of a recovered X-ray. */
    static byte[] dicom(RecoveredImageEvent event, byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        if (image == null) {
            throw new IOException("the recovered image is no PNG");
        }
        boolean neural = HidingMethod.parse(event.getHidingMethod()) == HidingMethod.NEURAL;
        String ref = event.getStudyRef() == null ? null : event.getStudyRef().strip();
        String id = event.getMessageId();
        return SecondaryCaptureWriter.write(
                image,
                new SecondaryCaptureWriter.Description(
                        SecondaryCaptureWriter.isAccessionNumber(ref) ? ref : null,
                        derivation(event, neural),
                        neural ? new SecondaryCaptureWriter.Lossy(1, NEURAL_METHOD) : null,
                        Uids.fromName(id + "/study"),
                        Uids.fromName(id + "/series"),
                        Uids.fromName(id + "/instance"),
                        event.getRecoveredAt().atZone(ZoneOffset.UTC)));
    }

    /** Derivation Description (0008,2111): how the image was made, naming the model version. */
    static String derivation(RecoveredImageEvent event, boolean neural) {
        return neural
                ? "Stego-eHealth: recovered from a stego image by the neural method, model version "
                        + event.getModelVersion() + "; a lossy 8-bit reconstruction, not the original pixels"
                : "Stego-eHealth: recovered from a stego image by the sealed method (" + event.getModelVersion()
                        + "); bit-identical to the pixels sent by the hospital";
    }

    private void write(Path target, byte[] bytes) {
        try {
            Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
            try {
                Files.write(tmp, bytes);
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
