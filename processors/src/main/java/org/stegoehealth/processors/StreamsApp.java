package org.stegoehealth.processors;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.errors.StegoException;

/**
 * One running Kafka Streams application, started the one way the project starts them: state changes logged, and
 * an uncaught error (records that can be dead-lettered already are, so what reaches here is infrastructure: broker,
 * registry, disk) logged and answered by its kind. A recoverable one (an outage of the registry or the broker, a
 * retriable Kafka error) replaces the stream thread after a bounded, growing pause, so the task retries the same
 * records once the service is back and nothing is dead-lettered; anything else is remembered and shuts the client
 * down. Used by {@code stego embedder}, {@code stego extractor} and the in-process pipeline of the demo and
 * benchmarks.
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
        ThreadReplacement replacement = new ThreadReplacement(System::nanoTime, Thread::sleep);
        streams.setUncaughtExceptionHandler(e -> {
            if (isRecoverable(e)) {
                Duration pause = replacement.nextPause();
                LOG.warn(
                        "{}: stream thread failed on an outage ({}); replacing it in {} s",
                        name,
                        rootMessage(e),
                        pause.toSeconds());
                replacement.pause(pause);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
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

    /**
     * Whether a stream thread that died of {@code e} should be replaced rather than the client shut down: an outage
     * somewhere in the causes ({@link StegoException#isOutage}: registry unreachable or failing) or a retriable
     * Kafka error (broker unavailable, timeouts). Errors of the JVM ({@link Error}) are never recoverable.
     */
    static boolean isRecoverable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Error) {
                return false;
            }
            // Kafka's TimeoutException and the broker-unavailable errors are RetriableExceptions
            if (StegoException.isOutage(t) || t instanceof RetriableException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /**
     * The pause before a failed stream thread is replaced: 1 s, doubling with each failure up to one minute, and
     * back to 1 s once the last failure is five minutes old. During a long outage the application so retries about
     * once a minute instead of spinning, and stays up.
     */
    static final class ThreadReplacement {
        static final Duration FIRST = Duration.ofSeconds(1);
        static final Duration MAX = Duration.ofMinutes(1);
        static final Duration RESET_AFTER = Duration.ofMinutes(5);

        /** Waits; tests pass one that records. */
        @FunctionalInterface
        interface Sleeper {
            void sleep(long millis) throws InterruptedException;
        }

        private final LongSupplier nanoClock;
        private final Sleeper sleeper;
        private Duration next = FIRST;
        private long lastFailureNanos;
        private boolean failedBefore;

        ThreadReplacement(LongSupplier nanoClock, Sleeper sleeper) {
            this.nanoClock = nanoClock;
            this.sleeper = sleeper;
        }

        synchronized Duration nextPause() {
            long now = nanoClock.getAsLong();
            if (!failedBefore || now - lastFailureNanos > RESET_AFTER.toNanos()) {
                next = FIRST;
            }
            failedBefore = true;
            lastFailureNanos = now;
            Duration pause = next;
            next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
            return pause;
        }

        void pause(Duration pause) {
            try {
                sleeper.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
