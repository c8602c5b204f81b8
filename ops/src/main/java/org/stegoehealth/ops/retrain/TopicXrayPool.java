package org.stegoehealth.ops.retrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.MessageIds;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.admin.TopicRange;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;

/**
 * The X-rays of the X-ray topic (hospital side) as a folder of training-only images, one file per message id, so a
 * round can train on the traffic as well as on the shared data. Each sync reads the topic (no consumer group, nothing
 * committed, nothing written to any topic) and writes only the X-rays not yet in the folder.
 */
final class TopicXrayPool {

    private TopicXrayPool() {}

    /** Writes every X-ray of the topic not yet in {@code dir}; returns how many were new. */
    static int sync(StegoConfig config, Topics topics, Path dir, Progress progress) throws IOException {
        Files.createDirectories(dir);
        int[] added = {0};
        int[] skipped = {0};
        new TopicRange(null, null, null, null, 0)
                .read(
                        StreamsConfigs.readCommittedConsumer(config, "stego-trainer-pool"),
                        topics.xrays.name(),
                        r -> r.value() != null,
                        r -> {
                            try {
                                XrayImageEvent x =
                                        topics.xrays.valueSerde().deserializer().deserialize(r.topic(), r.value());
                                if (save(x, dir)) {
                                    added[0]++;
                                }
                            } catch (RuntimeException e) {
                                skipped[0]++;
                            } catch (IOException e) {
                                throw new IllegalStateException("cannot write " + dir + ": " + e.getMessage(), e);
                            }
                        });
        progress.message("training pool: " + added[0] + " new X-ray(s) from " + topics.xrays.name() + " in " + dir
                + (skipped[0] > 0 ? "; " + skipped[0] + " record(s) that are not X-ray events skipped" : ""));
        return added[0];
    }

    /**
     * Writes one X-ray as {@code <message id>.png|.jpg} (atomically) unless it is already there.
     *
     * @return whether the file is new
     * @throws IllegalArgumentException when the message id is not safe as a file name
     */
    static boolean save(XrayImageEvent x, Path dir) throws IOException {
        if (!MessageIds.isSafe(x.getMessageId())) {
            throw new IllegalArgumentException("message id is not safe as a file name");
        }
        Path file = dir.resolve(x.getMessageId() + (x.getFormat() == ImageFormat.PNG ? ".png" : ".jpg"));
        if (Files.exists(file)) {
            return false;
        }
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.write(tmp, InputImages.bytes(x.getImage()));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }
}
