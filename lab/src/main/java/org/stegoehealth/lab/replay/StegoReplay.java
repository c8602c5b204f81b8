package org.stegoehealth.lab.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.lab.eval.Quality;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.ExtractionTopology;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.InputRecord;
import org.stegoehealth.processors.MessageIds;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.RecordNotReadyException;
import org.stegoehealth.processors.RecordRejectedException;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.admin.TopicRange;
import org.stegoehealth.schemas.RecoveredImageEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;

/**
 * The stego mode of {@code stego replay}: a range of the stego topic through the extractor's own admission and
 * extraction ({@link ExtractionTopology.Offline}: signatures, validation, the version each image names or a forced
 * one), offline, and each recovered X-ray compared with its original where the original file is at hand.
 */
final class StegoReplay {

    private static final Quality NONE = new Quality(Double.NaN, Double.NaN, Double.NaN);

    /** What a replay measured: one row per model source, and what could not be compared. */
    record Run(int records, List<ReplayCommand.Measured> measured, Map<String, Map<String, Integer>> refused) {}

    private final StegoConfig config;
    private final Topics topics;
    private final Progress progress;

    StegoReplay(StegoConfig config, Topics topics, Progress progress) {
        this.config = config;
        this.topics = topics;
        this.progress = progress;
    }

    /**
     * @param sources   model sources by row label
     * @param originals folder of the X-ray files that were sent, or null
     */
    Run run(TopicRange range, Map<String, ModelSource> sources, Path originals) throws IOException {
        Map<String, Path> byId = originals == null ? Map.of() : originals(originals);
        List<InputRecord> records = new ArrayList<>();
        range.read(
                StreamsConfigs.readCommittedConsumer(config, "replay"),
                topics.stego.name(),
                r -> r.value() != null,
                r -> {
                    records.add(new InputRecord(
                            r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), 0L, null));
                    progress.update(
                            "reading stego images", records.size(), Math.max(range.limit(), records.size()), "");
                });
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no stego images in the given range of " + topics.stego.name());
        }
        progress.message(records.size() + " stego record(s) read from " + topics.stego.name());
        TransferSecurity security = TransferSecurity.from(config, TransferSecurity.Site.EITHER);
        List<ReplayCommand.Measured> measured = new ArrayList<>();
        Map<String, Map<String, Integer>> refused = new LinkedHashMap<>();
        for (Map.Entry<String, ModelSource> source : sources.entrySet()) {
            ExtractionTopology.Offline extractor =
                    new ExtractionTopology.Offline(topics, source.getValue(), config.maxImageSide(), security);
            Map<String, Integer> notCompared = new TreeMap<>();
            List<Evaluation.Pair> pairs = new ArrayList<>();
            Quality.Mean mean = new Quality.Mean();
            int done = 0;
            for (InputRecord record : records) {
                done++;
                RecoveredImageEvent recovered;
                try {
                    recovered = extractor.extract(record);
                } catch (RecordRejectedException e) {
                    count(notCompared, e.type().name(), record, e.getMessage());
                    continue;
                } catch (RecordNotReadyException e) {
                    count(notCompared, e.type().name(), record, e.getMessage());
                    continue;
                }
                Path original = byId.get(recovered.getMessageId());
                if (original == null) {
                    notCompared.merge("no original", 1, Integer::sum);
                    continue;
                }
                FloatImage back =
                        FloatImage.of(Images.decode(InputImages.bytes(recovered.getImage()), recovered.getMessageId()));
                FloatImage secret = FloatImage.of(Images.read(original))
                        .toGray()
                        .quantize8()
                        .withChannels(back.channels());
                if (secret.width() != back.width() || secret.height() != back.height()) {
                    count(notCompared, "size differs from original", record, null);
                    continue;
                }
                StegoImageEvent event =
                        topics.stego.valueSerde().deserializer().deserialize(record.topic(), record.value());
                FloatImage stegoImage =
                        FloatImage.of(Images.decode(InputImages.bytes(event.getImage()), event.getMessageId()));
                Quality q = Quality.of(secret, back);
                mean.add(q);
                pairs.add(new Evaluation.Pair(
                        event.getModelVersion(),
                        original.getFileName().toString(),
                        null,
                        stegoImage,
                        secret,
                        back,
                        NONE,
                        q,
                        null,
                        null));
                progress.update(
                        "extracting with " + source.getKey(),
                        done,
                        records.size(),
                        String.format(
                                Locale.ROOT, "secret %.2f dB so far", mean.get().psnr()));
            }
            refused.put(source.getKey(), notCompared);
            measured.add(new ReplayCommand.Measured(
                    source.getKey(),
                    new Evaluation.Result(
                            pairs.size(),
                            0,
                            source.getKey(),
                            new Evaluation.MethodResult("network", Double.NaN, NONE, mean.get(), Map.of()),
                            Map.of(),
                            List.of(),
                            pairs,
                            null,
                            null,
                            null,
                            null)));
        }
        return new Run(records.size(), measured, refused);
    }

    private void count(Map<String, Integer> counts, String reason, InputRecord record, String message) {
        if (counts.merge(reason, 1, Integer::sum) == 1 && message != null) {
            progress.message(record.coordinates() + ": " + reason + ": " + message);
        }
    }

    /** Original X-ray files by message id (the id the X-ray producer derives from the file's bytes). */
    static Map<String, Path> originals(Path dir) throws IOException {
        Map<String, Path> byId = new HashMap<>();
        for (Path file : Evaluation.imageFiles(dir, n -> true)) {
            byId.put(MessageIds.fromContent(Files.readAllBytes(file)), file);
        }
        return byId;
    }

    /** The table's first lines: what was read and, per row, what could not be compared and why. */
    static String header(Run run) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%d replayed stego image(s) through the extractor, recovered X-rays compared with their originals"
                        + " at full size%n",
                run.records()));
        run.refused().forEach((label, counts) -> {
            if (!counts.isEmpty()) {
                StringBuilder why = new StringBuilder();
                counts.forEach((reason, n) -> why.append(why.length() == 0 ? "" : ", ")
                        .append(n)
                        .append(' ')
                        .append(reason));
                sb.append(String.format(Locale.ROOT, "not compared with %s: %s%n", label, why));
            }
        });
        return sb.toString();
    }
}
