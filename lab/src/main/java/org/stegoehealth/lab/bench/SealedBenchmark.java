package org.stegoehealth.lab.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.stegoehealth.model.Images;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.SealedHiding;

/**
 * Throughput of the sealed method ({@link SealedHiding}): embedding and extraction, one image at a time (it needs no
 * model, so there is nothing to batch), on a sample X-ray brought to the benchmark size (8-bit gray) and a sample
 * cover at its native resolution, with throwaway keyrings.
 */
final class SealedBenchmark implements AutoCloseable {

    /** Images per second of one operation at one size, and the bits per channel the payload used. */
    record Result(String op, int size, double imagesPerS, double bitsPerChannel) {}

    private final Path tmp;
    private final SealedHiding sender;
    private final SealedHiding receiver;
    private final BufferedImage xraySource;
    private final BufferedImage cover;
    private final double seconds;

    SealedBenchmark(Path xrayFile, Path coverFile, double seconds) {
        try {
            tmp = Files.createTempDirectory("stego-sealed-bench");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary keyring directory", e);
        }
        Keyring hospital = Keyring.init(tmp.resolve("hospital"), "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic");
        clinic = clinic.importPublic(hospital.exportPublic(Optional.empty()), "hospital", false)
                .keyring();
        hospital = hospital.importPublic(clinic.exportPublic(Optional.of("hospital")), "clinic", false)
                .keyring();
        this.sender = new SealedHiding(hospital);
        this.receiver = new SealedHiding(clinic);
        this.xraySource = Images.read(xrayFile);
        this.cover = Images.read(coverFile);
        this.seconds = seconds;
    }

    /** Embeds and extracts repeatedly for at least the configured time each, after as long a warm-up (JIT). */
    Result[] measure(int size) {
        BufferedImage xray = Images.squareAt(xraySource, size).toGray().toBufferedImage();
        SealedHiding.Embedded e;
        long warm = System.nanoTime();
        do {
            e = sender.embed(cover, xray, "bench-warmup", "clinic", Optional.empty());
            receiver.extract(e.stego(), "bench-warmup", e.receivingKeyId(), e.positionsKeyId());
        } while (System.nanoTime() - warm < seconds * 1e9);
        int n = 0;
        long start = System.nanoTime();
        do {
            e = sender.embed(cover, xray, "bench-" + n++, "clinic", Optional.empty());
        } while (System.nanoTime() - start < seconds * 1e9);
        double embed = n / ((System.nanoTime() - start) / 1e9);
        String id = "bench-" + (n - 1);
        int m = 0;
        start = System.nanoTime();
        do {
            receiver.extract(e.stego(), id, e.receivingKeyId(), e.positionsKeyId());
            m++;
        } while (System.nanoTime() - start < seconds * 1e9);
        double extract = m / ((System.nanoTime() - start) / 1e9);
        return new Result[] {
            new Result("sealed-embed", size, embed, e.bitsPerChannel()),
            new Result("sealed-extract", size, extract, e.bitsPerChannel())
        };
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(tmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it up
        }
    }
}
