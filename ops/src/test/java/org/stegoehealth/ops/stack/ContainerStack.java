package org.stegoehealth.ops.stack;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and Apicurio Registry from the images {@code ops/docker/build-images.sh} builds, run with Testcontainers on the
 * host's network (the project's Docker daemon runs without a bridge): each container gets free loopback ports through
 * its environment, the same {@code KAFKA_*} and {@code QUARKUS_*} variables as in {@code docker-compose.yml}, and
 * clients reach it at {@code 127.0.0.1:<port>}. No image is ever pulled: missing images are reported by
 * {@link #unavailable()}. Containers are removed by {@link #close()} (and by Testcontainers' JVM shutdown hook when a
 * run is interrupted; Ryuk is not used).
 */
public final class ContainerStack implements TestStack {

    public static final String KAFKA_IMAGE = "stego-ehealth/kafka:4.1.1";
    public static final String REGISTRY_IMAGE = "stego-ehealth/apicurio-registry:3.3.3";
    /** Label on every container this class starts: {@code docker ps --filter label=org.stegoehealth.it}. */
    public static final String LABEL = "org.stegoehealth.it";

    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final long MEMORY_LIMIT_BYTES = 1024L * 1024 * 1024;

    private final GenericContainer<?> kafka;
    private final GenericContainer<?> registry;
    private final int kafkaPort;
    private final int registryPort;
    private final List<LogFile> logs;

    private ContainerStack(
            GenericContainer<?> kafka,
            int kafkaPort,
            GenericContainer<?> registry,
            int registryPort,
            List<LogFile> logs) {
        this.kafka = kafka;
        this.kafkaPort = kafkaPort;
        this.registry = registry;
        this.registryPort = registryPort;
        this.logs = logs;
    }

