package org.stegoehealth.processors.cli;

import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsApp;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.schemas.Topics;

/**
 * What {@code stego embedder} and {@code stego extractor} do: load the configured model, build the topology, and run
 * it as a {@link StreamsApp} until the process is told to stop (Ctrl-C, SIGTERM) or the application fails.
 */
final class StreamsRunner {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    /** Builds an application's topology from the catalog and the loaded model. */
    @FunctionalInterface
    interface TopologyBuilder {
        Topology build(Topics topics, HidingModel model);
    }

    private StreamsRunner() {
    }

    /** @return 0 after a requested shutdown, 1 when the application stopped on an error */
    static int run(String name, StegoConfig config, String applicationId, TopologyBuilder builder) {
        HidingModel model = CommonOptions.model(config, LOG);
        Topology topology = builder.build(CommonOptions.topics(config), model);
        StreamsApp app = StreamsApp.start(name, topology, StreamsConfigs.base(config, applicationId));
        Thread hook = new Thread(() -> {
            LOG.info("{}: shutting down", name);
            app.close();
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            app.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        app.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running; it closes the application itself
        }
        return app.failed() ? 1 : 0;
    }
}
