package org.stegoehealth.ops.retrain;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.cli.OptionValues;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.processors.models.ModelPublisher;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.trainer.PromotionGate;
import org.stegoehealth.trainer.RetrainTrigger;
import org.stegoehealth.trainer.Retrainer;
import org.stegoehealth.trainer.TrainingData;
import org.stegoehealth.trainer.TrainingOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stego trainer}: retrains the promoted model on a schedule and promotes candidates that pass the gate. */
@Command(
        name = "trainer",
        mixinStandardHelpOptions = true,
        description = {
            "Retrain the promoted model version periodically and promote a candidate that passes the gate.",
            "The periodic trainer: each round fine-tunes the promoted version on the training pool, measures the candidate and the promoted version on the same held-out pairs, publishes the candidate (signed), promotes it only if the gate passes, and records the round (stego models history).",
            "A round interrupted by a crash resumes from its last checkpoint when the trainer starts again."
        })
public final class TrainerServiceCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    TrainingOptions training;

    @Option(
            names = {"-k", "--keyring"},
            paramLabel = "DIR",
            description = "Keyring that signs the candidates (default: keyring.dir or .stego/keyring).")
    Path keyring;

    /** When rounds run: exactly one of these. */
    static final class When {
        @Option(
                names = "--every",
                paramLabel = "DURATION",
                description = "A round every DURATION (e.g. 6h, 30m, 1d, or ISO-8601 PT6H).")
        String every;

        @Option(
                names = "--after-new-xrays",
                paramLabel = "N",
                description = "A round after N new X-rays have arrived on the X-ray topic.")
        Long afterNewXrays;

        @Option(names = "--once", description = "Run one round now (or finish an interrupted one) and exit.")
        boolean once;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    When when;

    @Option(
            names = "--pool-from-topic",
            description = "Add the X-rays of the X-ray topic to the training pool (training only, never held out:"
                    + " the held-out set stays fixed); synced to --work-dir/pool-from-topic before each round.")
    boolean poolFromTopic;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "runs/trainer",
            description = "Round checkpoints and candidates (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(
            names = "--steps",
            paramLabel = "N",
            defaultValue = "2000",
            description = "Fine-tuning steps per round (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--lr",
            paramLabel = "X",
            defaultValue = "0.0002",
            description = "Initial learning rate of a round (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "N",
            defaultValue = "250",
            description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(
            names = "--held-out",
            paramLabel = "N",
            defaultValue = "24",
            description = "Held-out pairs both versions are measured on (default: ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(
            names = "--gate-max-worse",
            paramLabel = "X",
            defaultValue = "0.2",
            description =
                    "Gate: neither PSNR may be worse than the promoted version's by more (dB; default: ${DEFAULT-VALUE}).")
    double maxWorse;

    @Option(
            names = "--gate-min-better",
            paramLabel = "X",
            defaultValue = "0.1",
            description = "Gate: at least one PSNR must be better by this much (dB; default: ${DEFAULT-VALUE}).")
    double minBetter;

    /** "30m", "6h", "1d", "45s", or ISO-8601 ("PT6H"). */
    static Duration parseDuration(String text) {
        try {
            return OptionValues.duration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--every " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        training.check();
        Map<String, String> extra = new HashMap<>();
        if (keyring != null) {
            extra.put(StegoConfig.KEYRING_DIR, keyring.toString());
        }
        StegoConfig config = common.load(extra);
        if (!config.hasFixedModel() && config.get(StegoConfig.MODEL_CACHE_DIR).isBlank()) {
            config = config.with(Map.of(
                    StegoConfig.MODEL_CACHE_DIR, workDir.resolve("model-cache").toString()));
        }
        Topics topics = Wiring.topics(config);
        StegoConfig settings = config;
        Keyring keys = Keyring.open(config.keyringDir());
        Progress progress = new Progress(System.err);
        PromotionGate gate = new PromotionGate(maxWorse, minBetter);
        Retrainer.RoundSettings round = new Retrainer.RoundSettings(
                steps,
                training.batch(),
                training.crop(),
                lr,
                training.beta(),
                training.seed(),
                checkpointEvery,
                heldOut,
                training.validationSize());
        AtomicBoolean stop = new AtomicBoolean();
        Thread hook = new Thread(() -> stop.set(true), "trainer-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (FollowedModels models =
                        FollowedModels.start(config, topics, TransferSecurity.Site.HOSPITAL, "stego-trainer-models");
                ModelPublisher publisher = new ModelPublisher(
                        StreamsConfigs.producer(config, "stego-trainer"),
                        topics,
                        keys,
                        config.modelsSealedTo(),
                        "stego trainer",
                        Clock.systemUTC());
                KafkaConsumer<byte[], byte[]> counter = new KafkaConsumer<>(
                        StreamsConfigs.readCommittedConsumer(config, "stego-trainer-counter"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            Retrainer retrainer = new Retrainer(
                    new KafkaModelHub(models, publisher),
                    () -> TrainingData.load(
                            training.xrays(),
                            training.covers(),
                            poolFromTopic ? topicPool(settings, topics, progress) : null,
                            training.validationSize(),
                            training.maxImages(),
                            (what, done, total) -> progress.update(what, done, total, "")),
                    workDir,
                    round,
                    gate,
                    progress,
                    Clock.systemUTC());
            if (when.once) {
                return retrainer.runRound().isPresent() ? 0 : 3;
            }
            RetrainTrigger trigger = when.every != null
                    ? RetrainTrigger.every(parseDuration(when.every), Clock.systemUTC())
                    : RetrainTrigger.afterNewXrays(when.afterNewXrays, () -> xraysSeen(counter, topics));
            progress.message("trainer running: " + trigger.describe() + "; " + steps + " steps per round, gate: none"
                    + " worse by > " + maxWorse + " dB, one better by >= " + minBetter + " dB");
            int rounds = retrainer.runScheduled(trigger, stop::get, Duration.ofSeconds(1));
            progress.message("trainer stopped after " + rounds + " round(s)");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting
            }
        }
        return 0;
    }

    private Path topicPool(StegoConfig config, Topics topics, Progress progress) throws IOException {
        Path dir = workDir.resolve("pool-from-topic");
        TopicXrayPool.sync(config, topics, dir, progress);
        return dir;
    }

    /** X-rays that have ever arrived on the X-ray topic: its end offsets, summed. */
    static long xraysSeen(KafkaConsumer<byte[], byte[]> consumer, Topics topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topics.xrays.name(), Duration.ofSeconds(30));
        List<TopicPartition> partitions = infos.stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
