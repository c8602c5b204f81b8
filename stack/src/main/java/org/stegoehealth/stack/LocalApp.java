package org.stegoehealth.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A {@code stego} command (the embedder, the extractor) running as its own JVM from the built ops jar, as an operator
 * runs it with {@code java -jar}: configured by a properties file ({@code --config}), output appended to a log file,
 * ended with the JVM that started it. {@link #kill()} ends it the hard way (SIGKILL).
 */
public final class LocalApp extends ChildService {

    private static final String MAIN_CLASS = "org.stegoehealth.ops.StegoCli";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private LocalApp(ChildJvm process) {
        super(process);
    }

    /**
     * Starts {@code stego <command> --config <configFile>} in a new JVM.
     *
     * @param workDir the child's working directory
     * @param home    the installation directory the child sees ({@code stego.home})
     */
    public static LocalApp start(String command, Path configFile, Path workDir, Path logFile, Path home) {
        return start(command, configFile, workDir, logFile, home, 0);
    }

    /**
     * As {@link #start(String, Path, Path, Path, Path)} with the native compute threads of its model (OpenMP, oneDNN,
     * BLAS) limited to {@code computeThreads}; 0 leaves them at their default (every core).
     */
    public static LocalApp start(
            String command, Path configFile, Path workDir, Path logFile, Path home, int computeThreads) {
        Map<String, String> environment = new HashMap<>();
        if (computeThreads > 0) {
            for (String variable : List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")) {
                environment.put(variable, Integer.toString(computeThreads));
            }
        }
        List<String> jvm = new ArrayList<>(List.of(
                "-Xmx1g",
                "-Djava.awt.headless=true",
                "-Dorg.bytedeco.javacpp.maxbytes=2g",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=4g",
                "-Dstego.home=" + home.toAbsolutePath()));
        String extension = System.getProperty("org.bytedeco.javacpp.platform.extension");
        if (extension == null) {
            extension = System.getenv().getOrDefault("STEGO_PLATFORM_EXTENSION", "-onednn-avx2");
        }
        jvm.add("-Dorg.bytedeco.javacpp.platform.extension=" + extension);
        ChildJvm child = ChildJvm.start(
                command,
                workDir.toAbsolutePath(),
                logFile.toAbsolutePath(),
                List.of(StackBuild.cliJar().toString()),
                jvm,
                environment,
                MAIN_CLASS,
                List.of(command, "--config", configFile.toAbsolutePath().toString()));
        return new LocalApp(child);
    }

    /** Writes an app's configuration file ({@code --config}), readable by the owner only: it may hold passwords. */
    public static void writeConfig(Path file, Properties properties, String comment) {
        LocalSupport.writePrivate(file, properties, comment);
    }

    /**
     * Whether the app whose {@code metrics.port} is {@code metricsPort} answers 200 on {@code /health/ready} now: its
     * Kafka Streams client is RUNNING. False while it does not listen yet.
     */
    public static boolean ready(int metricsPort) {
        HttpRequest probe = HttpRequest.newBuilder(
                        URI.create("http://" + LocalSupport.HOST + ":" + metricsPort + "/health/ready"))
                .timeout(Duration.ofSeconds(1))
                .GET()
                .build();
        return LocalSupport.answers200(HTTP, probe, "the app on metrics port " + metricsPort);
    }

    /** A TCP port free on the loopback interface now, e.g. for the app's {@code metrics.port}. */
    public static int freePort() {
        return LocalSupport.freePort();
    }

    public String name() {
        return process.name();
    }

    /** Whether it still runs ({@link #isRunning()}). */
    public boolean isAlive() {
        return isRunning();
    }

    /** The exit code, or -1 while running. */
    public int exitCode() {
        return process.exitCode();
    }

    /** The last error line of its log, as {@code ": <line>"}, or an empty string. */
    public String lastError() {
        return process.lastError();
    }

    /** Kills it with SIGKILL: no shutdown hook, no clean close of its Kafka clients; waits until it is gone. */
    public void kill() {
        process.kill();
    }
}
