package org.stegoehealth.ops.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.CommonOptions;
import picocli.CommandLine.Option;

/** Options of the commands that run the whole pipeline in this process ({@code demo}, {@code bench pipeline}). */
public final class PipelineOptions {

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Model artifact directory (default: the bundled default model).")
    Path model;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Broker data, registry log and Streams state; wiped at "
                    + "start (default: runs/<command> under the installation directory).")
    Path workDir;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "Longest wait for a round of X-rays to come out (default: ${DEFAULT-VALUE}).")
    long timeoutS;

    /** The configuration: {@code common}'s options, with {@code --model} when given. */
    public StegoConfig config(CommonOptions common) {
        Map<String, String> extra = new HashMap<>();
        extra.put(StegoConfig.MODEL_PATH, model == null ? null : model.toString());
        return common.load(extra);
    }

    /** The work directory: {@code --work-dir}, else {@code runs/<name>} under the installation directory. */
    public Path workDir(String name) {
        return workDir != null
                ? workDir
                : PipelineCluster.home().resolve("runs").resolve(name);
    }

    public Duration timeout() {
        return Duration.ofSeconds(timeoutS);
    }
}