    /**
     * Why the containers cannot run here ("no Docker daemon ...", "image ... is not in the local Docker daemon ..."),
     * or empty when a Docker daemon answers and holds both images.
     */
    public static Optional<String> unavailable() {
        String host = Optional.ofNullable(System.getenv("DOCKER_HOST")).orElse("unix:///var/run/docker.sock");
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.of("no Docker daemon answers at " + host);
            }
        } catch (RuntimeException e) {
            String hint = System.getenv("TESTCONTAINERS_HOST_OVERRIDE") == null
                    ? "; without a bridge network, set TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 as the Maven build does"
                    : "";
            return Optional.of("Testcontainers cannot use the Docker daemon at " + host + " ("
                    + e.getMessage().strip() + ")" + hint);
        }
        DockerClient docker = DockerClientFactory.instance().client();
        List<String> missing = new ArrayList<>();
        for (String image : List.of(KAFKA_IMAGE, REGISTRY_IMAGE)) {
            try {
                docker.inspectImageCmd(image).exec();
            } catch (NotFoundException e) {
                missing.add(image);
            }
        }
        if (!missing.isEmpty()) {
            return Optional.of(
                    String.join(" and ", missing)
                            + (missing.size() == 1 ? " is" : " are")
                            + " not in the local Docker daemon (no image is pulled); build them with ops/docker/build-images.sh");
        }
        return Optional.empty();
    }

    /**
     * Starts the broker and the registry side by side (the registry keeps its schemas in memory, so it does not wait
     * for the broker), their logs in {@code workDir/kafka.log} and {@code workDir/registry.log}, and returns once the
     * broker has started and the registry reports ready.
     */
    public static ContainerStack start(Path workDir) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int kafkaPort = freePort();
        int controllerPort = freePort();
        int registryPort = freePort();
        int managementPort = freePort();

        LogFile kafkaLog = new LogFile(workDir.resolve("kafka.log"), "Kafka Server started");
        GenericContainer<?> kafka = container(KAFKA_IMAGE, "kafka", kafkaPort, kafkaLog)
                .withEnv(Map.ofEntries(
                        Map.entry("KAFKA_NODE_ID", "1"),
                        Map.entry("KAFKA_PROCESS_ROLES", "broker,controller"),
                        Map.entry(
                                "KAFKA_LISTENERS",
                                "PLAINTEXT://" + HOST + ":" + kafkaPort + ",CONTROLLER://" + HOST + ":"
                                        + controllerPort),
                        Map.entry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://" + HOST + ":" + kafkaPort),
                        Map.entry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                        Map.entry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@" + HOST + ":" + controllerPort),
                        Map.entry("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
                        Map.entry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
                        Map.entry("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "1"),
                        Map.entry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
                        Map.entry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1"),
                        Map.entry("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1"),
                        Map.entry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
                        Map.entry("KAFKA_MESSAGE_MAX_BYTES", "33554432"),
                        Map.entry("KAFKA_REPLICA_FETCH_MAX_BYTES", "33554432"),
                        Map.entry("KAFKA_HEAP_OPTS", "-Xms128m -Xmx512m")))
                .waitingFor(new ReadyWhen("the broker to start", kafkaLog::seen));

        LogFile registryLog = new LogFile(workDir.resolve("registry.log"), null);
        String health = "http://" + HOST + ":" + managementPort + "/health/ready";
        GenericContainer<?> registry = container(REGISTRY_IMAGE, "registry", registryPort, registryLog)
                .withEnv(Map.of(
                        "QUARKUS_HTTP_HOST",
                        HOST,
                        "QUARKUS_HTTP_PORT",
                        Integer.toString(registryPort),
                        "QUARKUS_MANAGEMENT_HOST",
                        HOST,
                        "QUARKUS_MANAGEMENT_PORT",
                        Integer.toString(managementPort),
                        "JAVA_OPTS_APPEND",
                        "-Xms64m -Xmx512m"))
                .waitingFor(new ReadyWhen("the registry to report ready at " + health, () -> answers200(health)));

        try {
            Startables.deepStart(kafka, registry).join();
        } catch (RuntimeException e) {
            stopQuietly(registry, e);
            stopQuietly(kafka, e);
            kafkaLog.close();
            registryLog.close();
            throw new IllegalStateException(
                    "the containers did not start: " + e.getMessage() + "\n--- last lines of " + kafkaLog.path + ":\n"
                            + kafkaLog.tail(LogFile.TAIL) + "\n--- last lines of " + registryLog.path + ":\n"
                            + registryLog.tail(LogFile.TAIL),
                    e);
        }
        return new ContainerStack(kafka, kafkaPort, registry, registryPort, List.of(kafkaLog, registryLog));
    }

    private static GenericContainer<?> container(String image, String role, int port, LogFile log) {
        return new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withLabel(LABEL, role)
                .withLogConsumer(log)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName("stego-it-" + role + "-" + port);
                    cmd.getHostConfig().withMemory(MEMORY_LIMIT_BYTES);
                });
    }

    @Override
    public String name() {
        return StackKind.CONTAINERS.label();
    }

    @Override
    public String description() {
        return KAFKA_IMAGE + " (" + shortId(kafka) + ", broker " + bootstrapServers() + "), " + REGISTRY_IMAGE + " ("
                + shortId(registry) + ", registry " + schemaRegistryUrl() + "), on the host network";
    }

    @Override
    public String bootstrapServers() {
        return HOST + ":" + kafkaPort;
    }

    @Override
    public String schemaRegistryUrl() {
        return "http://" + HOST + ":" + registryPort + "/apis/ccompat/v7";
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("stopping the containers failed");
        stopQuietly(registry, failure);
        stopQuietly(kafka, failure);
        logs.forEach(LogFile::close);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /**
     * Each container's state as the Docker daemon reports it (running, killed for memory, exit code), its memory
     * against the limit and how often it reached it, and each log's last warnings and last lines.
     */
    @Override
    public String diagnosis() {
        StringBuilder out = new StringBuilder();
        List<GenericContainer<?>> containers = List.of(kafka, registry);
        for (int i = 0; i < containers.size(); i++) {
            GenericContainer<?> container = containers.get(i);
            LogFile log = logs.get(i);
            out.append(shortId(container))
                    .append(' ')
                    .append(container.getDockerImageName())
                    .append(": ")
                    .append(state(container))
                    .append("; ")
                    .append(memory(container))
                    .append('\n')
                    .append("--- last warnings in ")
                    .append(log.path)
                    .append(":\n")
                    .append(log.warnings())
                    .append("\n--- last lines:\n")
                    .append(log.tail(LAST_LINES))
                    .append('\n');
        }
        return out.toString();
    }

    private static final int LAST_LINES = 8;

    private static String state(GenericContainer<?> container) {
        try {
            InspectContainerResponse.ContainerState state = DockerClientFactory.instance()
                    .client()
                    .inspectContainerCmd(container.getContainerId())
                    .exec()
                    .getState();
            return state.getStatus() + (Boolean.TRUE.equals(state.getOOMKilled()) ? ", KILLED FOR MEMORY" : "")
                    + (Boolean.TRUE.equals(state.getRunning()) ? "" : ", exit code " + state.getExitCodeLong())
                    + ", started " + state.getStartedAt();
        } catch (RuntimeException e) {
            return "the Docker daemon cannot say (" + e.getMessage() + ")";
        }
    }

    /** The container's memory from its cgroup (v1 or v2), read inside it. */
    private static String memory(GenericContainer<?> container) {
        String script = "cd /sys/fs/cgroup; if [ -f memory.current ]; then"
                + " echo \"memory $(cat memory.current) bytes of $(cat memory.max); events: $(tr '\\n' ' ' < memory.events)\";"
                + " else cd memory; echo \"memory $(cat memory.usage_in_bytes) bytes of $(cat memory.limit_in_bytes),"
                + " peak $(cat memory.max_usage_in_bytes), limit reached $(cat memory.failcnt) times\"; fi";
        try {
            return container.execInContainer("sh", "-c", script).getStdout().strip();
        } catch (IOException | RuntimeException e) {
            return "memory unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "memory unknown (interrupted)";
        }
    }

    private static String shortId(GenericContainer<?> container) {
        String id = container.getContainerId();
        return "container " + (id == null ? "?" : id.substring(0, Math.min(12, id.length())));
    }

    private static void stopQuietly(GenericContainer<?> container, RuntimeException failure) {
        try {
            container.stop();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static boolean answers200(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until a check passes, failing early when the container has stopped. Testcontainers' own port-based
     * strategies do not apply on the host network (there are no mapped ports).
     */
    private static final class ReadyWhen extends AbstractWaitStrategy {
        private final String what;
        private final BooleanSupplier check;

        ReadyWhen(String what, BooleanSupplier check) {
            this.what = what;
            this.check = check;
            withStartupTimeout(START_TIMEOUT);
        }

        @Override
        protected void waitUntilReady() {
            long deadline = System.nanoTime() + startupTimeout.toNanos();
            while (!check.getAsBoolean()) {
                if (!waitStrategyTarget.isRunning()) {
                    throw new IllegalStateException(
                            "the container stopped while waiting for " + what + " (see its log)");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "timed out after " + startupTimeout.toSeconds() + " s waiting for " + what,
                            new TimeoutException());
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + what, e);
                }
            }
        }
    }

    /** A container's output, appended to a file as it comes; remembers its last lines and whether a marker came. */
    private static final class LogFile implements Consumer<OutputFrame>, AutoCloseable {
        private static final int TAIL = 40;
        private static final int WARNINGS = 12;
        private final Path path;
        private final String marker;
        private final ArrayDeque<String> last = new ArrayDeque<>();
        private final ArrayDeque<String> warnings = new ArrayDeque<>();
        private volatile boolean seen;
        private BufferedWriter out;

        LogFile(Path path, String marker) {
            this.path = path;
            this.marker = marker;
        }

        @Override
        public synchronized void accept(OutputFrame frame) {
            if (frame.getBytes() == null) {
                return;
            }
            String line = frame.getUtf8StringWithoutLineEnding();
            if (marker != null && line.contains(marker)) {
                seen = true;
            }
            keep(last, line, TAIL);
            if (line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception")) {
                keep(warnings, line, WARNINGS);
            }
            try {
                if (out == null) {
                    out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
                }
                out.write(line);
                out.newLine();
                out.flush();
            } catch (IOException e) {
                // the file is for diagnosis only; the last lines stay in memory
            }
        }

        boolean seen() {
            return seen;
        }

        private static void keep(ArrayDeque<String> lines, String line, int most) {
            lines.addLast(line);
            if (lines.size() > most) {
                lines.removeFirst();
            }
        }

        synchronized String tail(int lines) {
            return last.stream().skip(Math.max(0, last.size() - lines)).collect(Collectors.joining("\n"));
        }

        synchronized String warnings() {
            return warnings.isEmpty() ? "(none)" : String.join("\n", warnings);
        }

        @Override
        public synchronized void close() {
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException e) {
                // nothing left to write
            }
        }
    }
}
