package org.stegoehealth.lab.eval;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Metrics;
import org.stegoehealth.model.Progress;

/**
 * How many bits the X-rays need at a target PSNR: for each X-ray (centre-cropped, resized to the evaluation size, 8-bit
 * gray, as {@link Evaluation} prepares it) the smallest baseline grayscale JPEG, with optimised Huffman tables, whose
 * decoded image reaches the target. That is an upper bound on the information a hiding method must get through its
 * channel to deliver the X-ray at that quality, and so the payload a robust method could carry instead of 8 bits per
 * pixel. Also reported: the PSNR of the X-ray brought to half its side and back (bicubic), the ceiling of a method that
 * hides a half-resolution X-ray.
 */
public final class SecretRate {

    /**
     * Means over the X-rays. {@code bitsPerCoverSample} spreads the bits over an RGB cover of the evaluation size;
     * {@code reached} counts the X-rays some quality up to 100 brought to the target.
     */
    public record Result(
            int images,
            int size,
            double targetPsnr,
            int reached,
            double meanBytes,
            double meanQuality,
            double bitsPerXrayPixel,
            double bitsPerCoverSample,
            double halfResolutionPsnr) {}

    /** The smallest JPEG of one X-ray that reaches the target: its quality (1 to 100), size and PSNR. */
    public record Encoding(int quality, int bytes, double psnr) {}

    private SecretRate() {}

    public static Result run(List<Path> secrets, int size, double targetPsnr, Progress progress) {
        if (!(targetPsnr > 0 && targetPsnr < Metrics.PSNR_CAP)) {
            throw new IllegalArgumentException("the target PSNR must be between 0 and " + Metrics.PSNR_CAP + " dB");
        }
        double bytes = 0;
        double quality = 0;
        double half = 0;
        int reached = 0;
        for (int i = 0; i < secrets.size(); i++) {
            FloatImage xray =
                    Images.squareAt(Images.read(secrets.get(i)), size).toGray().quantize8();
            Encoding e = smallest(xray, targetPsnr);
            reached += e.psnr() >= targetPsnr ? 1 : 0;
            bytes += e.bytes();
            quality += e.quality();
            half += halfResolutionPsnr(xray);
            progress.update(
                    "secret rate",
                    i + 1,
                    secrets.size(),
                    String.format("%.0f bytes at %.0f dB on average", bytes / (i + 1), targetPsnr));
        }
        int n = secrets.size();
        double bits = 8 * bytes / n;
        return new Result(
                n,
                size,
                targetPsnr,
                reached,
                bytes / n,
                quality / n,
                bits / ((double) size * size),
                bits / (3.0 * size * size),
                half / n);
    }

    /**
     * The lowest JPEG quality whose decoded image is at least {@code targetPsnr} from {@code gray} (an 8-bit gray
     * image); quality 100 if none is.
     */
    public static Encoding smallest(FloatImage gray, double targetPsnr) {
        if (gray.channels() != 1) {
            throw new IllegalArgumentException("the secret rate is measured on gray X-rays");
        }
        BufferedImage image = gray.toBufferedImage();
        Encoding last = null;
        for (int q = 1; q <= 100; q++) {
            byte[] jpeg = grayJpeg(image, q);
            last = new Encoding(q, jpeg.length, Metrics.psnr(gray, decode(jpeg)));
            if (last.psnr() >= targetPsnr) {
                return last;
            }
        }
        return last;
    }

    /** PSNR of {@code image} against itself brought to half its side and back, bicubic both ways. */
    public static double halfResolutionPsnr(FloatImage image) {
        int w = Math.max(1, image.width() / 2);
        int h = Math.max(1, image.height() / 2);
        return Metrics.psnr(image, image.resize(w, h).resize(image.width(), image.height()));
    }

    private static byte[] grayJpeg(BufferedImage image, int quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            JPEGImageWriteParam param = (JPEGImageWriteParam) writer.getDefaultWriteParam();
            param.setCompressionMode(JPEGImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            param.setOptimizeHuffmanTables(true);
            writer.write(null, new IIOImage(image, null, null), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a gray JPEG", e);
        } finally {
            writer.dispose();
        }
    }

    private static FloatImage decode(byte[] jpeg) {
        return FloatImage.of(Images.decode(jpeg, "a gray JPEG just written")).toGray();
    }

    /** A line under the table: what the X-rays need at the target, and what that is per cover sample. */
    public static String line(Result r) {
        return String.format(
                "secret rate at %.0f dB (smallest gray JPEG, %d of %d X-rays reach it): %.0f bytes on average"
                        + " (quality %.0f), %.3f bits per X-ray pixel = %.3f bits per cover sample; half resolution"
                        + " and back: %.2f dB%n",
                r.targetPsnr(),
                r.reached(),
                r.images(),
                r.meanBytes(),
                r.meanQuality(),
                r.bitsPerXrayPixel(),
                r.bitsPerCoverSample(),
                r.halfResolutionPsnr());
    }

    /** The {@code secretRate} entry of the JSON document. */
    public static Map<String, Object> json(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", r.images());
        m.put("size", r.size());
        m.put("targetPsnr", r.targetPsnr());
        m.put("reached", r.reached());
        m.put("meanBytes", r.meanBytes());
        m.put("meanQuality", r.meanQuality());
        m.put("bitsPerXrayPixel", r.bitsPerXrayPixel());
        m.put("bitsPerCoverSample", r.bitsPerCoverSample());
        m.put("halfResolutionPsnr", r.halfResolutionPsnr());
        return m;
    }
}
