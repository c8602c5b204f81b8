package org.stegoehealth.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in a child JVM, listening on free
 * loopback ports, with its data, configuration and log in one folder. Internal topics have one replica, so
 * transactions, exactly-once Streams and consumer groups work against it.
 *
 * <pre>{@code
 * try (LocalKafka kafka = LocalKafka.start(Path.of("target/kafka"))) {
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class LocalKafka implements AutoCloseable {

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
    private static final String HOST = LocalSupport.HOST;

    private final ChildJvm process;
    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final KafkaSecurity security;

    private LocalKafka(ChildJvm process, Path dataDir, int port, int controllerPort, KafkaSecurity security) {
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.security = security;
    }

    /** Starts a broker with its data in {@code dataDir} (created if missing, reused if formatted before). */
    public static LocalKafka start(Path dataDir) {
        return start(dataDir, DEFAULT_START_TIMEOUT);
    }

    /** Starts a broker and waits until it answers, at most {@code timeout}. */
    public static LocalKafka start(Path dataDir, Duration timeout) {
        return start(dataDir, timeout, null);
    }

    /**
     * As {@link #start(Path, Duration)}; with {@code security} (null: plaintext) clients connect with SASL/SCRAM over
     * TLS, the controller listener takes TLS too, and the standard authorizer refuses whatever no ACL allows.
     */
    public static LocalKafka start(Path dataDir, Duration timeout, KafkaSecurity security) {
        return start(dataDir, timeout, LocalSupport.freePort(), LocalSupport.freePort(), security);
    }

    /**
     * Starts this broker again after {@link #close()}: same ports, same data, so clients reconnect to the same
     * address and find their topics, offsets and transactions where they left them.
     *
     * @return the restarted broker
     */
    public LocalKafka startAgain(Duration timeout) {
        if (process.isAlive()) {
            throw new LocalStackException("the Kafka broker on " + bootstrapServers() + " is still running");
        }
        return start(dataDir, timeout, port, controllerPort, security);
    }

    private static LocalKafka start(
            Path dataDir, Duration timeout, int port, int controllerPort, KafkaSecurity security) {
        long started = System.nanoTime();
        Path dir = dataDir.toAbsolutePath();
        Path kafkaLib = StackBuild.kafkaLib();
        Path config = dir.resolve("server.properties");
        Path log = dir.resolve("kafka.log");
        LocalSupport.createPrivateDirectory(dir);
        writeConfig(config, dir.resolve("data"), port, controllerPort, security);
        List<String> classpath = List.of(kafkaLib.resolve("*").toString());
        List<String> jvm = jvmOptions();
        List<String> format =
                new ArrayList<>(List.of("format", "-t", clusterId(dir), "-c", config.toString(), "--ignore-formatted"));
        if (security != null) {
            format.addAll(security.formatArguments());
        }
        int formatted = ChildJvm.run(
                "Kafka storage format", dir, log, classpath, jvm, "kafka.tools.StorageTool", format, timeout);
        if (formatted != 0) {
            throw new LocalStackException(
                    "formatting Kafka storage in " + dir + " failed with exit code " + formatted + "; see " + log);
        }
        ChildJvm child = ChildJvm.start("kafka", dir, log, classpath, jvm, "kafka.Kafka", List.of(config.toString()));
        LocalKafka kafka = new LocalKafka(child, dir, port, controllerPort, security);
        try {
            kafka.awaitReady(started, timeout);
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
        LOG.info(
                "Kafka broker ready on {} in {} s (pid {}, log {})",
                kafka.bootstrapServers(),
                LocalSupport.seconds(System.nanoTime() - started),
                child.pid(),
                log);
        return kafka;
    }

    /** {@code bootstrap.servers} for clients. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The broker's security settings, when it was started with them. */
    public Optional<KafkaSecurity> security() {
        return Optional.ofNullable(security);
    }

    /** Kafka client settings to reach this broker as its super user: the address, and with security its TLS and SASL. */
    public Map<String, Object> adminConfig() {
        return AccessControl.adminConfig(
                bootstrapServers(), security == null ? Map.of() : security.clientConfig(KafkaSecurity.Principal.ADMIN));
    }

    /** The broker's own log (stdout and stderr of the child JVM). */
    public Path logFile() {
        return process.logFile();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** @throws LocalStackException when the broker's process has ended, naming {@code what}, its address and log */
    public void checkAlive(String what) {
        if (!process.isAlive()) {
            throw new LocalStackException(what + " on " + bootstrapServers() + " (pid " + process.pid()
                    + ") exited with code " + process.exitCode() + process.lastError() + "; see " + process.logFile());
        }
    }

    /** Stops the broker (controlled shutdown) and waits for its process to end. */
    @Override
    public void close() {
        long started = System.nanoTime();
        process.close();
        LOG.info(
                "Kafka broker on {} stopped in {} s",
                bootstrapServers(),
                LocalSupport.seconds(System.nanoTime() - started));
    }

    private void awaitReady(long startedNanos, Duration timeout) {
        long deadline = startedNanos + timeout.toNanos();
        // wait for the listener first: an admin client polling a closed port logs a warning per attempt
        while (!LocalSupport.accepts(port)) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw notReady(timeout);
            }
            LocalSupport.sleep(100);
        }
        try (Admin admin = Admin.create(adminConfig())) {
            while (true) {
                checkAlive();
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw notReady(timeout);
                }
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                            .nodes()
                            .get(Math.min(remaining, TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS)
                            .size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not ready yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LocalStackException("interrupted while waiting for the Kafka broker", e);
                }
                LocalSupport.sleep(200);
            }
        }
    }

    private void checkAlive() {
        if (!process.isAlive()) {
            throw new LocalStackException("Kafka broker exited with code " + process.exitCode() + " while starting"
                    + process.lastError() + "; see " + process.logFile());
        }
    }

    private LocalStackException notReady(Duration timeout) {
        return new LocalStackException(
                "Kafka broker did not become ready within " + timeout.toSeconds() + " s; see " + process.logFile());
    }

    private static List<String> jvmOptions() {
        return List.of(
                "-Xms128m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.state.change.logger=warn");
    }

    private static void writeConfig(Path config, Path logDirs, int port, int controllerPort, KafkaSecurity security) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", logDirs.toString());
        p.setProperty("num.partitions", "1");
        // one broker: every internal topic has one replica, or transactions and consumer groups never start
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("min.insync.replicas", "1");
        // compacted topics (covers, models) are cleaned within seconds of a topic asking for it, not 15 s later
        p.setProperty("log.cleaner.backoff.ms", "1000");
        if (security != null) {
            security.brokerConfig(HOST, port, controllerPort).forEach(p::setProperty);
        }
        // owner-only: with security it holds the key store's and the admin's passwords
        LocalSupport.writePrivate(config, p, "single-node KRaft broker for local runs and integration tests");
    }

    /** The cluster id of this data folder: kept in a file so a restart reuses the formatted storage. */
    private static String clusterId(Path dir) {
        Path file = dir.resolve("cluster.id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            String id = Uuid.randomUuid().toString();
            LocalSupport.writePrivate(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
