package org.stegoehealth.lab.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.CoverFitting;
import org.stegoehealth.processors.StegoFormat;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.schemas.ImageFormat;
import org.stegoehealth.security.Png;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineException;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * End-to-end throughput and latency of the running system, next to the raw model throughput measured in the same
 * process with the same model, images and batch sizes.
 *
 * <ul>
 *   <li><b>Model</b>: embed a batch, round the stego images to 8 bits, extract them; images per second over all
 *       images, after one warm-up batch.</li>
 *   <li><b>Pipeline</b>: the X-rays are published in one burst; throughput is the steady-state completion rate of the
 *       recovered topic (read_committed), from the first committed output to the last, so filling the pipeline
 *       (one batch through both stages) counts towards latency, not against capacity. When everything arrives at
 *       once the rate falls back to images over the whole burst.</li>
 *   <li><b>Latency</b>: the same number of X-rays published at a steady rate of half the measured pipeline capacity;
 *       each one's time from the publish call to its recovered record being read.</li>
 *   <li><b>Bytes per stego event</b>: the burst's stego records as they crossed (in the configured
 *       {@code stego.format}), and the same records with their image in the other format ({@link #eventBytes}).</li>
 * </ul>
 * Every X-ray is a distinct image (a sample X-ray at the size, with its index written into two pixels), so message
 * ids never repeat.
 */
public final class PipelineBenchmark {

    /**
     * One image size's figures.
     *
     * @param pngEventBytes  mean bytes of a stego record with its image sent as PNG
     * @param jpegEventBytes mean bytes of a stego record with its image sent as JPEG at the configured quality
     * @param burstFirstNanos {@link System#nanoTime()} when the burst's first recovered X-ray was read
     * @param burstLastNanos  {@link System#nanoTime()} when its last was read
     */
    public record Result(
            int size,
            int batch,
            int images,
            double pipelineImagesPerS,
            double modelImagesPerS,
            double latencyP50Ms,
            double latencyP99Ms,
            double pngEventBytes,
            double jpegEventBytes,
            long burstFirstNanos,
            long burstLastNanos) {

        public double ratio() {
            return pipelineImagesPerS / modelImagesPerS;
        }

        /** JPEG bytes over PNG bytes per stego event. */
        public double bytesRatio() {
            return jpegEventBytes / pngEventBytes;
        }

        /** The documented JSON row. */
        public Map<String, Object> toJson() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("size", size);
            row.put("pipeline_images_per_s", pipelineImagesPerS);
            row.put("model_images_per_s", modelImagesPerS);
            row.put("ratio", ratio());
            row.put("latency_p50_ms", latencyP50Ms);
            row.put("latency_p99_ms", latencyP99Ms);
            row.put("png_event_bytes", pngEventBytes);
            row.put("jpeg_event_bytes", jpegEventBytes);
            row.put("jpeg_png_bytes_ratio", bytesRatio());
            return row;
        }
    }

    private static final long GROUP_NANOS = 200_000_000L;

    private final PipelineCluster cluster;
    private final StegoModel model;
    /** Throws when an application of the pipeline has stopped. */
    private final Runnable healthCheck;

    private final PipelineOutputs outputs;
    private final List<BufferedImage> xraySamples;
    private final List<Path> coverFiles;
    private final Path scratch;
    private final Duration timeout;
    private final Progress progress;
    private int serial;

    public PipelineBenchmark(
            PipelineCluster cluster,
            StegoModel model,
            Runnable healthCheck,
            PipelineOutputs outputs,
            List<Path> xrayFiles,
            List<Path> coverFiles,
            Path scratch,
            Duration timeout,
            Progress progress) {
        this.cluster = cluster;
        this.model = model;
        this.healthCheck = healthCheck;
        this.outputs = outputs;
        this.xraySamples = xrayFiles.stream().map(Images::read).toList();
        this.coverFiles = coverFiles;
        this.scratch = scratch;
        this.timeout = timeout;
        this.progress = progress;
    }

    /** One X-ray file ready to publish, the secret and fitted cover the model sees for it, and its cover id. */
    private record Sample(Path file, FloatImage secret, FloatImage cover, String coverId) {}

    public Result measure(int size, int images) throws IOException {
        int batch = cluster.config().batchSettings().batchSizeFor(size, size);
        List<FloatImage> covers = new ArrayList<>();
        for (Path c : coverFiles) {
            covers.add(CoverFitting.fit(FloatImage.of(Images.read(c)), size, size));
        }
        progress.message(String.format("%d px, batch %d: raw model", size, batch));
        double modelRate = modelRate(samples(size, images, covers), batch);

        progress.message(String.format("%d px: pipeline warm-up (%d X-rays)", size, batch));
        burst(samples(size, batch, covers), new ArrayList<>());
        progress.message(String.format("%d px: pipeline throughput (%d X-rays in one burst)", size, images));
        List<Sample> burst = samples(size, images, covers);
        List<String> ids = new ArrayList<>();
        double pipelineRate = burst(burst, ids);
        double rate = pipelineRate / 2;
        progress.message(String.format("%d px: pipeline latency (%d X-rays at %.2f/s)", size, images, rate));
        double[] latencies = steady(samples(size, images, covers), rate);
        progress.message(String.format("%d px: stego event bytes in both formats", size));
        double[] eventBytes = eventBytes(burst, ids, batch);
        return new Result(
                size,
                batch,
                images,
                pipelineRate,
                modelRate,
                percentile(latencies, 50),
                percentile(latencies, 99),
                eventBytes[0],
                eventBytes[1],
                ids.stream()
                        .mapToLong(id -> outputs.recoveredAtNanos().get(id))
                        .min()
                        .orElseThrow(),
                ids.stream()
                        .mapToLong(id -> outputs.recoveredAtNanos().get(id))
                        .max()
                        .orElseThrow());
    }

    /** Publishes {@code count} X-rays at once and waits for them: the first batches, JIT and caches are warm after. */
    public void warmUp(int size, int count) throws IOException {
        progress.message(String.format("%d px: pipeline warm-up (%d X-rays)", size, count));
        burst(samples(size, count, covers(size)), new ArrayList<>());
    }

    /** The steady-state completion rate of {@code images} X-rays published in one burst (see the class comment). */
    public double burstRate(int size, int images) throws IOException {
        progress.message(String.format("%d px: pipeline throughput (%d X-rays in one burst)", size, images));
        return burst(samples(size, images, covers(size)), new ArrayList<>());
    }

    /** Each X-ray's end-to-end latency in ms, sorted, {@code images} of them published at {@code rate} per second. */
    public double[] steadyLatencies(int size, int images, double rate) throws IOException {
        progress.message(String.format("%d px: pipeline latency (%d X-rays at %.2f/s)", size, images, rate));
        return steady(samples(size, images, covers(size)), rate);
    }

    /** Something that happens to the pipeline while X-rays flow: started at once, over when {@link #done()}. */
    public interface Event {
        void start();

        boolean done();
    }

    /**
     * The pause an event causes: X-rays published at {@code rate} per second for {@code before}, then the event
     * started and publishing kept on until {@code after} past its end; every X-ray then awaited.
     *
     * @param steadyGapS the longest wait between two consecutive recovered records before the event, from the first
     * @param pauseS     the longest wait between two consecutive recovered records from the event's start to
     *                   {@code after} past its end: how long the output stood still
     * @param eventS     from the event's start to its end
     * @param maxLatencyS the longest end-to-end latency of an X-ray published from the event's start on: the longest
     *                    any of them waited, however the other partitions flowed meanwhile
     * @param sentFromEvent X-rays published from the event's start on
     */
    public record Pause(double steadyGapS, double pauseS, double eventS, double maxLatencyS, int sentFromEvent) {}

    public Pause pauseAround(int size, double rate, Duration before, Event event, Duration after) throws IOException {
        List<FloatImage> covers = covers(size);
        long interval = (long) (1e9 / rate);
        long t0 = System.nanoTime();
        long next = t0;
        long eventStart = 0;
        long eventEnd = 0;
        Map<String, Long> sentAt = new LinkedHashMap<>();
        while (eventEnd == 0 || System.nanoTime() < eventEnd + after.toNanos()) {
            long now = System.nanoTime();
            if (eventStart == 0 && now - t0 >= before.toNanos()) {
                eventStart = now;
                event.start();
            } else if (eventStart != 0 && eventEnd == 0 && event.done()) {
                eventEnd = System.nanoTime();
            }
            if (now >= next) {
                Sample s = samples(size, 1, covers).get(0);
                sentAt.put(cluster.publishXray(s.file(), s.coverId()), System.nanoTime());
                next += interval;
            }
            healthCheck.run();
            outputs.poll(Duration.ofMillis(Math.max(1, Math.min(50, (next - System.nanoTime()) / 1_000_000))));
            if (System.nanoTime() - t0 > timeout.toNanos()) {
                throw new PipelineException("the event did not end within " + timeout.toSeconds() + " s");
            }
        }
        outputs.awaitRecovered(sentAt.keySet(), timeout, progress, healthCheck);
        long[] arrived = sentAt.keySet().stream()
                .mapToLong(id -> outputs.recoveredAtNanos().get(id))
                .sorted()
                .toArray();
        long start = eventStart;
        long end = eventEnd + after.toNanos();
        // from the first recovered record on: filling the pipeline is not a pause
        double steadyGap =
                arrived.length == 0 || arrived[0] >= start ? Double.NaN : longestGap(arrived, arrived[0], start);
        double pause = longestGap(arrived, start, end);
        double maxLatency = sentAt.entrySet().stream()
                .filter(e -> e.getValue() >= start)
                .mapToDouble(e -> (outputs.recoveredAtNanos().get(e.getKey()) - e.getValue()) / 1e9)
                .max()
                .orElse(Double.NaN);
        int sentFromEvent =
                (int) sentAt.values().stream().filter(t -> t >= start).count();
        return new Pause(steadyGap, pause, (eventEnd - eventStart) / 1e9, maxLatency, sentFromEvent);
    }

    /**
     * The longest wait in seconds between consecutive {@code sorted} arrivals within {@code [from, to]}, counting the
     * wait from {@code from} to the first arrival after it.
     */
    static double longestGap(long[] sorted, long from, long to) {
        long previous = from;
        long longest = 0;
        for (long t : sorted) {
            if (t <= from) {
                continue;
            }
            if (t > to) {
                longest = Math.max(longest, Math.min(t, to) - previous);
                previous = to;
                break;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        longest = Math.max(longest, Math.max(0, to - previous));
        return longest / 1e9;
    }

    private List<FloatImage> covers(int size) {
        List<FloatImage> covers = new ArrayList<>();
        for (Path c : coverFiles) {
            covers.add(CoverFitting.fit(FloatImage.of(Images.read(c)), size, size));
        }
        return covers;
    }

    /**
     * Mean bytes of the burst's stego records with their image as PNG and as JPEG: each record as it crossed, its
     * image replaced by the other format's encoding of the same stego image. The model embeds each pair again here
     * (the same model, cover and X-ray give the same stego image), and {@link StegoFormat#encode} encodes it as the
     * embedder does.
     */
    private double[] eventBytes(List<Sample> samples, List<String> ids, int batch) {
        StegoFormat sent = cluster.config().stegoFormat();
        StegoFormat png = StegoFormat.PNG;
        StegoFormat jpeg = StegoFormat.jpeg(sent.jpegQuality());
        double[] sum = new double[2];
        for (int start = 0; start < samples.size(); start += batch) {
            List<Sample> part = samples.subList(start, Math.min(samples.size(), start + batch));
            List<FloatImage> stegos = model.embed(
                    part.stream().map(Sample::cover).toList(),
                    part.stream().map(Sample::secret).toList());
            for (int i = 0; i < part.size(); i++) {
                BufferedImage image = stegos.get(i).withChannels(3).toBufferedImage();
                int pngBytes = png.encode(image, model.version()).length;
                int jpegBytes = jpeg.encode(image, model.version()).length;
                int record = outputs.stegoRecordBytes().get(ids.get(start + i));
                int overhead = record - (sent.format() == ImageFormat.PNG ? pngBytes : jpegBytes);
                sum[0] += overhead + pngBytes;
                sum[1] += overhead + jpegBytes;
            }
        }
        return new double[] {sum[0] / samples.size(), sum[1] / samples.size()};
    }

    private List<Sample> samples(int size, int count, List<FloatImage> covers) throws IOException {
        Path dir = Files.createDirectories(scratch.resolve(Integer.toString(size)));
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = serial++;
            FloatImage secret = Images.squareAt(xraySamples.get(n % xraySamples.size()), size)
                    .withChannels(1);
            float[] data = secret.data().clone();
            data[0] = (n % 256) / 255f;
            data[1] = (n / 256 % 256) / 255f;
            secret = new FloatImage(size, size, 1, data).quantize8();
            Path file = dir.resolve(String.format("xray-%05d.png", n));
            Files.write(file, Png.encode(secret.toBufferedImage()));
            int c = n % covers.size();
            out.add(new Sample(
                    file,
                    secret.withChannels(model.secretChannels()),
                    covers.get(c),
                    CoverProducer.coverIdOf(coverFiles.get(c))));
        }
        return out;
    }

    private double modelRate(List<Sample> samples, int batch) {
        run(samples.subList(0, Math.min(batch, samples.size())));
        long t0 = System.nanoTime();
        for (int start = 0; start < samples.size(); start += batch) {
            run(samples.subList(start, Math.min(samples.size(), start + batch)));
        }
        return samples.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private void run(List<Sample> batch) {
        List<FloatImage> stegos = model.embed(
                batch.stream().map(Sample::cover).toList(),
                batch.stream().map(Sample::secret).toList());
        model.extract(stegos.stream().map(FloatImage::quantize8).toList());
    }

    /** Publishes everything at once, adding each message id to {@code ids}; returns the steady-state completion rate. */
    private double burst(List<Sample> samples, List<String> ids) throws IOException {
        long t0 = System.nanoTime();
        for (Sample s : samples) {
            ids.add(cluster.publishXray(s.file(), s.coverId()));
        }
        outputs.awaitRecovered(ids, timeout, progress, healthCheck);
        long[] arrived = ids.stream()
                .mapToLong(id -> outputs.recoveredAtNanos().get(id))
                .sorted()
                .toArray();
        long first = arrived[0];
        long last = arrived[arrived.length - 1];
        int firstGroup = (int)
                Arrays.stream(arrived).filter(t -> t - first < GROUP_NANOS).count();
        if (last - first < GROUP_NANOS) {
            return arrived.length / ((last - t0) / 1e9);
        }
        return (arrived.length - firstGroup) / ((last - first) / 1e9);
    }

    /** Publishes at {@code rate} per second, reading outputs in between; returns each X-ray's latency in ms. */
    private double[] steady(List<Sample> samples, double rate) throws IOException {
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        Map<String, Long> sentAt = new HashMap<>();
        for (Sample s : samples) {
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                healthCheck.run();
                outputs.poll(Duration.ofNanos(Math.min(wait, 50_000_000L)));
            }
            long now = System.nanoTime();
            sentAt.put(cluster.publishXray(s.file(), s.coverId()), now);
            next += interval;
        }
        outputs.awaitRecovered(sentAt.keySet(), timeout, progress, healthCheck);
        return sentAt.entrySet().stream()
                .mapToDouble(e -> (outputs.recoveredAtNanos().get(e.getKey()) - e.getValue()) / 1e6)
                .sorted()
                .toArray();
    }

    /**
     * Head-of-line latency: {@code largePng} (a full-size X-ray) is published, and {@code gap} later a
     * {@code smallSide} px X-ray; each one's time from its publish call to its recovered record being read, and the
     * peak resident memory of this process (embedder and extractor together) meanwhile. One small X-ray goes through
     * first, so the pipeline is warm.
     */
    public HeadOfLine headOfLine(Path largePng, int smallSide, Duration gap) throws IOException {
        List<FloatImage> covers = new ArrayList<>();
        for (Path c : coverFiles) {
            covers.add(CoverFitting.fit(FloatImage.of(Images.read(c)), smallSide, smallSide));
        }
        progress.message(String.format("head of line: warm-up (one %d px X-ray)", smallSide));
        burst(samples(smallSide, 1, covers), new ArrayList<>());
        Sample small = samples(smallSide, 1, covers).get(0);
        BufferedImage large = Images.read(largePng);
        progress.message(String.format(
                "head of line: %s (%dx%d), then a %d px X-ray %d ms later",
                largePng.getFileName(), large.getWidth(), large.getHeight(), smallSide, gap.toMillis()));
        ModelBenchmark.resetPeakRss();
        long largeSent = System.nanoTime();
        String largeId = cluster.publishXray(largePng, CoverProducer.coverIdOf(coverFiles.get(0)));
        long wait;
        while ((wait = largeSent + gap.toNanos() - System.nanoTime()) > 0) {
            healthCheck.run();
            outputs.poll(Duration.ofNanos(Math.min(wait, 50_000_000L)));
        }
        long smallSent = System.nanoTime();
        String smallId = cluster.publishXray(small.file(), small.coverId());
        outputs.awaitRecovered(List.of(smallId), timeout, progress, healthCheck);
        double smallMs = (outputs.recoveredAtNanos().get(smallId) - smallSent) / 1e6;
        progress.message(String.format("head of line: the %d px X-ray came back in %.0f ms", smallSide, smallMs));
        outputs.awaitRecovered(List.of(largeId), timeout, progress, healthCheck);
        double largeMs = (outputs.recoveredAtNanos().get(largeId) - largeSent) / 1e6;
        return new HeadOfLine(
                largePng.getFileName().toString(),
                large.getWidth(),
                large.getHeight(),
                smallSide,
                gap.toMillis(),
                largeMs,
                smallMs,
                ModelBenchmark.peakRssMb());
    }

    /** The figures of {@link #headOfLine}. */
    public record HeadOfLine(
            String largeFile,
            int largeWidth,
            int largeHeight,
            int smallSide,
            long gapMs,
            double largeLatencyMs,
            double smallLatencyMs,
            double peakRssMb) {

        /** The documented JSON object. */
        public Map<String, Object> toJson() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("large_file", largeFile);
            row.put("large_width", largeWidth);
            row.put("large_height", largeHeight);
            row.put("small_side", smallSide);
            row.put("gap_ms", gapMs);
            row.put("large_latency_ms", largeLatencyMs);
            row.put("small_latency_ms", smallLatencyMs);
            row.put("peak_rss_mb", peakRssMb);
            return row;
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
