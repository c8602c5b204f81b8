package org.stegoehealth.processors.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.processors.ClusterCheck;
import org.stegoehealth.processors.ModelSource;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsApp;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.schemas.Topics;

/**
 * What {@code stego embedder} and {@code stego extractor} do: follow the model topics (or, with {@code --model},
 * load one fixed model), build the topology, and run it as a {@link StreamsApp} until the process is told to stop
 * (Ctrl-C, SIGTERM) or the application fails.
 */
final class StreamsRunner {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    /** How often an application that waits for its broker says so. */
    static final Duration BROKER_WAIT_LOG_EVERY = Duration.ofSeconds(10);

    /** Builds an application's topology from the catalog and its models. */
    @FunctionalInterface
    interface TopologyBuilder {
        Topology build(Topics topics, ModelSource models);
    }

    private StreamsRunner() {}

    /** @return 0 after a requested shutdown, 1 when the application stopped on an error */
    static int run(
            String name, StegoConfig config, TransferSecurity security, String applicationId, TopologyBuilder builder) {
        // until the broker answers, readiness says what the application waits for, and the log says it every 10 s
        AtomicReference<String> waiting = new AtomicReference<>("the Kafka broker at " + config.bootstrapServers());
        AtomicReference<StreamsApp> running = new AtomicReference<>();
        MonitoringServer monitoring = null;
        if (config.metricsPort() > 0) {
            monitoring = MonitoringServer.start(
                    config.metricsPort(),
                    applicationId,
                    () -> running.get() == null
                            ? KafkaStreams.State.CREATED
                            : running.get().state(),
                    () -> running.get() != null && running.get().failed(),
                    waiting::get,
                    List.of());
            LOG.info(
                    "{}: metrics on http://localhost:{}/metrics, health on /health/live and /health/ready",
                    name,
                    monitoring.port());
        }
        try {
            return run(name, config, security, applicationId, builder, waiting, running, monitoring);
        } finally {
            if (monitoring != null) {
                monitoring.close();
            }
        }
    }

    private static int run(
            String name,
            StegoConfig config,
            TransferSecurity security,
            String applicationId,
            TopologyBuilder builder,
            AtomicReference<String> waiting,
            AtomicReference<StreamsApp> running,
            MonitoringServer monitoring) {
        // what is wrong with the settings is said at once; only then is the broker waited for
        HidingModel fixed = config.hasFixedModel() ? Wiring.model(config, LOG) : null;
        if (!ClusterCheck.awaitBroker(config, BROKER_WAIT_LOG_EVERY, reason -> {
            waiting.set(reason);
            LOG.warn("{}: waiting for the broker: {}", name, reason);
        })) {
            return 1;
        }
        waiting.set(null);
        Topics topics = Wiring.topics(config);
        FollowedModels followed = null;
        ModelSource models;
        String modelLabel;
        if (fixed != null) {
            models = ModelSource.fixed(fixed);
            modelLabel = fixed.version();
        } else {
            followed = FollowedModels.start(
                    config, topics, security.keyring(), security.hospital(), applicationId + "-models");
            models = followed.registry();
            modelLabel = "following " + topics.models.name();
        }
        Topology topology = builder.build(topics, models);
        StreamsApp app;
        try {
            app = StreamsApp.start(name, topology, StreamsConfigs.base(config, applicationId));
        } catch (RuntimeException e) {
            if (followed != null) {
                followed.close();
            }
            throw e;
        }
        running.set(app);
        if (monitoring != null) {
            monitoring.bind(modelLabel, List.of(app.metricsBinder()));
        }
        // the Kafka clients retry a lost broker quietly: say so, every 10 s, until it is back
        java.util.concurrent.ScheduledExecutorService brokerWatch =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, name + "-broker-watch");
                    t.setDaemon(true);
                    return t;
                });
        brokerWatch.scheduleWithFixedDelay(
                () -> {
                    java.util.Optional<String> lost = ClusterCheck.nothingListening(config);
                    lost.ifPresentOrElse(reason -> LOG.warn("{}: waiting for the broker: {}", name, reason), () -> {
                        if (waiting.get() != null) {
                            LOG.info("{}: the broker answers again", name);
                        }
                    });
                    waiting.set(lost.orElse(null));
                },
                BROKER_WAIT_LOG_EVERY.toMillis(),
                BROKER_WAIT_LOG_EVERY.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        Thread hook = new Thread(
                () -> {
                    LOG.info("{}: shutting down", name);
                    app.close();
                },
                name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            app.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        brokerWatch.shutdownNow();
        app.close();
        if (followed != null) {
            followed.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running; it closes the application itself
        }
        return app.failed() ? 1 : 0;
    }
}
