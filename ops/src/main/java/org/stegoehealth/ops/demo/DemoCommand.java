package org.stegoehealth.ops.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.Installation;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.processors.CoverFitting;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StegoFormat;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.cli.ImageSetOptions;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.stack.KafkaSecurity.Principal;
import org.stegoehealth.stack.pipeline.ClusterContents;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.LocalStackOptions;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineException;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOptions;
import org.stegoehealth.stack.pipeline.PipelineOutputs;
import org.stegoehealth.stack.pipeline.WorkDir;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.console.ConsoleCommand;
import org.stegoehealth.web.console.HospitalConsole;
import org.stegoehealth.web.viewer.ClinicViewer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stego demo}: the whole system end to end on this machine. Starts two real Kafka clusters (the hospital's
 * and the clinic's, MirrorMaker 2 copying only the stego and model topics across) and a schema registry, or uses the
 * cluster and registry given; creates the topics, runs the embedder at the hospital and the extractor at the clinic,
 * publishes the sample covers and X-rays, waits until every X-ray has been recovered, writes a report comparing what
 * went in with what came out, and lists what each cluster holds.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole system on this machine and report how each X-ray came out.",
            "Run the system end to end: the hospital's and the clinic's local Kafka clusters with MirrorMaker 2 copying only the stego and model topics across, and a schema registry (or one existing cluster: --bootstrap-servers and --schema-registry-url); the embedder at the hospital, the extractor at the clinic, the sample covers and X-rays; then report how each X-ray came out (PSNR/SSIM), list the topics and records each cluster holds, and shut everything down."
        })
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalStackOptions common;

    @Mixin
    PipelineOptions options;

    @Mixin
    ImageSetOptions images;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the report goes (default: report under --work-dir).")
    Path out;

    @Option(
            names = "--secure",
            description = "Run on a secure local stack: both clusters (or one, with --one-cluster) take only"
                    + " SASL/SCRAM-SHA-512 over TLS, each with its own certificate authority and Kafka users; every"
                    + " application and MirrorMaker 2 signs in as its own user, allowed only what its ACLs grant.")
    boolean secure;

    @Option(
            names = "--keep-running",
            description = "Leave the broker, registry and applications up after the report, with the clinic's web"
                    + " viewer beside the extractor and the hospital console beside the embedder (their addresses and"
                    + " demo sign-ins are printed); stop with Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "How the embedder sends the stego images: png (lossless, the default) or jpeg (baseline"
                    + " 4:2:0 at stego.jpeg.quality, 90 by default); or stego.format in the configuration.")
    String format;

    @Option(
            names = "--model-version",
            paramLabel = "VERSION",
            description = "Embed with this bundled model version (a directory under models/, e.g. the robust"
                    + " stego-gray-20261207-0832-61fdfea9, trained for JPEG 4:2:0, resizing and noise): it is published"
                    + " beside the promoted default, not promoted, and the embedder's embed.model.version names it; or"
                    + " embed.model.version in the configuration (default: the promoted default model).")
    String modelVersion;

    @Option(
            names = "--one-cluster",
            description = "One local cluster for the hospital and the clinic, without MirrorMaker 2 (faster).")
    boolean oneCluster;

    private static final String DEMO_USER = "clinician";
    /** How long the demo waits for the receipts at the hospital once every X-ray was recovered. */
    private static final Duration RECEIPTS_TIMEOUT = Duration.ofSeconds(60);

    private static final String DEMO_OPERATOR = "operator";

    /** Where an X-ray went: its file, the cover it was hidden in, and when it was published. */
    private record Sent(Path file, Path cover, String coverId, long publishedNanos) {}

    @Override
    public Integer call() throws Exception {
        try (WorkDir held = options.claimWorkDir("demo")) {
            return run(held.path());
        }
    }

    private int run(Path work) throws Exception {
        Path home = PipelineCluster.home();
        Path reportDir = out != null ? out : work.resolve("report");
        List<Path> xrayFiles = Evaluation.imageFiles(images.xrays(home), n -> true);
        Path coverDir = images.covers(home);
        List<Path> coverFiles = Evaluation.imageFiles(coverDir, n -> true);
        StegoConfig base = options.config(common);
        if (format != null) {
            base = base.with(Map.of(StegoConfig.STEGO_FORMAT, format));
        }
        if (modelVersion != null) {
            base = base.with(Map.of(StegoConfig.EMBED_MODEL_VERSION, modelVersion));
        }
        // a bad format, or JPEG with a keyed default method, is refused before the stack starts
        StegoFormat stegoFormat = base.stegoFormat().checkFor(base.hidingMethod());
        Path modelDir = base.modelPathOrDefault();
        StegoModel promoted = ModelArtifact.load(modelDir).toModel();
        // a version to embed with other than the promoted one is a bundled model, published beside it: checked now
        Path embedDir = base.embedModelVersion()
                .filter(v -> !v.equals(promoted.version()))
                .map(v -> Installation.home().resolve("models").resolve(v))
                .orElse(null);
        StegoModel stego =
                embedDir == null ? promoted : ModelArtifact.load(embedDir).toModel();
        PrintWriter stdout = spec.commandLine().getOut();
        Progress progress = new Progress(System.err);
        progress.message("model " + promoted.version() + " from " + modelDir
                + (embedDir == null ? "" : ", embedding with " + stego.version() + " from " + embedDir)
                + "; starting (local stack under " + work + ")");

        PipelineCluster.Stack kind = secure
                ? oneCluster ? PipelineCluster.Stack.SECURE : PipelineCluster.Stack.SECURE_TWO_CLUSTERS
                : oneCluster ? PipelineCluster.Stack.ONE_CLUSTER : PipelineCluster.Stack.TWO_CLUSTERS;
        try (PipelineCluster cluster = PipelineCluster.open(spec, base, work, "demo", kind)) {
            StegoConfig config = cluster.config();
            announceStack(progress, cluster);
            PipelineKeys keys = PipelineKeys.under(work.resolve("keys"));
            publishInputs(progress, cluster, coverDir, modelDir, embedDir, keys);
            try (FollowedModels hospitalModels =
                            followModels(cluster, Principal.EMBEDDER, keys.hospital(), keys, "hospital");
                    FollowedModels clinicModels =
                            followModels(cluster, Principal.EXTRACTOR, keys.clinic(), keys, "clinic");
                    InProcessPipeline pipeline = InProcessPipeline.start(
                            cluster.config(Principal.EMBEDDER),
                            cluster.config(Principal.EXTRACTOR),
                            cluster.topics(),
                            hospitalModels.registry(),
                            clinicModels.registry(),
                            keys,
                            InProcessPipeline.START_TIMEOUT);
                    PipelineOutputs outputs =
                            new PipelineOutputs(cluster, config.embedderApplicationId() + "-reader")) {
                progress.message("embedder and extractor running; publishing " + xrayFiles.size() + " X-ray(s)");
                Map<String, Sent> sent = publishXrays(cluster, xrayFiles, coverFiles);
                Runnable healthCheck = () -> {
                    cluster.checkStack();
                    pipeline.checkHealthy();
                    cluster.checkMirror();
                };
                outputs.awaitRecovered(sent.keySet(), options.timeout(), new Progress(System.err), healthCheck);
                awaitStego(outputs, sent, healthCheck);
                progress.message("waiting for the clinic's receipts at the hospital");
                long acknowledged = new ReceiptLedger(
                                StreamsConfigs.readCommittedConsumer(config, "stego-demo-receipts"),
                                cluster.topics(),
                                keys.hospital(),
                                Clock.systemUTC())
                        .awaitAcknowledged(sent.keySet(), RECEIPTS_TIMEOUT, healthCheck)
                        .status()
                        .acknowledged(sent.keySet());
                DemoReport report = new DemoReport(stego.version(), rows(config, stego, sent, outputs));
                printResults(
                        stdout, cluster, report, report.write(reportDir), sent, outputs, stegoFormat, acknowledged);
                if (keepRunning) {
                    outputs.close();
                    printStillRunning(stdout, cluster);
                    try (ClinicViewer viewer = startViewer(cluster.config(Principal.VIEWER), keys, work, stdout);
                            HospitalConsole console = startConsole(cluster.config(), keys, work, stdout)) {
                        stdout.flush();
                        awaitStopSignal(healthCheck);
                    }
                }
            }
        }
        return 0;
    }

    /** Says where the stack listens and, when secure, how clients sign in. */
    private static void announceStack(Progress progress, PipelineCluster cluster) {
        StegoConfig config = cluster.config();
        progress.message(
                cluster.twoClusters()
                        ? "Kafka " + config.bootstrapServers() + " (hospital), "
                                + cluster.clinicConfig().bootstrapServers() + " (clinic), schema registry "
                                + config.schemaRegistryUrl()
                        : "Kafka " + config.bootstrapServers() + ", schema registry " + config.schemaRegistryUrl());
        if (cluster.secure()) {
            progress.message(
                    cluster.twoClusters()
                            ? "secure stack: both clusters take SASL/SCRAM-SHA-512 over TLS only, each with its own"
                                    + " certificate authority and users; producers, embedder, extractor and"
                                    + " MirrorMaker 2 each sign in as their own user with ACLs; client settings in "
                                    + securityDir(cluster) + " (hospital) and " + clinicSecurityDir(cluster)
                                    + " (clinic)"
                            : "secure stack: Kafka takes SASL/SCRAM-SHA-512 over TLS only; producers, embedder and"
                                    + " extractor each sign in as their own user with ACLs; client settings in "
                                    + securityDir(cluster));
        }
    }

    private static Path securityDir(PipelineCluster cluster) {
        return cluster.localStack().orElseThrow().security().orElseThrow().dir();
    }

    private static Path clinicSecurityDir(PipelineCluster cluster) {
        return cluster.localStack().orElseThrow().clinicSecurity().orElseThrow().dir();
    }

    /**
     * Creates the topics, publishes the covers (first: the embedder loads its cover library at start, before it takes
     * any X-ray) and the model, which travels as a signed event and a promotion, as in production; and the model to
     * embed with in {@code embedDir}, when not null, published but not promoted.
     */
    private static void publishInputs(
            Progress progress, PipelineCluster cluster, Path coverDir, Path modelDir, Path embedDir, PipelineKeys keys)
            throws IOException {
        cluster.createTopics();
        cluster.publishCovers(coverDir);
        String version =
                cluster.publishAndPromote(modelDir, "bundled default model, published by stego demo", keys.hospital());
        progress.message("published and promoted model " + version + " on "
                + cluster.topics().models.name());
        if (embedDir != null) {
            String chosen = cluster.publish(embedDir, keys.hospital());
            progress.message("published model " + chosen + " on "
                    + cluster.topics().models.name()
                    + " (not promoted); the embedder embeds with it (embed.model.version)");
        }
    }

    /** The model versions one site follows on the model topic, cached under the state directory. */
    private static FollowedModels followModels(
            PipelineCluster cluster, Principal principal, Keyring keyring, PipelineKeys keys, String site) {
        return FollowedModels.start(
                cluster.config(principal)
                        .with(Map.of(
                                StegoConfig.MODEL_CACHE_DIR,
                                cluster.config()
                                        .stateDir()
                                        .resolve(site + "-models")
                                        .toString())),
                cluster.topics(),
                keyring,
                keys.hospital().name(),
                "stego-demo-" + site + "-models");
    }

    /** The report's table, how many X-rays were recovered exactly once, and what each cluster holds. */
    private void printResults(
            PrintWriter stdout,
            PipelineCluster cluster,
            DemoReport report,
            Path html,
            Map<String, Sent> sent,
            PipelineOutputs outputs,
            StegoFormat format,
            long acknowledged) {
        long once = sent.keySet().stream()
                .filter(id -> outputs.recoveredCounts().get(id) == 1)
                .count();
        stdout.print(report.table());
        stdout.printf(
                "recovered exactly once: %d of %d X-ray(s) (read_committed); dead letters: %d%n",
                once, sent.size(), outputs.deadLetters().size());
        stdout.printf(
                "acknowledged at the hospital: %d of %d X-ray(s) (RECOVERED receipts signed by the clinic%s)%n",
                acknowledged, sent.size(), cluster.twoClusters() ? ", copied back by MirrorMaker 2" : "");
        Map<String, Long> byVersion = new TreeMap<>();
        sent.keySet().forEach(id -> byVersion.merge(outputs.stego().get(id).getModelVersion(), 1L, Long::sum));
        stdout.printf(
                "embedded with: %s%n",
                byVersion.entrySet().stream()
                        .map(v -> v.getKey() + " (" + v.getValue() + " X-ray(s))")
                        .collect(Collectors.joining(", ")));
        stdout.printf(
                "stego events (%s): %.0f bytes on average per event%n",
                format.describe(),
                sent.keySet().stream()
                        .mapToInt(id -> outputs.stegoRecordBytes().get(id))
                        .average()
                        .orElse(0));
        if (cluster.secure()) {
            stdout.println(
                    cluster.twoClusters()
                            ? "secure stack: SASL/SCRAM-SHA-512 over TLS on both clusters; producer, embedder,"
                                    + " extractor and MirrorMaker 2 signed in as their own Kafka users, each allowed"
                                    + " only its topics"
                            : "secure stack: SASL/SCRAM-SHA-512 over TLS; producer, embedder and extractor signed"
                                    + " in as their own Kafka users, each allowed only its topics");
        }
        stdout.println("report: " + html.toAbsolutePath().normalize());
        if (cluster.localStack().isPresent()) {
            printContents(stdout, cluster.twoClusters() ? "hospital cluster" : "cluster", cluster.config());
        }
        if (cluster.twoClusters()) {
            printContents(stdout, "clinic cluster", cluster.clinicConfig());
        }
        stdout.flush();
    }

    /** Where the stack that stays up listens, for {@code --keep-running}. */
    private static void printStillRunning(PrintWriter stdout, PipelineCluster cluster) {
        StegoConfig config = cluster.config();
        stdout.println("still running: Kafka " + config.bootstrapServers()
                + (cluster.twoClusters()
                        ? " (hospital), " + cluster.clinicConfig().bootstrapServers()
                                + " (clinic, fed by MirrorMaker 2)"
                        : "")
                + ", schema registry "
                + config.schemaRegistryUrl() + ", topics "
                + cluster.topics().xrays.name() + " ... "
                + cluster.topics().deadLetters.name() + "; press Ctrl-C to stop");
        if (cluster.secure()) {
            stdout.println(
                    cluster.twoClusters()
                            ? "Kafka users' settings (stego <command> --config FILE): " + securityDir(cluster)
                                    + "/{producer,embedder,mirror,admin}.properties (hospital), "
                                    + clinicSecurityDir(cluster) + "/{extractor,viewer,mirror,admin}.properties"
                                    + " (clinic)"
                            : "Kafka users' settings (stego <command> --config FILE): " + securityDir(cluster)
                                    + "/{producer,embedder,extractor,mirror,viewer,admin}.properties");
        }
        stdout.flush();
    }

    /**
     * The clinic's web viewer beside the extractor, on the clinic's cluster with the clinic's keyring, and a demo user
     * with a fresh random password; prints its address and the sign-in.
     */
    private static ClinicViewer startViewer(
            StegoConfig clinicConfig, PipelineKeys keys, Path work, PrintWriter stdout) {
        Path usersFile = work.resolve("viewer-users");
        String password = demoUser(usersFile, DEMO_USER, Users.Role.VIEWER);
        ClinicViewer viewer = ClinicViewer.start(clinicConfig.with(Map.of(
                StegoConfig.KEYRING_DIR, keys.clinic().dir().toString(),
                StegoConfig.VIEWER_USERS_FILE, usersFile.toString(),
                StegoConfig.STATE_DIR, work.resolve("viewer-state").toString())));
        stdout.println("clinic viewer: " + viewer.url() + " (self-signed certificate SHA-256 "
                + viewer.server().settings().tls().fingerprint() + "); sign in as " + DEMO_USER + " / " + password);
        return viewer;
    }

    /**
     * The hospital's console beside the embedder, on the hospital's cluster with the hospital's keyring, and a demo
     * operator with a fresh random password; prints its address and the sign-in.
     */
    private static HospitalConsole startConsole(StegoConfig config, PipelineKeys keys, Path work, PrintWriter stdout) {
        Path usersFile = work.resolve("console-users");
        String password = demoUser(usersFile, DEMO_OPERATOR, Users.Role.OPERATOR);
        HospitalConsole console = HospitalConsole.start(config.with(Map.of(
                StegoConfig.KEYRING_DIR, keys.hospital().dir().toString(),
                StegoConfig.VIEWER_PORT, Integer.toString(ConsoleCommand.DEFAULT_PORT),
                StegoConfig.VIEWER_USERS_FILE, usersFile.toString(),
                StegoConfig.MODEL_CACHE_DIR, work.resolve("console-models").toString(),
                StegoConfig.STATE_DIR, work.resolve("console-state").toString())));
        stdout.println("hospital console: " + console.url() + " (self-signed certificate SHA-256 "
                + console.server().settings().tls().fingerprint() + "); sign in as " + DEMO_OPERATOR + " / "
                + password);
        return console;
    }

    /** Adds {@code name} with {@code role} and a fresh random password to {@code usersFile}; returns the password. */
    private static String demoUser(Path usersFile, String name, Users.Role role) {
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        new Users(usersFile).add(name, password.toCharArray(), true, role);
        return password;
    }

    /** Publishes each X-ray with a named cover (covers in turn), so the report knows which cover each one got. */
    private static Map<String, Sent> publishXrays(PipelineCluster cluster, List<Path> xrayFiles, List<Path> coverFiles)
            throws IOException {
        Map<String, Sent> sent = new LinkedHashMap<>();
        for (int i = 0; i < xrayFiles.size(); i++) {
            Path cover = coverFiles.get(i % coverFiles.size());
            String coverId = CoverProducer.coverIdOf(cover);
            long now = System.nanoTime();
            String id = cluster.publishXray(xrayFiles.get(i), coverId);
            sent.putIfAbsent(id, new Sent(xrayFiles.get(i), cover, coverId, now));
        }
        return sent;
    }

    /** Stego records are committed before their recovered ones; a read may still be on its way. */
    /** Every topic of a cluster, internal ones included, with its records (aborted ones too): what its operator sees. */
    private static void printContents(PrintWriter out, String name, StegoConfig config) {
        Map<String, Long> counts = ClusterContents.read(config, r -> {});
        out.printf("%s %s: %d topic(s)%n", name, config.bootstrapServers(), counts.size());
        counts.forEach((topic, records) -> out.printf("  %-72s %6d record(s)%n", topic, records));
    }

    private static void awaitStego(PipelineOutputs outputs, Map<String, Sent> sent, Runnable healthCheck) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!outputs.stego().keySet().containsAll(sent.keySet())) {
            if (System.nanoTime() > deadline) {
                throw new PipelineException("stego records missing for recovered X-rays after 30 s");
            }
            healthCheck.run();
            outputs.poll(Duration.ofMillis(100));
        }
    }

    private static List<DemoReport.Row> rows(
            StegoConfig config, StegoModel model, Map<String, Sent> sent, PipelineOutputs outputs) throws IOException {
        List<DemoReport.Row> rows = new ArrayList<>();
        Map<Path, FloatImage> coverImages = new HashMap<>();
        for (Map.Entry<String, Sent> e : sent.entrySet()) {
            Sent s = e.getValue();
            String id = e.getKey();
            FloatImage original = decode(
                            Files.readAllBytes(s.file()), s.file().getFileName().toString(), config)
                    .withChannels(model.secretChannels());
            FloatImage cover = coverImages.computeIfAbsent(s.cover(), file -> decodeFile(file, config));
            FloatImage stegoImage =
                    decode(InputImages.bytes(outputs.stego().get(id).getImage()), "stego " + id, config);
            FloatImage recovered =
                    decode(InputImages.bytes(outputs.recovered().get(id).getImage()), "recovered " + id, config);
            double latency = (outputs.recoveredAtNanos().get(id) - s.publishedNanos()) / 1e9;
            rows.add(new DemoReport.Row(
                    s.file().getFileName().toString(),
                    s.coverId(),
                    CoverFitting.fit(cover, original.width(), original.height()),
                    stegoImage,
                    original,
                    recovered,
                    latency));
        }
        return rows;
    }

    private static FloatImage decodeFile(Path file, StegoConfig config) {
        try {
            return decode(Files.readAllBytes(file), file.getFileName().toString(), config);
        } catch (IOException e) {
            throw new PipelineException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static FloatImage decode(byte[] bytes, String name, StegoConfig config) {
        return FloatImage.of(
                InputImages.decode(bytes, name, config.maxImageSide()).image());
    }

    /**
     * Waits for Ctrl-C or SIGTERM, checking every second that the stack and the applications are still up: a broker,
     * the registry or MirrorMaker 2 whose process ended, or an application that stopped, ends the demo with its one
     * line ({@code healthCheck} throws) and a non-zero exit. The signals are taken here rather than in a shutdown
     * hook: the applications must commit and leave their groups before the local broker, whose process a shutdown
     * hook stops, goes away.
     */
    private static void awaitStopSignal(Runnable healthCheck) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
        }
        while (!stop.await(1, TimeUnit.SECONDS)) {
            try {
                healthCheck.run();
            } catch (RuntimeException e) {
                // said at once: closing the applications against a dead broker takes up to a minute of warnings
                System.err.println("stopping the demo: " + e.getMessage());
                throw e;
            }
        }
        System.err.println("stopping the demo");
    }
}
