package org.stegoehealth.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.Progress;

/**
 * The periodic trainer: each round fine-tunes the promoted version on the current training pool, measures the
 * candidate and the promoted version on the same held-out pairs, publishes the candidate, promotes it if the
 * {@link PromotionGate} passes, and records the round. A round's state lives in {@code workDir/current-round.json}
 * and its checkpoints in {@code workDir/<round id>/}, so a round interrupted by a crash resumes where it stopped.
 */
public final class Retrainer {

    static final String CURRENT = "current-round.json";

    /**
     * How a round trains and measures.
     *
     * @param steps         fine-tuning steps of one round
     * @param learningRate  initial learning rate of the fine-tune (decays to 0 over the round)
     * @param heldOutImages held-out pairs both versions are measured on
     */
    public record RoundSettings(
            int steps,
            int batch,
            int crop,
            double learningRate,
            double beta,
            long seed,
            int checkpointEvery,
            int heldOutImages,
            int validationSize) {

        TrainingSettings training(NetworkConfig network) {
            return new TrainingSettings(
                    network,
                    steps,
                    batch,
                    crop,
                    learningRate,
                    beta,
                    seed,
                    steps,
                    Math.min(checkpointEvery, steps),
                    heldOutImages,
                    validationSize,
                    0,
                    0,
                    0,
                    false);
        }
    }

    /** What a round has done so far; written after each stage so a crash resumes at the next one. */
    record RoundState(
            String roundId,
            String baseVersion,
            String baseArtifact,
            long startedAtMs,
            String candidate,
            boolean published) {}

    private final ModelHub hub;
    private final Callable<TrainingData> pool;
    private final Path workDir;
    private final RoundSettings settings;
    private final PromotionGate gate;
    private final Progress progress;
    private final Clock clock;

    /** @param pool loads the current training pool (held-out split included) at the start of each round */
    public Retrainer(
            ModelHub hub,
            Callable<TrainingData> pool,
            Path workDir,
            RoundSettings settings,
            PromotionGate gate,
            Progress progress,
            Clock clock) {
        this.hub = hub;
        this.pool = pool;
        this.workDir = workDir;
        this.settings = settings;
        this.gate = gate;
        this.progress = progress;
        this.clock = clock;
    }

    /** The round a crash interrupted, if any. */
    public Optional<String> unfinishedRound() throws IOException {
        Path current = workDir.resolve(CURRENT);
        return Files.isRegularFile(current) ? Optional.of(read(current).roundId()) : Optional.empty();
    }

    /**
     * Runs rounds whenever {@code trigger} says so (an unfinished round first), until {@code stop} is true.
     *
     * @return rounds completed
     */
    public int runScheduled(RetrainTrigger trigger, BooleanSupplier stop, Duration poll) throws Exception {
        int rounds = 0;
        boolean resume = unfinishedRound().isPresent();
        long lastNote = 0;
        while (!stop.getAsBoolean()) {
            if (resume || trigger.due()) {
                trigger.roundStarted();
                resume = false;
                if (runRound().isPresent()) {
                    rounds++;
                }
                continue;
            }
            if (System.nanoTime() - lastNote > Duration.ofMinutes(10).toNanos()) {
                progress.message("waiting: " + trigger.describe());
                lastNote = System.nanoTime();
            }
            Thread.sleep(poll.toMillis());
        }
        return rounds;
    }

    /**
     * Runs (or resumes) one round.
     *
     * @return the round's record, or empty when training was stopped before the end (its checkpoint is kept)
     */
    public Optional<RoundRecord> runRound() throws Exception {
        Files.createDirectories(workDir);
        Path current = workDir.resolve(CURRENT);
        RoundState state;
        if (Files.isRegularFile(current)) {
            state = read(current);
            progress.message("resuming " + state.roundId() + " (fine-tuning " + state.baseVersion() + ")");
        } else {
            ModelHub.Promoted base = hub.promoted();
            Instant now = clock.instant();
            String id = "round-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                            .withZone(ZoneOffset.UTC)
                            .format(now);
            state = new RoundState(
                    id, base.version(), base.artifact().toAbsolutePath().toString(), now.toEpochMilli(), null, false);
            write(current, state);
            progress.message(
                    "starting " + id + ": fine-tuning " + base.version() + " for " + settings.steps() + " steps");
        }
        TrainingData data = pool.call();
        ModelArtifact base = ModelArtifact.load(Path.of(state.baseArtifact()));
        if (state.candidate() == null) {
            TrainingSettings training = settings.training(base.metadata().architecture());
            Trainer trainer = Trainer.open(training, data, workDir.resolve(state.roundId()), progress, base.weights());
            if (trainer.train().step() < training.steps()) {
                return Optional.empty();
            }
            Path candidate = trainer.export(
                    workDir.resolve("models"),
                    "stego trainer (" + state.roundId() + ", fine-tuned from " + state.baseVersion() + ")",
                    false);
            state = new RoundState(
                    state.roundId(),
                    state.baseVersion(),
                    state.baseArtifact(),
                    state.startedAtMs(),
                    candidate.toAbsolutePath().toString(),
                    false);
            write(current, state);
        }
        ModelArtifact candidate = ModelArtifact.load(Path.of(state.candidate()));
        String candidateVersion = candidate.metadata().version();
        progress.message("measuring " + state.baseVersion() + " and " + candidateVersion + " on "
                + HeldOut.pairs(data, settings.heldOutImages()) + " held-out pairs");
        // training updates the weights it started from in place: measure the base as published, freshly loaded
        HeldOut.Psnr basePsnr = HeldOut.measure(
                ModelArtifact.load(Path.of(state.baseArtifact())).toModel(), data, settings.heldOutImages());
        HeldOut.Psnr candidatePsnr = HeldOut.measure(candidate.toModel(), data, settings.heldOutImages());
        PromotionGate.Decision decision = gate.decide(basePsnr, candidatePsnr);
        if (!state.published()) {
            hub.publish(Path.of(state.candidate()), state.baseVersion());
            state = new RoundState(
                    state.roundId(),
                    state.baseVersion(),
                    state.baseArtifact(),
                    state.startedAtMs(),
                    state.candidate(),
                    true);
            write(current, state);
        }
        if (decision.promote()) {
            hub.promote(candidateVersion, state.roundId() + " " + decision.reason());
        }
        RoundRecord record = new RoundRecord(
                state.roundId(),
                state.baseVersion(),
                candidateVersion,
                settings.steps(),
                ((Number) data.summary().getOrDefault("trainXrays", 0)).intValue(),
                HeldOut.pairs(data, settings.heldOutImages()),
                basePsnr,
                candidatePsnr,
                decision.promote(),
                decision.reason(),
                Instant.ofEpochMilli(state.startedAtMs()),
                clock.instant());
        hub.record(record);
        Files.delete(current);
        progress.message(state.roundId() + ": " + candidateVersion + " " + decision.reason());
        return Optional.of(record);
    }

    private static RoundState read(Path file) throws IOException {
        return Trainer.JSON.readValue(file.toFile(), RoundState.class);
    }

    private static void write(Path file, RoundState state) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Trainer.JSON.writeValue(tmp.toFile(), state);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
