package org.stegoehealth.stack.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.processors.EmbeddingTopology;
import org.stegoehealth.processors.ExtractionTopology;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsApp;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.stack.KafkaSecurity.Principal;

/**
 * The embedder and the extractor as two Kafka Streams applications in this process, built exactly as
 * {@code stego embedder} and {@code stego extractor} build them ({@link EmbeddingTopology#build},
 * {@link ExtractionTopology#build}, {@link StreamsConfigs#base}): exactly-once, the configured batching, the
 * configured application ids, each run as a {@link StreamsApp} like the commands run them. The embedder holds the
 * hospital's keyring and seals to the clinic; the extractor holds the clinic's ({@link PipelineKeys}).
 */
public final class InProcessPipeline implements AutoCloseable {

    /** How long the two applications may take to join their groups and restore their stores. */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final List<StreamsApp> apps;
    /** The applications stopped on purpose ({@link #stopExtractor}). */
    private final Set<StreamsApp> stopped = ConcurrentHashMap.newKeySet();

    private InProcessPipeline(List<StreamsApp> apps) {
        this.apps = apps;
    }

    /**
     * Starts both applications and returns once both are RUNNING.
     *
     * @throws PipelineException when either stops on an error or is not running within {@code timeout}
     */
    public static InProcessPipeline start(
            StegoConfig config, Topics topics, HidingModel model, PipelineKeys keys, Duration timeout) {
        return start(config, topics, ModelSource.fixed(model), ModelSource.fixed(model), keys, timeout);
    }

    /**
     * As {@link #start(StegoConfig, Topics, HidingModel, PipelineKeys, Duration)}, the embedder following
     * {@code embedderModels} (the promoted version) and the extractor serving every version {@code extractorModels}
     * holds.
     */
    public static InProcessPipeline start(
            StegoConfig config,
            Topics topics,
            ModelSource embedderModels,
            ModelSource extractorModels,
            PipelineKeys keys,
            Duration timeout) {
        return start(config, config, topics, embedderModels, extractorModels, keys, timeout);
    }

    /**
     * As {@link #start(StegoConfig, Topics, ModelSource, ModelSource, PipelineKeys, Duration)} with a configuration
     * per application: the extractor on the clinic's cluster when there are two, each signed in as its own Kafka
     * principal on a secure stack ({@link PipelineCluster#config(Principal)}).
     */
    public static InProcessPipeline start(
            StegoConfig embedderConfig,
            StegoConfig extractorConfig,
            Topics topics,
            ModelSource embedderModels,
            ModelSource extractorModels,
            PipelineKeys keys,
            Duration timeout) {
        TransferSecurity hospital = TransferSecurity.of(
                keys.hospital(),
                embedderConfig.with(Map.of(StegoConfig.CLINIC_ID, keys.clinic().name())),
                TransferSecurity.Site.HOSPITAL);
        TransferSecurity clinic = TransferSecurity.of(keys.clinic(), extractorConfig, TransferSecurity.Site.CLINIC);
        StreamsApp embedder = StreamsApp.start(
                "embedder",
                EmbeddingTopology.build(
                        topics,
                        embedderModels,
                        embedderConfig.batchSettings(),
                        hospital,
                        embedderConfig.stegoFormat(),
                        embedderConfig.embedModelVersion().orElse(null)),
                StreamsConfigs.base(embedderConfig, embedderConfig.embedderApplicationId()));
        StreamsApp extractor = StreamsApp.start(
                "extractor",
                ExtractionTopology.build(
                        topics,
                        extractorModels,
                        extractorConfig.batchSettings(),
                        clinic,
                        extractorConfig.recoveredDir().orElse(null),
                        extractorConfig.outputFormat(),
                        extractorConfig.modelWait(),
                        extractorConfig.recoveredIdsRetention()),
                StreamsConfigs.base(extractorConfig, extractorConfig.extractorApplicationId()));
        InProcessPipeline pipeline = new InProcessPipeline(List.of(embedder, extractor));
        try {
            pipeline.awaitRunning(timeout);
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (StreamsApp app : apps) {
            while (app.state() != KafkaStreams.State.RUNNING) {
                checkHealthy();
                if (System.nanoTime() > deadline) {
                    throw new PipelineException("the " + app.name() + " did not reach RUNNING within "
                            + timeout.toSeconds() + " s (state " + app.state() + ")");
                }
                sleep(100);
            }
        }
    }

    /**
     * Stops the extractor (committing what it finished), as at a clinic whose extractor is down: the embedder keeps
     * sending, and nothing is recovered or acknowledged until an extractor runs again.
     */
    public void stopExtractor() {
        StreamsApp extractor = apps.get(1);
        extractor.close();
        stopped.add(extractor);
    }

    /** @throws PipelineException when either application has stopped on an error (or, unasked, at all) */
    public void checkHealthy() {
        for (StreamsApp app : apps) {
            if (app.stopped() && !stopped.contains(app)) {
                Throwable failure = app.failure().orElse(null);
                throw new PipelineException(
                        "the " + app.name() + " stopped (" + app.state() + ")"
                                + (failure == null ? "" : ": " + rootMessage(failure)),
                        failure);
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted", e);
        }
    }

    /** The embedder's Streams application (its state and client metrics, for a {@code MonitoringServer}). */
    public StreamsApp embedder() {
        return apps.get(0);
    }

    /** How many times the applications restarted themselves after an outage, together. */
    public int restarts() {
        return apps.stream().mapToInt(StreamsApp::restarts).sum();
    }

    /** Stops both applications (committing what they finished) and waits for them. */
    @Override
    public void close() {
        for (StreamsApp app : apps) {
            app.close();
        }
    }
}
