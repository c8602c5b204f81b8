package org.stegoehealth.processors;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Kafka Streams application, started the one way the project starts them: state changes logged, and
 * an uncaught error (records that can be dead-lettered already are, so what reaches here is infrastructure: broker,
 * registry, disk) logged, remembered and answered by shutting the client down. Used by {@code stego embedder},
 * {@code stego extractor} and the in-process pipeline of the demo and benchmarks.
 */
public final class StreamsApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private StreamsApp(String name, Topology topology, Properties properties) {
        this.name = name;
        this.streams = new KafkaStreams(topology, properties);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("{} stopped on an unexpected error: {}", name, e.toString(), e);
            failure.compareAndSet(null, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("{}: {} -> {}", name, before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
    }

    /** Starts {@code topology} as application {@code name} (a label for log lines) with {@code properties}. */
    public static StreamsApp start(String name, Topology topology, Properties properties) {
        StreamsApp app = new StreamsApp(name, topology, properties);
        LOG.info("{}: starting ({})", name, properties.getProperty("application.id"));
        app.streams.start();
        return app;
    }

    public String name() {
        return name;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The first uncaught error that stopped the application, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Whether the application stopped on an error (rather than running, or closing on request). */
    public boolean failed() {
        return failure.get() != null || streams.state() == KafkaStreams.State.ERROR;
    }

    /** Whether the application is no longer processing: failed, or closed. */
    public boolean stopped() {
        return failed() || streams.state() == KafkaStreams.State.NOT_RUNNING;
    }

    /** Blocks until the application stops on an error or is closed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * The Streams client's own metrics (stream threads, tasks, state stores, and the embedded consumers' and
     * producers', consumer lag included), to bind to a meter registry; close it when the application closes.
     */
    public KafkaStreamsMetrics metricsBinder() {
        return new KafkaStreamsMetrics(streams);
    }

    /** Stops the application, committing what it finished, and waits up to 30 s for it. */
    @Override
    public void close() {
        streams.close(CLOSE_TIMEOUT);
        stopped.countDown();
    }
}
