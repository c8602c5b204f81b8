package org.stegoehealth.stack.pipeline;

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
            description = "Broker data, registry log, Streams state, keys and report (default: runs/<command> under"
                    + " the installation directory). Locked for the run; one that holds an earlier run's data is"
                    + " refused unless --fresh is given.")
    Path workDir;

    @Option(
            names = "--fresh",
            description = "Wipe what an earlier run left in the work directory before starting (without it, such a"
                    + " directory is refused).")
    boolean fresh;

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

    /**
     * Locks the work directory ({@link #workDir}) for this run, wiping an earlier run's data with {@code --fresh}.
     *
     * @throws PipelineException one line, when it is in use or holds data and {@code --fresh} was not given
     */
    public WorkDir claimWorkDir(String name) {
        return WorkDir.claim(workDir(name), fresh);
    }

    public Duration timeout() {
        return Duration.ofSeconds(timeoutS);
    }
}
