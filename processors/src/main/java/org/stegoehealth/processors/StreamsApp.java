package org.stegoehealth.processors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
 * retriable Kafka error) restarts the whole Streams client after a bounded, growing pause, so the tasks retry the
 * same records once the service is back and nothing is dead-lettered; anything else is remembered and stops the
 * application. Used by {@code stego embedder}, {@code stego extractor} and the in-process pipeline of the demo and
 * benchmarks.
 *
 * <p>Why the client and not just the failed thread: with exactly-once, a stream thread's transactional id ends in
 * its thread number, and a replacement thread takes the next free number while the failed one is still shutting
 * down. A transaction the failed thread left open is then fenced by nobody; if the process is later killed, the
 * restarted one (thread 1 again) cannot fence the replacement's open transaction either, and every read_committed
 * reader downstream waits for {@code transaction.timeout.ms}. A restarted client numbers its threads from 1 again
 * and, with the same state directory, keeps its process id, so it fences whatever the previous one left open.
 */
public final class StreamsApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Topology topology;
    private final Properties properties;
    private final RestartBackoff backoff = new RestartBackoff(System::nanoTime, Thread::sleep);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ClientMetrics metrics = new ClientMetrics();
    private final Object lifecycle = new Object();
    private volatile KafkaStreams streams;
    /** Restarts asked for and not finished: while there are any, a stopped client is not a stopped application. */
    private final AtomicInteger pendingRestarts = new AtomicInteger();

    private volatile boolean closing;
    private volatile int restarts;

    private StreamsApp(String name, Topology topology, Properties properties) {
        this.name = name;
        this.topology = topology;
        this.properties = properties;
        this.streams = newClient();
    }

    private KafkaStreams newClient() {
        KafkaStreams client = new KafkaStreams(topology, properties);
        client.setUncaughtExceptionHandler(e -> {
            if (!restartOnOutage(client, e)) {
                LOG.error("{} stopped on an unexpected error: {}", name, e.toString(), e);
                failure.compareAndSet(null, e);
            }
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        client.setStateListener((now, before) -> {
            LOG.info("{}: {} -> {}", name, before, now);
            if (client == streams && !restarting() && isStopped(now)) {
                stopped.countDown();
            }
        });
        return client;
    }

    /**
     * When {@code e} is an outage, schedules a restart of the application after the next pause and returns true; the
     * failed {@code client} shuts itself down meanwhile.
     */
    private boolean restartOnOutage(KafkaStreams client, Throwable e) {
        if (closing || !isRecoverable(e)) {
            return false;
        }
        Duration pause = backoff.nextPause();
        LOG.warn(
                "{}: stopped by an outage ({}); restarting the application in {} s",
                name,
                rootMessage(e),
                pause.toSeconds());
        pendingRestarts.incrementAndGet();
        Thread restart = new Thread(() -> restartAfter(client, pause), name + "-restart");
        restart.setDaemon(true);
        restart.start();
        return true;
    }

    private static boolean isStopped(KafkaStreams.State state) {
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING;
    }

    /** Waits out the pause, closes the failed client and starts a new one on the same topology and settings. */
    private void restartAfter(KafkaStreams failed, Duration pause) {
        try {
            backoff.pause(pause);
            synchronized (lifecycle) {
                if (closing) {
                    return;
                }
                // the client shuts itself down after the handler returned; close() waits for that
                failed.close(CLOSE_TIMEOUT);
                try {
                    KafkaStreams client = newClient();
                    streams = client;
                    restarts++;
                    metrics.rebind(client);
                    client.start();
                    LOG.info("{}: application restarted (restart {})", name, restarts);
                } catch (RuntimeException e) {
                    // a global store restoring from a topic meets the outage inside start(): another restart
                    if (!restartOnOutage(streams, e)) {
                        LOG.error("{}: cannot restart the application: {}", name, e.toString(), e);
                        failure.compareAndSet(null, e);
                        stopped.countDown();
                    }
                }
            }
        } finally {
            // a failure during or right after the start has asked for its own restart by now
            pendingRestarts.decrementAndGet();
        }
    }

    private boolean restarting() {
        return pendingRestarts.get() > 0;
    }

    /**
     * Whether an application whose stream thread died of {@code e} should be restarted rather than stopped: an
     * outage somewhere in the causes ({@link StegoException#isOutage}: registry unreachable or failing) or a
     * retriable Kafka error (broker unavailable, timeouts). Errors of the JVM ({@link Error}) are never recoverable.
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
     * The pause before a failed application is restarted: 1 s, doubling with each failure up to 30 s, and
     * back to 1 s once the last failure is five minutes old. During a long outage the application so retries twice a
     * minute instead of spinning, and stays up.
     */
    static final class RestartBackoff {
        static final Duration FIRST = Duration.ofSeconds(1);
        static final Duration MAX = Duration.ofSeconds(30);
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

        RestartBackoff(LongSupplier nanoClock, Sleeper sleeper) {
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
        app.metrics.rebind(app.streams);
        try {
            app.streams.start();
        } catch (RuntimeException e) {
            // a global store restoring from a topic meets an outage inside start(): retry like any other outage
            if (!app.restartOnOutage(app.streams, e)) {
                app.streams.close(CLOSE_TIMEOUT);
                throw e;
            }
        }
        return app;
    }

    public String name() {
        return name;
    }

    /** The Streams client's state; {@code ERROR} for a moment while the application restarts after an outage. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** How many times the application has restarted itself after an outage. */
    public int restarts() {
        return restarts;
    }

    /** The first uncaught error that stopped the application, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Whether the application stopped on an error (rather than running, restarting, or closing on request). */
    public boolean failed() {
        return failure.get() != null || (!restarting() && streams.state() == KafkaStreams.State.ERROR);
    }

    /** Whether the application is no longer processing: failed, or closed. */
    public boolean stopped() {
        return failed() || (!restarting() && streams.state() == KafkaStreams.State.NOT_RUNNING);
    }

    /** Blocks until the application stops on an error or is closed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * The Streams client's own metrics (stream threads, tasks, state stores, and the embedded consumers' and
     * producers', consumer lag included), to bind to a meter registry; they follow the application through restarts
     * and are removed when it closes.
     */
    public MeterBinder metricsBinder() {
        return metrics;
    }

    /** Stops the application, committing what it finished, and waits up to 30 s for it. */
    @Override
    public void close() {
        closing = true;
        synchronized (lifecycle) {
            streams.close(CLOSE_TIMEOUT);
        }
        metrics.close();
        stopped.countDown();
    }

    /** Kafka Streams client metrics bound to every registry they were asked for, moved to each new client. */
    private static final class ClientMetrics implements MeterBinder, AutoCloseable {
        private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
        private KafkaStreamsMetrics current;

        @Override
        public synchronized void bindTo(MeterRegistry registry) {
            registries.add(registry);
            if (current != null) {
                current.bindTo(registry);
            }
        }

        synchronized void rebind(KafkaStreams newClient) {
            close();
            current = new KafkaStreamsMetrics(newClient);
            registries.forEach(current::bindTo);
        }

        @Override
        public synchronized void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
