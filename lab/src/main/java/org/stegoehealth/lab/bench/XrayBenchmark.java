package org.stegoehealth.lab.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Metrics;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.CoverFitting;
import org.stegoehealth.processors.InputImages;

/**
 * Full-size X-rays through the model as the applications run them: a 16-bit PNG decoded with the applications'
 * decoder, a cover fitted to its geometry, tiled embedding, the 8-bit stego image, tiled extraction. Per image: the
 * time of each step (wall-clock and CPU), the process's peak resident memory during it ({@code VmHWM} of {@code /proc/self/status}, reset
 * before each step), the resident memory after it ({@code VmRSS}) and how much of it the Java heap has claimed
 * (committed), and the PSNR of the recovered X-ray.
 */
final class XrayBenchmark {

    /** One X-ray's figures. */
    record Result(
            String file,
            int width,
            int height,
            int bytes,
            double decodeS,
            double embedS,
            double embedCpuS,
            double embedPeakMb,
            double extractS,
            double extractCpuS,
            double extractPeakMb,
            double rssAfterMb,
            double heapMb,
            double secretPsnr,
            int stegoPngBytes) {

        Map<String, Object> toJson() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", file);
            row.put("width", width);
            row.put("height", height);
            row.put("png_bytes", bytes);
            row.put("decode_fit_s", decodeS);
            row.put("embed_s", embedS);
            row.put("embed_cpu_s", embedCpuS);
            row.put("embed_peak_rss_mb", embedPeakMb);
            row.put("extract_s", extractS);
            row.put("extract_cpu_s", extractCpuS);
            row.put("extract_peak_rss_mb", extractPeakMb);
            row.put("rss_after_mb", rssAfterMb);
            row.put("heap_committed_mb", heapMb);
            row.put("secret_psnr_db", secretPsnr);
            row.put("stego_png_bytes", stegoPngBytes);
            return row;
        }
    }

    private final StegoModel model;
    private final FloatImage cover;
    private final int maxSide;

    XrayBenchmark(StegoModel model, FloatImage cover, int maxSide) {
        this.model = model;
        this.cover = cover;
        this.maxSide = maxSide;
    }

    Result measure(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        long t0 = System.nanoTime();
        InputImages.Decoded decoded =
                InputImages.decode(bytes, png.getFileName().toString(), maxSide);
        FloatImage secret = FloatImage.of(decoded.image()).withChannels(model.secretChannels());
        FloatImage fitted = CoverFitting.fit(cover, decoded.width(), decoded.height());
        double decodeS = seconds(t0);

        ModelBenchmark.resetPeakRss();
        long t1 = System.nanoTime();
        double cpu1 = cpuSeconds();
        FloatImage stego = model.embed(List.of(fitted), List.of(secret)).get(0);
        double embedS = seconds(t1);
        double embedCpu = cpuSeconds() - cpu1;
        double embedPeak = ModelBenchmark.peakRssMb();
        FloatImage sent = stego.quantize8();
        stego = null;

        ModelBenchmark.resetPeakRss();
        long t2 = System.nanoTime();
        double cpu2 = cpuSeconds();
        FloatImage recovered = model.extract(List.of(sent)).get(0);
        double extractS = seconds(t2);
        double extractCpu = cpuSeconds() - cpu2;
        double extractPeak = ModelBenchmark.peakRssMb();
        double psnr = Metrics.psnr(secret, recovered.quantize8());
        int stegoPng = InputImages.png(sent.toBufferedImage()).length; // what the embedder sends
        return new Result(
                png.getFileName().toString(),
                decoded.width(),
                decoded.height(),
                bytes.length,
                decodeS,
                embedS,
                embedCpu,
                embedPeak,
                extractS,
                extractCpu,
                extractPeak,
                rssMb(),
                Runtime.getRuntime().totalMemory() / 1048576.0,
                psnr,
                stegoPng);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /**
     * CPU seconds this process has used (all threads, native ones included), or NaN where the JVM cannot say: on a
     * shared machine, time on the CPU tells the cost apart from the wait for it.
     */
    static double cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /** Resident set size of this process now in MB (VmRSS), or NaN where /proc is unavailable. */
    static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
