package org.stegoehealth.ops.demo;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.processors.EmbeddingTopology;
import org.stegoehealth.processors.ExtractionTopology;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.Topics;

/**
 * The embedder and the extractor as two Kafka Streams applications in this process, built exactly as
 * {@code stego embedder} and {@code stego extractor} build them ({@link EmbeddingTopology#build},
 * {@link ExtractionTopology#build}, {@link StreamsConfigs#base}): exactly-once, the configured batching, the
 * configured application ids.
 */
public final class InProcessPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessPipeline.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** How long the two applications may take to join their groups and restore their stores. */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final List<App> apps;

    /** One running application and the first error that stopped it. */
    private record App(String name, KafkaStreams streams, AtomicReference<Throwable> failure) {
    }

    private InProcessPipeline(List<App> apps) {
        this.apps = apps;
    }

    /**
     * Starts both applications and returns once both are RUNNING.
     *
     * @throws PipelineException when either stops on an error or is not running within {@code timeout}
     */
    public static InProcessPipeline start(StegoConfig config, Topics topics, HidingModel model, Duration timeout) {
        App embedder = app("embedder", EmbeddingTopology.build(topics, model, config.batchSettings()),
                StreamsConfigs.base(config, config.embedderApplicationId()));
        App extractor = app("extractor", ExtractionTopology.build(topics, model, config.batchSettings()),
                StreamsConfigs.base(config, config.extractorApplicationId()));
        InProcessPipeline pipeline = new InProcessPipeline(List.of(embedder, extractor));
        try {
            pipeline.awaitRunning(timeout);
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private static App app(String name, Topology topology, Properties properties) {
        KafkaStreams streams = new KafkaStreams(topology, properties);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            // records that can be dead-lettered already are; what reaches here is infrastructure (broker, registry)
            LOG.error("{} stopped on an unexpected error: {}", name, e.toString());
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> LOG.info("{}: {} -> {}", name, before, now));
        LOG.info("{}: starting ({})", name, properties.getProperty("application.id"));
        streams.start();
        return new App(name, streams, failure);
    }

    private void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (App app : apps) {
            while (app.streams().state() != KafkaStreams.State.RUNNING) {
                checkHealthy();
                if (System.nanoTime() > deadline) {
                    throw new PipelineException("the " + app.name() + " did not reach RUNNING within "
                            + timeout.toSeconds() + " s (state " + app.streams().state() + ")");
                }
                sleep(100);
            }
        }
    }

    /** @throws PipelineException when either application has stopped on an error */
    public void checkHealthy() {
        for (App app : apps) {
            Throwable failure = app.failure().get();
            KafkaStreams.State state = app.streams().state();
            if (failure != null || state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                throw new PipelineException("the " + app.name() + " stopped (" + state + ")"
                        + (failure == null ? "" : ": " + rootMessage(failure)), failure);
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

    /** Stops both applications (committing what they finished) and waits for them. */
    @Override
    public void close() {
        for (App app : apps) {
            app.streams().close(CLOSE_TIMEOUT);
        }
    }
}
