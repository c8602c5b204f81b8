package org.stegoehealth.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.PolySchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.stegoehealth.model.Attack;
import org.stegoehealth.model.Channel;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.StegoNetwork;
import org.stegoehealth.model.Tensors;
import org.stegoehealth.model.TrainingGraph;

/**
 * The joint training loop: random crops, Adam with a linearly decaying learning rate, optionally an exponential
 * moving average of the weights, held-out validation, checkpoints (also when the process is interrupted) and resume,
 * and export of a versioned model artifact: by default the weights of the best validation, not the last step's.
 *
 * <p>A run lives in one directory: {@code checkpoint/} (graph with optimiser state, {@code state.json}, and the
 * averaged and best-validated weights when there are any), {@code curve.png} and progress on stdout.
 */
public final class Trainer {

    static final String CHECKPOINT = "checkpoint";
    static final String GRAPH_FILE = "graph.sd";
    static final String STATE_FILE = "state.json";
    static final String AVERAGE_FILE = "average.bin";
    static final String BEST_FILE = "best.bin";
    /**
     * The real attacks a run with a channel in the loop is validated against (and chooses its best weights by): JPEG
     * quality 90 with 4:2:0 chroma, and resizing to 0.75 and back.
     */
    static final List<String> VALIDATION_ATTACKS = List.of("jpeg90", "resize0.75");

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final TrainingData data;
    private final Path runDir;
    private final Progress progress;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final LossListener losses;
    private final List<String> names;
    private final SameDiff graph;
    private TrainingState state;
    /** The moving average of the weights, or null when averaging is off. */
    private final Map<String, INDArray> average;
    /** The weights validated best so far, or null before the first validation. */
    private Map<String, INDArray> best;

    private Trainer(
            TrainingData data,
            Path runDir,
            Progress progress,
            SameDiff graph,
            TrainingState state,
            Map<String, INDArray> average,
            Map<String, INDArray> best) {
        this.data = data;
        this.runDir = runDir;
        this.progress = progress;
        this.graph = graph;
        this.state = state;
        this.names = List.copyOf(
                StegoNetwork.initialWeights(state.settings().network(), 0).keySet());
        this.average = state.settings().averageDecay() > 0 && average == null ? current() : average;
        this.best = best;
        TrainingGraph.differentiate(graph);
        this.losses = new LossListener(state.settings().objective());
        graph.addListeners(losses);
    }

