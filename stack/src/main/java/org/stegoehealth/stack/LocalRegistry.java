package org.stegoehealth.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry in a child JVM on a free loopback port, its schemas in an H2 file under its work dir, so a
 * restart ({@link #startAgain}) keeps every schema id. Clients use its Confluent-compatible API at
 * {@link #ccompatUrl()}, for example through {@link org.stegoehealth.schemas.HttpSchemaRegistryClient}.
 */
public final class LocalRegistry extends ChildService {

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final Logger LOG = LoggerFactory.getLogger(LocalRegistry.class);

    private final Path workDir;
    private final int port;
    private final long launchedNanos;

    private LocalRegistry(ChildJvm process, Path workDir, int port, long launchedNanos) {
        super(process);
        this.workDir = workDir;
        this.port = port;
        this.launchedNanos = launchedNanos;
    }

    /** Starts a registry, its log in {@code workDir}, and waits until its API answers. */
    public static LocalRegistry start(Path workDir) {
        return start(workDir, DEFAULT_START_TIMEOUT);
    }

    /** Starts a registry and waits until its API answers, at most {@code timeout}. */
    public static LocalRegistry start(Path workDir, Duration timeout) {
        LocalRegistry registry = launch(workDir);
        registry.awaitReady(timeout);
        return registry;
    }

    /** Starts the process without waiting, so other work overlaps its start; call {@link #awaitReady} next. */
    static LocalRegistry launch(Path workDir) {
        return launch(workDir, LocalSupport.freePort());
    }

    /**
     * Starts this registry again after {@link #close()} on the same port and waits until it answers, so clients
     * reach it at the same address.
     *
     * @return the restarted registry
     */
    public LocalRegistry startAgain(Duration timeout) {
        if (process.isAlive()) {
            throw new LocalStackException("the registry on port " + port + " is still running");
        }
        LocalRegistry again = launch(workDir, port);
        again.awaitReady(timeout);
        return again;
    }

    private static LocalRegistry launch(Path workDir, int port) {
        long started = System.nanoTime();
        Path dir = workDir.toAbsolutePath();
        Path runner = runnerJar(StackBuild.apicurioHome());
        LocalSupport.createPrivateDirectory(dir);
        List<String> jvm = ChildJvm.serverOptions(
                "64m",
                "512m",
                "-Dquarkus.http.host=" + LocalSupport.HOST,
                "-Dquarkus.http.port=" + port,
                // schemas in a file under the work dir, not in memory: a restarted registry hands out the same ids
                "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + dir.resolve("registry-db"),
                "-Dquarkus.log.console.color=false",
                "-Dquarkus.banner.enabled=false");
        ChildJvm child = ChildJvm.start(
                "apicurio-registry",
                dir,
                dir.resolve("registry.log"),
                List.of(runner.toString()),
                jvm,
                mainClass(runner),
                List.of());
        return new LocalRegistry(child, dir, port, started);
    }

    /** Waits until {@code GET /apis/ccompat/v7/subjects} answers 200; stops the process if it never does. */
    void awaitReady(Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        process.awaitReady(
                "Apicurio Registry",
                launchedNanos,
                timeout,
                250,
                remaining -> LocalSupport.accepts(port) && LocalSupport.answers200(http, probe, "Apicurio Registry"));
        LOG.info(
                "Apicurio Registry ready on {} in {} s (pid {}, log {})",
                ccompatUrl(),
                LocalSupport.seconds(System.nanoTime() - launchedNanos),
                process.pid(),
                process.logFile());
    }

    /** The Confluent-compatible API root, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /** The registry's root URL, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://" + LocalSupport.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /** @throws LocalStackException when the registry's process has ended, naming its port and log */
    public void checkAlive() {
        process.checkAlive("the schema registry on port " + port);
    }

    @Override
    public void close() {
        long started = System.nanoTime();
        process.close();
        LOG.info(
                "Apicurio Registry on port {} stopped in {} s",
                port,
                LocalSupport.seconds(System.nanoTime() - started));
    }

    private static Path runnerJar(Path home) {
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(p -> p.getFileName().toString().matches("apicurio-registry-app-.*-runner\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new LocalStackException("no apicurio-registry-app-*-runner.jar in " + home
                            + "; rebuild with ./mvnw -B install -DskipTests"));
        } catch (IOException e) {
            throw new LocalStackException("cannot list " + home + ": " + e.getMessage(), e);
        }
    }

    /** The runner jar's Main-Class; its manifest Class-Path brings the jars in lib/ along. */
    private static String mainClass(Path runner) {
        try (JarFile jar = new JarFile(runner.toFile())) {
            String main = jar.getManifest() == null
                    ? null
                    : jar.getManifest().getMainAttributes().getValue("Main-Class");
            if (main == null) {
                throw new LocalStackException(runner + " names no Main-Class in its manifest");
            }
            return main;
        } catch (IOException e) {
            throw new LocalStackException("cannot read " + runner + ": " + e.getMessage(), e);
        }
    }
}
