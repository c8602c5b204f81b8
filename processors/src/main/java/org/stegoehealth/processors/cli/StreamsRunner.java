package org.stegoehealth.processors.cli;

import java.util.List;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.HidingModel;
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

    /** Builds an application's topology from the catalog and its models. */
    @FunctionalInterface
    interface TopologyBuilder {
        Topology build(Topics topics, ModelSource models);
    }

    private StreamsRunner() {}

    /** @return 0 after a requested shutdown, 1 when the application stopped on an error */
    static int run(
            String name, StegoConfig config, TransferSecurity security, String applicationId, TopologyBuilder builder) {
        Topics topics = CommonOptions.topics(config);
        FollowedModels followed = null;
        ModelSource models;
        String modelLabel;
        if (config.hasFixedModel()) {
            HidingModel model = CommonOptions.model(config, LOG);
            models = ModelSource.fixed(model);
            modelLabel = model.version();
        } else {
            followed = FollowedModels.start(
                    config, topics, security.keyring(), security.hospital(), applicationId + "-models");
            models = followed.registry();
            modelLabel = "following " + topics.models.name();
        }
        Topology topology = builder.build(topics, models);
        int metricsPort = config.metricsPort();
        StreamsApp app;
        try {
            app = StreamsApp.start(name, topology, StreamsConfigs.base(config, applicationId));
        } catch (RuntimeException e) {
            if (followed != null) {
                followed.close();
            }
            throw e;
        }
        MonitoringServer monitoring = null;
        if (metricsPort > 0) {
            monitoring = MonitoringServer.start(
                    metricsPort, applicationId, modelLabel, app::state, app::failed, List.of(app.metricsBinder()));
            LOG.info(
                    "{}: metrics on http://localhost:{}/metrics, health on /health/live and /health/ready",
                    name,
                    monitoring.port());
        }
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
        app.close();
        if (monitoring != null) {
            monitoring.close();
        }
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
