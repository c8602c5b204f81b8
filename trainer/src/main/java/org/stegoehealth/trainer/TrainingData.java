package org.stegoehealth.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;

/**
 * Training and validation images, decoded once into memory at a few scales, and the sampler that cuts random
 * training crops from them. Validation pairs are prepared exactly as evaluation prepares images: centre square,
 * bicubic resize to the validation size.
 */
public final class TrainingData {

    /** Scales for X-rays (fraction of the 512 px originals) and their sampling weights. */
    private static final int[] XRAY_SIDES = {256, 256, 256, 384, 512};
    /** Short-side lengths for covers; evaluation brings covers to a 256 px square. */
    private static final int[] COVER_SIDES = {256, 256, 320, 384, 512};

    private final List<List<FloatImage>> trainXrays;
    private final List<List<FloatImage>> trainCovers;
    private final List<FloatImage> validationXrays;
    private final List<FloatImage> validationCovers;
    private final Map<String, Object> summary;

    private TrainingData(
            List<List<FloatImage>> trainXrays,
            List<List<FloatImage>> trainCovers,
            List<FloatImage> validationXrays,
            List<FloatImage> validationCovers,
            Map<String, Object> summary) {
        this.trainXrays = trainXrays;
        this.trainCovers = trainCovers;
        this.validationXrays = validationXrays;
        this.validationCovers = validationCovers;
        this.summary = summary;
    }

    /**
     * @param xrayDir    chest X-rays (any size, gray or RGB)
     * @param coverDir   natural photographs
     * @param valSize    side of the square validation images
     * @param maxImages  cap on training images per kind (0 = all), for quick runs
     */
    public static TrainingData load(Path xrayDir, Path coverDir, int valSize, int maxImages, ProgressSink progress)
            throws IOException {
        return load(xrayDir, coverDir, null, valSize, maxImages, progress);
    }

