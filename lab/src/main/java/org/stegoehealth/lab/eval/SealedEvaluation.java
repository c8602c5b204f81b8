package org.stegoehealth.lab.eval;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Metrics;
import org.stegoehealth.model.Progress;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.SealedHiding;

/**
 * The sealed hiding method on the same pairs as {@link Evaluation}: each X-ray centre-cropped and resized to the
 * evaluation size (8-bit gray), hidden in its cover at the cover's native resolution, then extracted and compared
 * bit for bit. Cover quality is measured against the cover crop the stego image was made from. Keys are throwaway
 * keyrings of a hospital and a clinic in a temporary directory.
 */
public final class SealedEvaluation {

    /** Averages over the pairs; {@code lossless} only if every X-ray came back bit for bit. */
    public record Result(
            int images,
            int size,
            double budget,
            Quality cover,
            double bitsPerChannel,
            double meanStegoPixels,
            int scaledCovers,
            boolean lossless,
            double embedPerSecond,
            double extractPerSecond) {}

    private SealedEvaluation() {}

    public static Result run(List<Path> covers, List<Path> secrets, int size, double budget, Progress progress) {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("stego-sealed-eval");
            Keyring hospital = Keyring.init(tmp.resolve("hospital"), "hospital");
            Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic");
            clinic = clinic.importPublic(hospital.exportPublic(Optional.empty()), "hospital", false)
                    .keyring();
            hospital = hospital.importPublic(clinic.exportPublic(Optional.of("hospital")), "clinic", false)
                    .keyring();
            SealedHiding sender = new SealedHiding(hospital, budget, SealedHiding.DEFAULT_MAX_SIDE);
            SealedHiding receiver = new SealedHiding(clinic, budget, SealedHiding.DEFAULT_MAX_SIDE);
            Quality.Mean cover = new Quality.Mean();
            Map<Path, BufferedImage> coverCache = new LinkedHashMap<>();
            double bpc = 0;
            double pixels = 0;
            int scaled = 0;
            boolean lossless = true;
            long embedNanos = 0;
            long extractNanos = 0;
            for (int i = 0; i < secrets.size(); i++) {
                BufferedImage coverImage = coverCache.computeIfAbsent(covers.get(i % covers.size()), Images::read);
                BufferedImage xray = Images.squareAt(Images.read(secrets.get(i)), size)
                        .toGray()
                        .toBufferedImage();
                String messageId = "eval-" + i;
                long t0 = System.nanoTime();
                SealedHiding.Embedded e = sender.embed(coverImage, xray, messageId, "clinic", Optional.empty());
                long t1 = System.nanoTime();
                SealedHiding.Opened o = receiver.extract(e.stego(), messageId, e.receivingKeyId(), e.positionsKeyId());
                long t2 = System.nanoTime();
                embedNanos += t1 - t0;
                extractNanos += t2 - t1;
                lossless &= samePixels(xray, o.xray());
                cover.add(Quality.of(FloatImage.of(e.cover()), FloatImage.of(e.stego())));
                bpc += e.bitsPerChannel();
                pixels += (double) e.stego().getWidth() * e.stego().getHeight();
                scaled += e.coverScaled() ? 1 : 0;
                progress.update(
                        "sealed",
                        i + 1,
                        secrets.size(),
                        String.format(
                                "cover %.2f dB, %.3f bits/channel", cover.get().psnr(), bpc / (i + 1)));
            }
            int n = secrets.size();
            return new Result(
                    n,
                    size,
                    budget,
                    cover.get(),
                    bpc / n,
                    pixels / n,
                    scaled,
                    lossless,
                    n / (embedNanos / 1e9),
                    n / (extractNanos / 1e9));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary keyring directory", e);
        } finally {
            delete(tmp);
        }
    }

    static boolean samePixels(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth()
                || a.getHeight() != b.getHeight()
                || a.getRaster().getNumBands() != b.getRaster().getNumBands()
                || a.getSampleModel().getSampleSize(0) != b.getSampleModel().getSampleSize(0)) {
            return false;
        }
        return Arrays.equals(
                a.getRaster().getPixels(0, 0, a.getWidth(), a.getHeight(), (int[]) null),
                b.getRaster().getPixels(0, 0, b.getWidth(), b.getHeight(), (int[]) null));
    }

    /** One table row, in the layout of {@link Evaluation#table}, and a line with its size and rates. */
    public static String row(Result r) {
        return Evaluation.row(
                        "sealed (lossless, keyed)",
                        r.bitsPerChannel(),
                        r.cover(),
                        r.lossless() ? "0" : "MISMATCH",
                        r.lossless() ? "lossless" : "-",
                        r.lossless() ? "1.0000" : "-")
                + String.format(
                        "  sealed: budget %.2f bits per channel, stego %.0f px on average (%d covers scaled up),"
                                + " %.1f embeds/s, %.1f extracts/s%n",
                        r.budget(), r.meanStegoPixels(), r.scaledCovers(), r.embedPerSecond(), r.extractPerSecond());
    }

    /** The sealed method's point on the rate-distortion plot (a lossless one sits at the top edge). */
    public static RateDistortionPlot.Point point(Result r) {
        return new RateDistortionPlot.Point(
                "sealed",
                r.bitsPerChannel(),
                r.cover().psnr(),
                r.lossless() ? Metrics.PSNR_CAP : Double.NaN,
                new Color(0, 128, 0));
    }

    /** The {@code sealed} entry of the JSON document. */
    public static Map<String, Object> json(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", r.images());
        m.put("size", r.size());
        m.put("budget", r.budget());
        m.put("coverMse", r.cover().mse());
        m.put("coverPsnr", r.cover().psnr());
        m.put("coverSsim", r.cover().ssim());
        m.put("bitsPerChannel", r.bitsPerChannel());
        m.put("meanStegoPixels", r.meanStegoPixels());
        m.put("scaledCovers", r.scaledCovers());
        m.put("lossless", r.lossless());
        m.put("embedPerSecond", r.embedPerSecond());
        m.put("extractPerSecond", r.extractPerSecond());
        return m;
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it up
        }
    }
}
