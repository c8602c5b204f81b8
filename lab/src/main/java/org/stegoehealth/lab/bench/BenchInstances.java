package org.stegoehealth.lab.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.stack.LocalApp;
import org.stegoehealth.stack.pipeline.PipelineException;
import org.stegoehealth.stack.pipeline.PipelineKeys;

/**
 * Embedder and extractor instances of one benchmark configuration, each its own {@code stego} JVM from the built ops
 * jar with its own state directory and metrics port, its model's native compute threads limited to a count. The
 * instances of an application share its application id (one consumer group, tasks spread over them) and use dynamic
 * membership, so an instance joining or leaving rebalances the group at once.
 */
final class BenchInstances implements AutoCloseable {

    static final String EMBEDDER = "embedder";
    static final String EXTRACTOR = "extractor";

    /** One instance: its name ({@code embedder-2}), command, configuration file, folder and metrics port. */
    static final class Instance {
        final String name;
        final String role;
        final Path config;
        final Path dir;
        final int metricsPort;
        LocalApp process;

        Instance(String name, String role, Path config, Path dir, int metricsPort) {
            this.name = name;
            this.role = role;
            this.config = config;
            this.dir = dir;
            this.metricsPort = metricsPort;
        }
    }

    private final StegoConfig config;
    private final PipelineKeys keys;
    private final Path work;
    private final Path home;
    private final int computeThreads;
    // read by the benchmark's thread while another one stops an instance
    private final List<Instance> instances = new CopyOnWriteArrayList<>();
    private final Set<Instance> stopped = ConcurrentHashMap.newKeySet();
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
    Instance start(String role) throws IOException {
        long same = instances.stream().filter(i -> i.role.equals(role)).count();
        String name = role + "-" + (same + 1);
        Path dir = Files.createDirectories(work.resolve(name));
        int port = LocalApp.freePort();
        Properties p = new Properties();
        p.setProperty(StegoConfig.BOOTSTRAP_SERVERS, config.bootstrapServers());
        p.setProperty(StegoConfig.SCHEMA_REGISTRY_URL, config.schemaRegistryUrl());
        p.setProperty(StegoConfig.TOPIC_PREFIX, config.topicPrefix());
        p.setProperty(StegoConfig.TOPIC_PARTITIONS, Integer.toString(config.topicPartitions()));
        p.setProperty(StegoConfig.EMBEDDER_APPLICATION_ID, config.embedderApplicationId());
        p.setProperty(StegoConfig.EXTRACTOR_APPLICATION_ID, config.extractorApplicationId());
        p.setProperty(StegoConfig.STATE_DIR, dir.resolve("state").toString());
        p.setProperty(StegoConfig.BATCH_SIZES, config.get(StegoConfig.BATCH_SIZES));
        p.setProperty(StegoConfig.BATCH_LINGER_MS, config.get(StegoConfig.BATCH_LINGER_MS));
        p.setProperty(
                StegoConfig.KEYRING_DIR,
                (role.equals(EMBEDDER) ? keys.hospital() : keys.clinic()).dir().toString());
        if (role.equals(EMBEDDER)) {
            p.setProperty(StegoConfig.CLINIC_ID, keys.clinic().name());
        }
        p.setProperty(StegoConfig.METRICS_PORT, Integer.toString(port));
        config.kafkaOverrides().forEach((k, v) -> p.setProperty(StegoConfig.KAFKA_PREFIX + k, v));
        Path file = dir.resolve(name + ".properties");
        LocalApp.writeConfig(file, p, "stego bench pipeline: " + name);
        Instance instance = new Instance(name, role, file, dir, port);
        instance.process = LocalApp.start(role, file, dir, dir.resolve(name + ".log"), home, computeThreads);
        instances.add(instance);
        return instance;
    }

    /** Whether the instance's readiness endpoint answers 200 now. */
    boolean ready(Instance instance) {
        HttpRequest probe = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + instance.metricsPort + "/health/ready"))
                .timeout(Duration.ofSeconds(1))
                .GET()
                .build();
        try {
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted while probing " + instance.name);
        }
    }

    /** Waits until every running instance is ready. */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Instance i : running()) {
            while (!ready(i)) {
                checkHealthy();
                if (System.nanoTime() > deadline) {
                    throw new PipelineException(i.name + " did not become ready within " + timeout.toSeconds()
                            + " s; see " + i.process.logFile());
                }
                sleep(200);
            }
        }
    }

    /** Images the instance's model processed so far ({@code stego_images_processed_total} of its /metrics). */
    double imagesProcessed(Instance instance) {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            return imagesProcessed(
                    http.send(get, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new PipelineException("cannot read the metrics of " + instance.name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted while reading the metrics of " + instance.name);
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
    void stop(Instance instance) {
        stopped.add(instance);
        instance.process.close();
    }

    List<Instance> running() {
        return instances.stream().filter(i -> !stopped.contains(i)).toList();
    }

    /** @throws PipelineException when an instance not stopped on purpose has ended */
    void checkHealthy() {
        for (Instance i : running()) {
            if (!i.process.isAlive()) {
                throw new PipelineException(i.name + " exited with code " + i.process.exitCode() + i.process.lastError()
                        + "; see " + i.process.logFile());
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
        for (Instance i : instances) {
            if (!stopped.contains(i)) {
                i.process.close();
            }
        }
    }
}