    /**
     * As above, with more X-rays for training only (for example those taken from the X-ray topic): they never join
     * the held-out split, so the held-out set, and with it every round's comparison, stays fixed as the pool grows.
     *
     * @param extraXrayDir folder of training-only X-rays, or null
     */
    public static TrainingData load(
            Path xrayDir, Path coverDir, Path extraXrayDir, int valSize, int maxImages, ProgressSink progress)
            throws IOException {
        List<Path> xrays = Images.listImages(xrayDir);
        List<Path> extra =
                extraXrayDir == null || !Files.isDirectory(extraXrayDir) ? List.of() : Images.listImages(extraXrayDir);
        List<Path> covers = Images.listImages(coverDir);
        List<List<FloatImage>> trainX = new ArrayList<>();
        List<List<FloatImage>> trainC = new ArrayList<>();
        List<FloatImage> valX = new ArrayList<>();
        List<FloatImage> valC = new ArrayList<>();
        List<String> heldOutX = new ArrayList<>();
        List<String> heldOutC = new ArrayList<>();
        int done = 0;
        int total = xrays.size() + extra.size() + covers.size();
        for (Path p : xrays) {
            String name = p.getFileName().toString();
            var image = Images.read(p);
            if (Split.isHeldOut(name, Split.XRAY_VALIDATION)) {
                valX.add(Images.squareAt(image, valSize).toGray());
                heldOutX.add(name);
            } else if (maxImages == 0 || trainX.size() < maxImages) {
                trainX.add(pyramid(FloatImage.of(Images.centerCropSquare(image)).toGray(), XRAY_SIDES));
            }
            progress.update("decoding images", ++done, total);
        }
        int extraTaken = 0;
        for (Path p : extra) {
            if (maxImages == 0 || trainX.size() < maxImages) {
                trainX.add(pyramid(
                        FloatImage.of(Images.centerCropSquare(Images.read(p))).toGray(), XRAY_SIDES));
                extraTaken++;
            }
            progress.update("decoding images", ++done, total);
        }
        for (Path p : covers) {
            String name = p.getFileName().toString();
            var image = Images.read(p);
            if (Split.isHeldOut(name, Split.COVER_VALIDATION)) {
                valC.add(Images.squareAt(image, valSize).toRgb());
                heldOutC.add(name);
            } else if (maxImages == 0 || trainC.size() < maxImages) {
                trainC.add(pyramid(FloatImage.of(image).toRgb(), COVER_SIDES));
            }
            progress.update("decoding images", ++done, total);
        }
        if (trainX.isEmpty() || trainC.isEmpty() || valX.isEmpty() || valC.isEmpty()) {
            throw new IllegalArgumentException("need training and held-out images of both kinds; found "
                    + trainX.size() + "/" + valX.size() + " X-rays and " + trainC.size() + "/" + valC.size()
                    + " covers (train/held out) in " + xrayDir + " and " + coverDir);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("xrayDir", xrayDir.toString());
        summary.put("coverDir", coverDir.toString());
        if (extraXrayDir != null) {
            summary.put("extraXrayDir", extraXrayDir.toString());
            summary.put("extraTrainXrays", extraTaken);
        }
        summary.put("trainXrays", trainX.size());
        summary.put("trainCovers", trainC.size());
        // model metadata travels to the clinics: counts and a digest of the held-out names, never the names
        // (X-ray file names can be study references)
        summary.put("heldOutXrays", heldOutX.size());
        summary.put("heldOutXraysSha256", namesDigest(heldOutX));
        summary.put("heldOutCovers", heldOutC.size());
        summary.put("heldOutCoversSha256", namesDigest(heldOutC));
        summary.put("split", Split.describe());
        summary.put("xrayScales", XRAY_SIDES);
        summary.put("coverShortSides", COVER_SIDES);
        return new TrainingData(trainX, trainC, valX, valC, summary);
    }

    /**
     * SHA-256 (hex) of {@code names} sorted and joined by newlines: two runs held out the same files exactly when their
     * digests match, and the digest tells nothing of the names.
     */
    static String namesDigest(List<String> names) {
        return org.stegoehealth.model.ModelArtifact.sha256(
                String.join("\n", names.stream().sorted().toList()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The image resized so its short side takes each of {@code sides}. */
    private static List<FloatImage> pyramid(FloatImage image, int[] sides) {
        List<FloatImage> levels = new ArrayList<>();
        Map<Integer, FloatImage> cache = new LinkedHashMap<>();
        for (int side : sides) {
            levels.add(cache.computeIfAbsent(side, s -> {
                double scale = (double) s / Math.min(image.width(), image.height());
                return image.resize((int) Math.round(image.width() * scale), (int) Math.round(image.height() * scale));
            }));
        }
        return levels;
    }

    /** A random crop of a random scale of a random image, randomly flipped. */
    public FloatImage sampleXray(Random random, int crop) {
        return sample(trainXrays, random, crop, false);
    }

    public FloatImage sampleCover(Random random, int crop) {
        return sample(trainCovers, random, crop, true);
    }

    private static FloatImage sample(List<List<FloatImage>> images, Random random, int crop, boolean vflip) {
        List<FloatImage> levels = images.get(random.nextInt(images.size()));
        FloatImage level = levels.get(random.nextInt(levels.size()));
        int x = random.nextInt(level.width() - crop + 1);
        int y = random.nextInt(level.height() - crop + 1);
        FloatImage c = level.crop(x, y, crop, crop);
        if (random.nextBoolean()) {
            c = flip(c, true);
        }
        if (vflip && random.nextBoolean()) {
            c = flip(c, false);
        }
        return c;
    }

    private static FloatImage flip(FloatImage img, boolean horizontal) {
        int w = img.width();
        int h = img.height();
        int ch = img.channels();
        float[] out = new float[img.data().length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = horizontal ? w - 1 - x : x;
                int sy = horizontal ? y : h - 1 - y;
                System.arraycopy(img.data(), (sy * w + sx) * ch, out, (y * w + x) * ch, ch);
            }
        }
        return new FloatImage(w, h, ch, out);
    }

    public List<FloatImage> validationXrays() {
        return validationXrays;
    }

    public List<FloatImage> validationCovers() {
        return validationCovers;
    }

    public Map<String, Object> summary() {
        return summary;
    }

    /** Receives progress of long loading work. */
    public interface ProgressSink {
        void update(String what, int done, int total);
    }
}
