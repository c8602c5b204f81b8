package org.stegoehealth.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.StegoNetwork;

/**
 * Model throughput: images/s and achieved GFLOP/s of embedding and extraction per image size and batch size,
 * next to a plain sgemm measured in the same run (the machine's attainable matrix throughput), so results read
 * as a ratio that survives noisy, shared machines better than raw numbers.
 */
public final class ModelBenchmark {

    /** One measured configuration. */
    public record Result(String op, int size, int batch, double imagesPerS, double gflops, double peakRssMb) {}

    /** The op that embeds with the model's {@link StegoModel#refinement()}, next to plain "embed" and "extract". */
    public static final String REFINED = "refined";

    private final StegoModel model;
    private final StegoModel plain;
    private final double minSeconds;

    /** {@code model} embeds plainly in "embed" and with its refinement in {@value #REFINED}. */
    public ModelBenchmark(StegoModel model, double minSeconds) {
        this.model = model;
        this.plain = model.refinement().steps() == 0
                ? model
                : model.refining(model.refinement().withSteps(0));
        this.minSeconds = minSeconds;
    }

    /** Sustained n x n x n single-precision matrix multiplication over {@code seconds}, in GFLOP/s. */
    public static double sgemmGflops(int n, double seconds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        int calls = 0;
        long t0 = System.nanoTime();
        double elapsed;
        do {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            calls++;
            elapsed = (System.nanoTime() - t0) / 1e9;
        } while (elapsed < seconds || calls < 3);
        // read a value back so the multiplication is certainly complete before the clock stops
        if (Double.isNaN(c.getDouble(0, 0))) {
            throw new IllegalStateException("sgemm produced NaN");
        }
        return calls * 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }

    public Result measure(String op, int size, int batch) {
        Random random = new Random(size * 31L + batch);
        List<FloatImage> covers = new ArrayList<>();
        List<FloatImage> secrets = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            covers.add(noise(random, size, 3));
            secrets.add(noise(random, size, model.secretChannels()));
        }
        List<FloatImage> stegos = "extract".equals(op) ? plain.embed(covers, secrets) : null;
        Runnable call = switch (op) {
            case "embed" -> () -> plain.embed(covers, secrets);
            case REFINED -> () -> model.embed(covers, secrets);
            case "extract" -> () -> model.extract(stegos);
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
        call.run(); // warm-up: first call allocates and picks kernels
        resetPeakRss();
        int calls = 0;
        long t0 = System.nanoTime();
        double elapsed;
        do {
            call.run();
            calls++;
            elapsed = (System.nanoTime() - t0) / 1e9;
        } while (elapsed < minSeconds || calls < 2);
        double imagesPerS = calls * batch / elapsed;
        // a refinement step is one extraction forward and back (about three extraction passes)
        long macs = switch (op) {
            case "embed" -> StegoNetwork.embedMacsPerPixel(model.config());
            case REFINED ->
                StegoNetwork.embedMacsPerPixel(model.config())
                        + 3L * model.refinement().steps() * StegoNetwork.extractMacsPerPixel(model.config());
            default -> StegoNetwork.extractMacsPerPixel(model.config());
        };
        double gflops = imagesPerS * 2.0 * macs * size * size / 1e9;
        return new Result(op, size, batch, imagesPerS, gflops, peakRssMb());
    }

    private static FloatImage noise(Random random, int size, int channels) {
        float[] data = new float[size * size * channels];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        return new FloatImage(size, size, channels, data);
    }

    /** Linux: resets the process's peak resident set size so each configuration reports its own peak. */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not permitted: the peak then covers the whole run so far
        }
    }

    /** Peak resident set size of this process in MB (VmHWM), or NaN where /proc is unavailable. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
