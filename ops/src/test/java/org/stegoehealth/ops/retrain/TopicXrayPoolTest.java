package org.stegoehealth.ops.retrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.Images;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.MessageIds;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.schemas.XrayImageEvent;
import org.stegoehealth.trainer.TrainingData;

class TopicXrayPoolTest {

    private static final Path SAMPLES = Path.of("..", "samples");

    private static XrayImageEvent event(String id, byte[] png) {
        return XrayImageEvent.newBuilder()
                .setMessageId(id)
                .setSourceName("x.png")
                .setFormat(InputImages.sniff(png))
                .setWidth(1)
                .setHeight(1)
                .setChannels(1)
                .setBitDepth(8)
                .setImage(ByteBuffer.wrap(png))
                .setProducedAt(Instant.now())
                .build();
    }

    /** 30 small crops of the sample images, so both the training and the held-out split get some. */
    private static Path crops(Path from, Path dir, int type) throws Exception {
        Files.createDirectories(dir);
        List<Path> files = Images.listImages(from);
        for (int i = 0; i < 30; i++) {
            BufferedImage full = Images.read(files.get(i % files.size()));
            int side = Math.min(48, Math.min(full.getWidth(), full.getHeight()));
            int x = (i / files.size() % 8) * (full.getWidth() - side) / 8;
            BufferedImage crop = new BufferedImage(side, side, type);
            crop.getGraphics().drawImage(full.getSubimage(x, 0, side, side), 0, 0, null);
            ImageIO.write(crop, "png", dir.resolve("img-" + i + ".png").toFile());
        }
        return dir;
    }

    @Test
    void topicXrays_writtenOncePerMessageId_andTrainOnlyWithoutChangingTheHeldOutSet(@TempDir Path tmp)
            throws Exception {
        Path pool = Files.createDirectories(tmp.resolve("pool"));
        List<Path> xrays = Images.listImages(SAMPLES.resolve("xray"));
        for (Path x : xrays) {
            byte[] bytes = Files.readAllBytes(x);
            String id = MessageIds.fromContent(bytes);
            assertTrue(TopicXrayPool.save(event(id, bytes), pool), "new X-ray written");
            assertFalse(TopicXrayPool.save(event(id, bytes), pool), "the same message id is not written twice");
            assertArrayEquals(
                    bytes,
                    Files.readAllBytes(
                            pool.resolve(id + (InputImages.sniff(bytes) == ImageFormat.PNG ? ".png" : ".jpg"))));
        }
        XrayImageEvent unsafe = event("../escape", Files.readAllBytes(xrays.get(0)));
        assertThrows(IllegalArgumentException.class, () -> TopicXrayPool.save(unsafe, pool));
        assertEquals(xrays.size(), Images.listImages(pool).size());

        // the topic's X-rays join the training split only: the held-out set is the shared data's, unchanged
        Path xrayDir = crops(SAMPLES.resolve("xray"), tmp.resolve("xray"), BufferedImage.TYPE_BYTE_GRAY);
        Path coverDir = crops(SAMPLES.resolve("covers"), tmp.resolve("covers"), BufferedImage.TYPE_INT_RGB);
        TrainingData shared = TrainingData.load(xrayDir, coverDir, 32, 0, (w, d, t) -> {});
        TrainingData withTopic = TrainingData.load(xrayDir, coverDir, pool, 32, 0, (w, d, t) -> {});
        Map<String, Object> a = shared.summary();
        Map<String, Object> b = withTopic.summary();
        assertEquals(a.get("heldOutXrays"), b.get("heldOutXrays"));
        assertEquals(xrays.size(), b.get("extraTrainXrays"));
        assertEquals((int) a.get("trainXrays") + xrays.size(), b.get("trainXrays"));
    }
}
