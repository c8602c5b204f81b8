package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.cli.CoverFitnessReport;
import org.stegoehealth.processors.produce.PublishOutcome;

class CovertCoversTest {

    @Test
    void aPhotoLargerThanTheSide_isScaledToIt_keepingItsAspect() {
        BufferedImage photo = new BufferedImage(1024, 640, BufferedImage.TYPE_INT_RGB);
        BufferedImage cover = CovertCovers.prepared(photo, "beach", 512);
        assertEquals(512, cover.getHeight());
        assertEquals(819, cover.getWidth());
        assertTrue(CovertCovers.fit(1024, 640, 512));
    }

    @Test
    void aPhotoNotLargerThanTheSide_isUnfit_withACapacityReasonThatNamesIt() {
        BufferedImage photo = new BufferedImage(900, 512, BufferedImage.TYPE_INT_RGB);
        RecordRejectedException e =
                assertThrows(RecordRejectedException.class, () -> CovertCovers.prepared(photo, "small", 512));
        assertEquals(ErrorType.CAPACITY, e.type());
        assertTrue(e.getMessage().contains("'small' (900x512)"), e.getMessage());
        assertTrue(e.getMessage().contains("covert.cover.side"), e.getMessage());
        assertFalse(CovertCovers.fit(900, 512, 512));
    }

    @Test
    void sideZero_usesEveryPhotoAsItIs() {
        BufferedImage photo = new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB);
        assertSame(photo, CovertCovers.prepared(photo, "any", 0));
        assertTrue(CovertCovers.fit(100, 80, 0));
    }

    @Test
    void publishing_saysWhichPhotosAreFit(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.png");
        Path small = dir.resolve("small.png");
        ImageIO.write(new BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB), "png", big.toFile());
        ImageIO.write(new BufferedImage(600, 400, BufferedImage.TYPE_INT_RGB), "png", small.toFile());
        StringWriter text = new StringWriter();
        CoverFitnessReport.print(
                List.of(
                        PublishOutcome.published(big, "big"),
                        PublishOutcome.published(small, "small"),
                        PublishOutcome.refused(dir.resolve("bad.png"), "corrupt")),
                512,
                new PrintWriter(text, true));
        assertEquals(
                "fit for the covert method (shorter side over 512 px, covert.cover.side): 1 of 2; unfit: small"
                        + " (600x400)",
                text.toString().trim());
        assertTrue(Files.exists(big));
    }
}