    /** A fresh run, or the run in {@code runDir} resumed from its checkpoint when one exists. */
    public static Trainer open(
            TrainingSettings settings,
            TrainingData data,
            Path runDir,
            Progress progress,
            Map<String, INDArray> startWeights)
            throws IOException {
        Files.createDirectories(runDir);
        Path ckpt = runDir.resolve(CHECKPOINT);
        if (Files.isRegularFile(ckpt.resolve(STATE_FILE))) {
            TrainingState state = JSON.readValue(ckpt.resolve(STATE_FILE).toFile(), TrainingState.class);
            SameDiff graph = SameDiff.load(ckpt.resolve(GRAPH_FILE).toFile(), true);
            // the learning-rate schedule follows the optimiser's iteration count: keep it in step with the run
            graph.getTrainingConfig().setIterationCount(state.step());
            progress.message("Resuming " + runDir + " at step " + state.step() + "/"
                    + state.settings().steps());
            return new Trainer(
                    data,
                    runDir,
                    progress,
                    graph,
                    state,
                    readIfPresent(ckpt, AVERAGE_FILE),
                    readIfPresent(ckpt, BEST_FILE));
        }
        Map<String, INDArray> weights =
                startWeights != null ? startWeights : StegoNetwork.initialWeights(settings.network(), settings.seed());
        SameDiff graph = TrainingGraph.training(
                settings.network(), weights, settings.objective(), settings.channel() == null ? 0 : settings.crop());
        if (settings.freezeEmbedder()) {
            // constants take no updates: only the extraction network (and a critic, if any) trains
            graph.convertToConstants(StegoNetwork.embedderWeights(settings.network(), graph));
        }
        graph.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(
                        new PolySchedule(ScheduleType.ITERATION, settings.learningRate(), 1.0, settings.steps())))
                .dataSetFeatureMapping(features(settings).toArray(String[]::new))
                .markLabelsUnused()
                .build());
        return new Trainer(
                data, runDir, progress, graph, new TrainingState(settings, 0, 0, List.of(), null), null, null);
    }

    /** The training graph's placeholders, in the order {@link #fitOneBatch} feeds them. */
    private static List<String> features(TrainingSettings settings) {
        List<String> names = new ArrayList<>(List.of(StegoNetwork.COVER, StegoNetwork.SECRET, StegoNetwork.NOISE));
        if (settings.channel() != null) {
            names.addAll(Channel.PLACEHOLDERS);
        }
        return names;
    }

    private static Map<String, INDArray> readIfPresent(Path dir, String file) throws IOException {
        return Files.isRegularFile(dir.resolve(file)) ? ModelArtifact.readWeights(dir.resolve(file)) : null;
    }

    public TrainingState state() {
        return state;
    }

    /** Asks a running {@link #train()} to checkpoint and return at the next step. */
    public void requestStop() {
        stopRequested.set(true);
    }

    /**
     * Trains until the configured number of steps or a stop request, checkpointing on the way and at the end.
     * Installs a shutdown hook so Ctrl-C or SIGTERM leaves a checkpoint behind.
     */
    public TrainingState train() throws IOException {
        TrainingSettings s = state.settings();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = stopHook(finished);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            losses.reset();
            Throughput throughput = new Throughput();
            while (state.step() < s.steps() && !stopRequested.get()) {
                long stepStart = System.nanoTime();
                int step = state.step();
                fitOneBatch(s, step);
                updateAverage(step);
                long now = System.nanoTime();
                throughput.add(s.batch(), now);
                state = state.advanced((now - stepStart) / 1e9);
                if (state.step() % s.validateEvery() == 0 || state.step() == s.steps()) {
                    validateAndReport(s);
                } else if (state.step() % 50 == 0 && losses.count() > 0) {
                    state.history()
                            .add(new TrainingState.Point(state.step(), state.elapsedSeconds(), losses.mean(), 0, 0));
                    losses.reset();
                }
                if (state.step() % s.checkpointEvery() == 0) {
                    checkpoint();
                }
                showProgress(s, throughput.rate());
            }
            checkpoint();
            if (stopRequested.get() && state.step() < s.steps()) {
                progress.message("Stopped at step " + state.step() + "; checkpoint saved in "
                        + runDir.resolve(CHECKPOINT) + ". Run the same command again to resume.");
            }
            return state;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook is waiting for us and will return now
            }
        }
    }

    /** A shutdown hook that asks the loop to stop and waits (at most two minutes) for its last checkpoint. */
    private Thread stopHook(CountDownLatch finished) {
        return new Thread(
                () -> {
                    requestStop();
                    try {
                        finished.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "training-stop");
    }

    /**
     * One optimiser step on a batch sampled reproducibly for {@code step}: random crops of covers and X-rays, and
     * rounding noise of half a grey level.
     */
    private void fitOneBatch(TrainingSettings s, int step) {
        Random random = new Random(s.seed() * 1_000_003L + step);
        List<FloatImage> covers = new ArrayList<>(s.batch());
        List<FloatImage> secrets = new ArrayList<>(s.batch());
        for (int i = 0; i < s.batch(); i++) {
            covers.add(data.sampleCover(random, s.crop()));
            secrets.add(
                    data.sampleXray(random, s.crop()).withChannels(s.network().secretChannels()));
        }
        INDArray cover = Tensors.stack(covers);
        INDArray noise = Nd4j.rand(cover.dataType(), cover.shape()).subi(0.5).divi(255.0);
        INDArray secret = Tensors.stack(secrets);
        List<INDArray> features = new ArrayList<>(List.of(cover, secret, noise));
        if (s.channel() != null) {
            Channel.Draw draw = s.channel().draw(step, random, s.crop());
            if (draw.noiseSigma() > 0) {
                try (INDArray gaussian = Nd4j.randn(cover.dataType(), cover.shape())) {
                    noise.addi(gaussian.muli(draw.noiseSigma() / 255.0));
                }
            }
            features.addAll(List.of(draw.feed()));
        }
        // the loss listener receives this step's loss from the fit itself
        graph.fit(new MultiDataSet(features.toArray(INDArray[]::new), new INDArray[0]));
        // free the batch now rather than when the garbage collector gets round to it (off-heap memory)
        features.forEach(INDArray::close);
    }

    /** Measures the held-out PSNR, keeps the weights when they are the best so far, and says so. */
    private void validateAndReport(TrainingSettings s) {
        double[] psnr = validate();
        double attacked = 0;
        StringBuilder after = new StringBuilder();
        if (s.channel() != null) {
            for (int i = 2; i < psnr.length; i++) {
                attacked += Math.pow(10, -psnr[i] / 10) / (psnr.length - 2);
                after.append(String.format(", after %s %.2f dB", VALIDATION_ATTACKS.get(i - 2), psnr[i]));
            }
            attacked = -10 * Math.log10(attacked);
        }
        TrainingState.Point point = new TrainingState.Point(
                state.step(), state.elapsedSeconds(), losses.mean(), psnr[0], psnr[1], attacked);
        boolean better = state.validated(point);
        if (better) {
            best = weights();
            state = state.withBest(point);
        }
        progress.message(String.format(
                "step %d: loss %.6f, held-out PSNR cover %.2f dB, secret %.2f dB%s%s%s",
                state.step(),
                losses.mean(),
                psnr[0],
                psnr[1],
                after,
                s.objective().hasCritic()
                        ? String.format(", critic loss %.3f (chance 0.693)", losses.criticMean())
                        : "",
                better ? " (best so far)" : ", best still step " + state.best().step()));
        losses.reset();
    }

    private void showProgress(TrainingSettings s, double rate) {
        TrainingState.Point v = state.lastValidation();
        progress.update(
                "training",
                state.step(),
                s.steps(),
                String.format(
                        "loss %.5f  %.1f img/s%s",
                        losses.last(),
                        rate,
                        v == null ? "" : String.format("  val %.2f/%.2f dB", v.coverPsnr(), v.secretPsnr())));
    }

    /** Images per second, measured over spans of at least five seconds. */
    private static final class Throughput {
        private long lastTick = System.nanoTime();
        private int imagesSinceTick;
        private double rate;

        void add(int images, long now) {
            imagesSinceTick += images;
            double dt = (now - lastTick) / 1e9;
            if (dt > 5) {
                rate = imagesSinceTick / dt;
                imagesSinceTick = 0;
                lastTick = now;
            }
        }

        double rate() {
            return rate;
        }
    }

    /**
     * The model's weights now, by name: the moving average when the run averages, else the training graph's own.
     * A copy.
     */
    public Map<String, INDArray> weights() {
        if (average == null) {
            return current();
        }
        Map<String, INDArray> copy = new LinkedHashMap<>();
        average.forEach((name, value) -> copy.put(name, value.dup()));
        return copy;
    }

    /** The training graph's weights, copied out. */
    Map<String, INDArray> current() {
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (String name : names) {
            weights.put(name, graph.getVariable(name).getArr().dup());
        }
        return weights;
    }

    /**
     * Moves the average toward the weights after {@code step}: {@code a = d * a + (1 - d) * w}, with the decay
     * ramped up over the first steps ({@code d = min(decay, (1 + t) / (10 + t))}) so the average does not hold
     * on to the starting weights.
     */
    private void updateAverage(int step) {
        if (average == null) {
            return;
        }
        double d = Math.min(state.settings().averageDecay(), (1.0 + step) / (10.0 + step));
        for (String name : names) {
            INDArray w = graph.getVariable(name).getArr();
            average.get(name).subi(w).muli(d).addi(w);
        }
    }

    /**
     * Held-out PSNR {cover/stego, secret/extracted}, with the stego image rounded to 8 bits as when sent; for a run
     * with a channel in the loop, then the secret after each of {@link #VALIDATION_ATTACKS}, with the real encoders.
     */
    double[] validate() {
        TrainingSettings s = state.settings();
        StegoModel model = new StegoModel(s.network(), weights(), "validation");
        HeldOut.Psnr psnr = HeldOut.measure(model, data, s.validationImages());
        List<Double> values = new ArrayList<>(List.of(psnr.cover(), psnr.secret()));
        if (s.channel() != null) {
            for (String attack : VALIDATION_ATTACKS) {
                values.add(HeldOut.measure(model, data, s.validationImages(), Attack.parse(attack))
                        .secret());
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    void checkpoint() throws IOException {
        Path tmp = runDir.resolve(CHECKPOINT + ".tmp");
        Path dst = runDir.resolve(CHECKPOINT);
        deleteTree(tmp);
        Files.createDirectories(tmp);
        graph.save(tmp.resolve(GRAPH_FILE).toFile(), true);
        if (average != null) {
            ModelArtifact.writeWeights(tmp.resolve(AVERAGE_FILE), average);
        }
        if (best != null) {
            ModelArtifact.writeWeights(tmp.resolve(BEST_FILE), best);
        }
        JSON.writeValue(tmp.resolve(STATE_FILE).toFile(), state);
        Path old = runDir.resolve(CHECKPOINT + ".old");
        deleteTree(old);
        if (Files.exists(dst)) {
            Files.move(dst, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
        TrainingCurve.write(
                state.history(),
                state.best(),
                runDir.resolve("curve.png"),
                runDir.getFileName().toString());
    }

    /**
     * Writes the best-validated weights (or, with {@code last}, the latest) as an immutable model artifact under
     * {@code modelsDir}. A run never validated yet exports its latest weights.
     *
     * @param command the command line that produced the model, for the record
     */
    public Path export(Path modelsDir, String command, boolean last) throws IOException {
        TrainingSettings s = state.settings();
        boolean useBest = !last && best != null;
        Map<String, INDArray> weights = useBest ? best : weights();
        TrainingState.Point v = useBest ? state.best() : state.lastValidation();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        String version = "stego-" + (s.network().secretChannels() == 1 ? "gray" : "rgb") + "-" + stamp + "-"
                + ModelArtifact.fingerprint(weights);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("settings", s);
        training.put("stepsDone", state.step());
        training.put("trainingSeconds", Math.round(state.elapsedSeconds()));
        training.put("optimizer", "Adam, learning rate decaying linearly to 0 over the steps");
        training.put("loss", s.objective().describe());
        if (s.channel() != null) {
            training.put("channel", s.channel().describe());
        }
        if (s.averageDecay() > 0) {
            training.put("weights", "exponential moving average of the weights, decay " + s.averageDecay());
        }
        training.put(
                "exported",
                useBest
                        ? "the best held-out validation (MSE(cover) + beta * MSE(secret)): step " + v.step() + " of "
                                + state.step()
                        : "the weights of step " + state.step());
        training.put("command", command);
        training.put(TrainingCurve.METADATA_KEY, TrainingCurve.toMetadata(state.history()));
        training.put(
                "machine",
                System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        Map<String, Object> preprocessing = new LinkedHashMap<>();
        preprocessing.put("range", "pixels scaled to [0, 1] (8-bit / 255, 16-bit / 65535)");
        preprocessing.put("layout", "NHWC float32");
        preprocessing.put("cover", "RGB; gray covers replicated");
        preprocessing.put(
                "secret",
                s.network().secretChannels() == 1
                        ? "grayscale (BT.601 luminance of RGB inputs)"
                        : "RGB (gray X-rays replicated to three channels)");
        preprocessing.put(
                "sizes", "any; sides padded to a multiple of " + s.network().sizeMultiple() + " and cropped back");
        Map<String, Object> validation = new LinkedHashMap<>();
        if (v != null && (useBest || v.step() == state.step())) {
            validation.put("step", v.step());
            validation.put(
                    "images",
                    Math.min(s.validationImages(), data.validationXrays().size()));
            validation.put("size", s.validationSize());
            validation.put("coverPsnr", v.coverPsnr());
            validation.put("secretPsnr", v.secretPsnr());
            validation.put("stegoRounding", "8-bit before extraction");
        }
        ModelMetadata meta = new ModelMetadata(
                version,
                Instant.now().toString(),
                s.network(),
                preprocessing,
                training,
                data.summary(),
                validation,
                ModelArtifact.WEIGHTS_FILE,
                null);
        Files.createDirectories(modelsDir);
        Path dir = ModelArtifact.write(modelsDir, meta, weights);
        Files.copy(runDir.resolve("curve.png"), dir.resolve("curve.png"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
