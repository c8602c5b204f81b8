package org.stegoehealth.lab.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.stack.pipeline.PipelineException;
import org.stegoehealth.stack.pipeline.PipelineInstance;
import org.stegoehealth.stack.pipeline.PipelineKeys;

/**
 * Embedder and extractor instances of one benchmark configuration, each its own {@code stego} JVM from the built ops
 * jar with its own state directory and metrics port, its model's native compute threads limited to a count. The
 * instances of an application share its application id (one consumer group, tasks spread over them) and use dynamic
 * membership, so an instance joining or leaving rebalances the group at once.
 */
final class BenchInstances implements AutoCloseable {

    static final String EMBEDDER = PipelineInstance.EMBEDDER;
    static final String EXTRACTOR = PipelineInstance.EXTRACTOR;

    private final StegoConfig config;
    private final PipelineKeys keys;
    private final Path work;
    private final Path home;
    private final int computeThreads;
    // read by the benchmark's thread while another one stops an instance
    private final List<PipelineInstance> instances = new CopyOnWriteArrayList<>();
    private final Set<PipelineInstance> stopped = ConcurrentHashMap.newKeySet();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * @param computeThreads native compute threads of each instance's model (0: the library's default)
     */
    BenchInstances(StegoConfig config, PipelineKeys keys, Path work, Path home, int computeThreads) {
        this.config = config;
        this.keys = keys;
        this.work = work;
        this.home = home;
        this.computeThreads = computeThreads;
    }

    /** Writes the instance's configuration and starts it; does not wait for it to be ready. */
    PipelineInstance start(String role) throws IOException {
        long same = instances.stream().filter(i -> i.role().equals(role)).count();
        String name = role + "-" + (same + 1);
        PipelineInstance instance = PipelineInstance.write(
                name,
                role,
                work.resolve(name),
                config,
                keys,
                Map.of(
                        StegoConfig.BATCH_SIZES, config.get(StegoConfig.BATCH_SIZES),
                        StegoConfig.BATCH_LINGER_MS, config.get(StegoConfig.BATCH_LINGER_MS)),
                "stego bench pipeline: " + name);
        instance.start(home, computeThreads);
        instances.add(instance);
        return instance;
    }

    /** Waits until every running instance is ready. */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (PipelineInstance i : running()) {
            while (!i.ready()) {
                checkHealthy();
                if (System.nanoTime() > deadline) {
                    throw new PipelineException(i.name() + " did not become ready within " + timeout.toSeconds()
                            + " s; see " + i.process().logFile());
                }
                sleep(200);
            }
        }
    }

    /** Images the instance's model processed so far ({@code stego_images_processed_total} of its /metrics). */
    double imagesProcessed(PipelineInstance instance) {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.metricsPort() + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            return imagesProcessed(
                    http.send(get, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new PipelineException("cannot read the metrics of " + instance.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted while reading the metrics of " + instance.name());
        }
    }

    /** The sum of the {@code stego_images_processed_total} samples of a Prometheus text page. */
    static double imagesProcessed(String prometheusText) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith("stego_images_processed_total")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Stops the instance (SIGTERM: its Streams client closes and leaves the group). */
    void stop(PipelineInstance instance) {
        stopped.add(instance);
        instance.process().close();
    }

    List<PipelineInstance> running() {
        return instances.stream().filter(i -> !stopped.contains(i)).toList();
    }

    /** @throws PipelineException when an instance not stopped on purpose has ended */
    void checkHealthy() {
        for (PipelineInstance i : running()) {
            if (!i.process().isAlive()) {
                throw new PipelineException(i.name() + " exited with code "
                        + i.process().exitCode() + i.process().lastError() + "; see "
                        + i.process().logFile());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted");
        }
    }

    @Override
    public void close() {
        for (PipelineInstance i : instances) {
            if (!stopped.contains(i)) {
                i.process().close();
            }
        }
    }
}
