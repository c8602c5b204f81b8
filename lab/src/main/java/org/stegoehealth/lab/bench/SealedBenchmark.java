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
import org.stegoehealth.processors.CovertCovers;
import org.stegoehealth.security.KeyringPair;
import org.stegoehealth.security.SealedHiding;

/**
 * Throughput of the keyed methods ({@link SealedHiding}): embedding and extraction, one image at a time (they need no
 * model, so there is nothing to batch), with throwaway keyrings. The sealed method hides a sample X-ray brought to the
 * benchmark size (8-bit gray) in a sample cover at its native resolution; the covert method hides a 32 px X-ray (what
 * its default budget carries) in the same cover prepared as the embedder prepares it ({@link CovertCovers}, scaled
 * to a 512 px shorter side), and its rate is also given in cover megapixels per second.
 */
final class SealedBenchmark implements AutoCloseable {

    /**
     * Images per second of one operation at one X-ray size, the bits per channel the payload used, and the cover's
     * megapixels.
     */
    record Result(String op, int size, double imagesPerS, double bitsPerChannel, double coverMegapixels) {

        double megapixelsPerS() {
            return imagesPerS * coverMegapixels;
        }
    }

    /** Side of the covert method's X-ray: small enough for its default budget in a 512 px cover. */
    static final int COVERT_XRAY_SIDE = 24;

    /** Shorter side the covert method's cover is scaled to (the {@code covert.cover.side} default). */
    static final int COVERT_COVER_SIDE = 512;

    private final Path tmp;
    private final SealedHiding sender;
    private final SealedHiding receiver;
    private final SealedHiding covertSender;
    private final SealedHiding covertReceiver;
    private final BufferedImage xraySource;
    private final BufferedImage cover;
    private final BufferedImage covertCover;
    private final double seconds;

    SealedBenchmark(Path xrayFile, Path coverFile, double seconds) {
        try {
            tmp = Files.createTempDirectory("stego-sealed-bench");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary keyring directory", e);
        }
        KeyringPair keys = KeyringPair.create(tmp);
        this.sender = new SealedHiding(keys.hospital());
        this.receiver = new SealedHiding(keys.clinic());
        this.covertSender =
                SealedHiding.covert(keys.hospital(), SealedHiding.DEFAULT_COVERT_BUDGET, SealedHiding.DEFAULT_MAX_SIDE);
        this.covertReceiver =
                SealedHiding.covert(keys.clinic(), SealedHiding.DEFAULT_COVERT_BUDGET, SealedHiding.DEFAULT_MAX_SIDE);
        this.xraySource = Images.read(xrayFile);
        this.cover = Images.read(coverFile);
        this.covertCover = CovertCovers.prepared(cover, coverFile.getFileName().toString(), COVERT_COVER_SIDE);
        this.seconds = seconds;
    }

    /** The sealed method at X-ray side {@code size}: embedding and extraction. */
    Result[] measure(int size) {
        BufferedImage xray = Images.squareAt(xraySource, size).toGray().toBufferedImage();
        return measure("sealed", size, sender, receiver, cover, xray);
    }

    /** The covert method, on its small X-ray in its prepared cover: embedding and extraction. */
    Result[] measureCovert() {
        BufferedImage xray =
                Images.squareAt(xraySource, COVERT_XRAY_SIDE).toGray().toBufferedImage();
        return measure("covert", COVERT_XRAY_SIDE, covertSender, covertReceiver, covertCover, xray);
    }

    /** Embeds and extracts repeatedly for at least the configured time each, after as long a warm-up (JIT). */
    private Result[] measure(
            String method, int size, SealedHiding from, SealedHiding to, BufferedImage carrier, BufferedImage xray) {
        SealedHiding.Embedded e;
        long warm = System.nanoTime();
        do {
            e = from.embed(carrier, xray, "bench-warmup", "clinic", Optional.empty());
            to.extract(e.stego(), "bench-warmup", e.placement(), e.receivingKeyId(), e.positionsKeyId());
        } while (System.nanoTime() - warm < seconds * 1e9);
        int n = 0;
        long start = System.nanoTime();
        do {
            e = from.embed(carrier, xray, "bench-" + n++, "clinic", Optional.empty());
        } while (System.nanoTime() - start < seconds * 1e9);
        double embed = n / ((System.nanoTime() - start) / 1e9);
        String id = "bench-" + (n - 1);
        int m = 0;
        start = System.nanoTime();
        do {
            to.extract(e.stego(), id, e.placement(), e.receivingKeyId(), e.positionsKeyId());
            m++;
        } while (System.nanoTime() - start < seconds * 1e9);
        double extract = m / ((System.nanoTime() - start) / 1e9);
        double megapixels = e.stego().getWidth() * (double) e.stego().getHeight() / 1e6;
        return new Result[] {
            new Result(method + "-embed", size, embed, e.bitsPerChannel(), megapixels),
            new Result(method + "-extract", size, extract, e.bitsPerChannel(), megapixels)
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
