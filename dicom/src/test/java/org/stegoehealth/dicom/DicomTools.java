package org.stegoehealth.dicom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * The DICOM tools used as oracles: DCMTK ({@code img2dcm}, {@code dcmconv}, {@code dcmodify}, {@code dcmdump},
 * {@code dcm2pnm}, {@code dcmdjpeg}) and dicom3tools ({@code dciodvfy}), from the Debian packages {@code dcmtk} and
 * {@code dicom3tools} that {@code .ci/run} installs. A test that needs one is skipped, saying which, only where the
 * tool is not installed.
 */
public final class DicomTools {

    private DicomTools() {}

    /** Skips the calling test unless every tool named is on the PATH. */
    public static void assumeInstalled(String... tools) {
        for (String tool : tools) {
            assumeTrue(
                    onPath(tool),
                    tool + " is not installed (apt-get install dcmtk dicom3tools); the DICOM oracle tests need it");
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** What a finished command printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {}

    /** Runs a command, waiting up to a minute; returns its exit code and output. */
    public static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command that must succeed; returns its output. */
    public static String ok(String... command) {
        Result r = run(command);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }

    /** The lines of {@code dciodvfy}'s report that are errors ("Error - ..."), none for a valid object. */
    public static List<String> dciodvfyErrors(Path file) {
        List<String> errors = new ArrayList<>();
        for (String line : run("dciodvfy", file.toString()).output().split("\n")) {
            if (line.startsWith("Error")) {
                errors.add(line);
            }
        }
        return errors;
    }

    /**
     * An uncompressed Secondary Capture file made by {@code img2dcm} from an 8-bit gray image (through an 8-bit BMP,
     * the one uncompressed input img2dcm takes), in explicit VR little endian.
     */
    public static Path img2dcm(BufferedImage gray8, Path dir, String name) throws IOException {
        Path bmp = dir.resolve(name + ".bmp");
        if (!ImageIO.write(gray8, "bmp", bmp.toFile())) {
            throw new IllegalStateException("no BMP writer");
        }
        Path dcm = dir.resolve(name + ".dcm");
        ok("img2dcm", "-i", "BMP", bmp.toString(), dcm.toString());
        return dcm;
    }

    /** The first gray band of an image file, as ints (8 or 16 bits, as stored). */
    public static int[] grayPixels(BufferedImage image) {
        return image.getRaster().getSamples(0, 0, image.getWidth(), image.getHeight(), 0, (int[]) null);
    }

    /** An 8-bit gray copy of an image file. */
    public static BufferedImage gray8(Path file) throws IOException {
        BufferedImage src = ImageIO.read(file.toFile());
        BufferedImage g = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        g.getGraphics().drawImage(src, 0, 0, null);
        return g;
    }

    /**
     * A 16-bit gray image with 12 significant bits from an 8-bit one ({@code v << 4 | v >> 4}, so 0..4095 is
     * covered), like a 12-bit detector's output.
     */
    public static BufferedImage gray12(BufferedImage gray8) {
        BufferedImage g = new BufferedImage(gray8.getWidth(), gray8.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        int[] v = grayPixels(gray8);
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] << 4 | v[i] >> 4;
        }
        g.getRaster().setSamples(0, 0, g.getWidth(), g.getHeight(), 0, v);
        return g;
    }
}
