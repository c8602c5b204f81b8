package org.stegoehealth.processors.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.stegoehealth.model.ImageInputException;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.ClusterCheck;
import org.stegoehealth.processors.HidingMethod;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.produce.PublishOutcome;
import org.stegoehealth.processors.produce.XrayProducer;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.schemas.XrayImageEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stego produce-xrays}: publishes X-ray files, or watches a drop folder. */
@Command(
        name = "produce-xrays",
        mixinStandardHelpOptions = true,
        description = {
            "Publish chest X-rays (PNG or JPEG; 8- or 16-bit gray, or RGB; or DICOM) to the X-ray topic.",
            "Each file is checked first; bad files are reported and skipped. The same file always gets the same key.",
            "DICOM (uncompressed, grayscale): the pixels travel as a lossless PNG and, of the header, only the"
                    + " accession number, as the study reference unless --study-ref-from-name is given. Compressed"
                    + " DICOM is refused with the command that decompresses it (dcmdjpeg, dcmdjp2k)."
        })
public final class ProduceXraysCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(
            paramLabel = "PATH",
            arity = "1..*",
            description = "Image files (PNG, JPEG, DICOM) or directories of them.")
    List<Path> paths;

    @Option(
            names = "--watch",
            description = {
                "Watch the one directory given: publish what is there, then every new file once it is complete.",
                "Sent files move to DIR/done/, refused ones to DIR/failed/ with a .reason file. Copy in under a temporary name (.name, name.part, name.tmp) and rename when done; such names are never read."
            })
    boolean watch;

    @Option(
            names = "--settle-ms",
            paramLabel = "MS",
            defaultValue = "1000",
            description = "In watch mode, how long a file's size and time must stay unchanged before it is read "
                    + "(default: ${DEFAULT-VALUE}).")
    long settleMs;

    @Option(
            names = "--complete-within",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description = "In watch mode, how long a PNG or JPEG that is still truncated may stay unchanged before it "
                    + "is refused to DIR/failed/; it is read again whenever it changes (default: ${DEFAULT-VALUE}).")
    long completeWithinS;

    @Option(
            names = "--cover",
            paramLabel = "ID",
            description = "Cover to hide these X-rays in (default: the embedder chooses).")
    String cover;

    @Option(
            names = "--hiding-method",
            paramLabel = "METHOD",
            description = "neural, sealed (lossless, encrypted to the clinic) or covert (sealed, spread thinly over"
                    + " the whole cover so that it is hard to detect; needs a large cover or a small X-ray) for these"
                    + " X-rays (default: the embedder's hiding.method).")
    String hidingMethod;

    @Option(
            names = "--model-version",
            paramLabel = "VERSION",
            description = "Model version to hide these X-rays with by the neural method: a version published on the"
                    + " model topic and not retired (stego models list), else each becomes an UNKNOWN_MODEL dead letter"
                    + " at the embedder (default: the embedder's embed.model.version, else the promoted version).")
    String modelVersion;

    @Option(
            names = "--study-ref-from-name",
            description = "Use each file's name without extension as its study reference; it leaves the hospital only "
                    + "encrypted to the clinic, which names the recovered file after it.")
    boolean studyRefFromName;

    @Option(
            names = "--resend",
            description = "Send these X-rays again as new messages: each gets a new message id (its content id and a "
                    + "fresh suffix), so the clinic recovers it again. Without it, content the clinic recovered before"
                    + " is recovered once only.")
    boolean resend;

    @Override
    public Integer call() throws Exception {
        if (watch && (paths.size() != 1 || !Files.isDirectory(paths.get(0)))) {
            throw new ParameterException(spec.commandLine(), "--watch needs exactly one directory");
        }
        if (watch && resend) {
            throw new ParameterException(
                    spec.commandLine(), "--resend sends the files named once more; it does not combine with --watch");
        }
        if (settleMs < 0 || completeWithinS * 1000 < settleMs) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--complete-within must be at least the settle time and --settle-ms not negative");
        }
        HidingMethod method = hidingMethod == null ? null : HidingMethod.parse(hidingMethod);
        if (modelVersion != null && (modelVersion.isBlank() || (method != null && method.keyed()))) {
            throw new ParameterException(
                    spec.commandLine(),
                    modelVersion.isBlank()
                            ? "--model-version needs a version name (stego models list)"
                            : "--model-version is for the neural method; the " + method.label()
                                    + " method uses no model");
        }
        StegoConfig config = common.load(Map.of());
        Topics topics = Wiring.topics(config);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    running.set(false);
                    try {
                        // let the watch loop finish its file and the producer close cleanly
                        done.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "produce-xrays-shutdown");
        if (watch) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        AtomicReference<Producer<String, XrayImageEvent>> kafka = new AtomicReference<>();
        try {
            // a run of files connects at the first usable one: unusable files alone never touch Kafka
            XrayProducer plain = new XrayProducer(
                            () -> kafka.updateAndGet(k -> k != null ? k : connect(config, topics)),
                            topics.xrays.name(),
                            config.maxImageSide(),
                            Clock.systemUTC(),
                            method,
                            studyRefFromName)
                    .withModelVersion(modelVersion == null ? null : modelVersion.strip());
            XrayProducer producer = resend ? plain.resending() : plain;
            if (resend) {
                out.println("re-sending: each X-ray gets a new message id (content id + \"-resend-\" + a fresh suffix),"
                        + " so the clinic recovers it again");
                out.flush();
            }
            if (watch) {
                // a drop-folder service connects at start: its health is its connection to the broker
                kafka.set(connect(config, topics));
                producer.watch(
                        paths.get(0),
                        cover,
                        Duration.ofMillis(settleMs),
                        Duration.ofSeconds(completeWithinS),
                        running::get,
                        o -> report(o, out, err));
                return 0;
            }
            List<PublishOutcome> outcomes = producer.publishAll(paths, cover, new Progress(System.err));
            if (outcomes.isEmpty()) {
                throw new ImageInputException("no " + Images.Format.ACCEPTED + " or DICOM files in "
                        + String.join(", ", paths.stream().map(Path::toString).toList()));
            }
            outcomes.forEach(o -> report(o, out, err));
            long bad = outcomes.stream().filter(o -> !o.ok()).count();
            out.println("published " + (outcomes.size() - bad) + " X-ray(s) to " + topics.xrays.name()
                    + (bad > 0 ? "; refused " + bad : ""));
            out.flush();
            return bad > 0 ? 2 : 0;
        } finally {
            if (kafka.get() != null) {
                kafka.get().close();
            }
            done.countDown();
        }
    }

    /** The producer, once the broker has answered (or one line saying why it did not). */
    private static Producer<String, XrayImageEvent> connect(StegoConfig config, Topics topics) {
        ClusterCheck.requireBroker(config, ClusterCheck.DEFAULT_WITHIN);
        return XrayProducer.kafkaProducer(config, topics.xrays);
    }

    static void report(PublishOutcome o, PrintWriter out, PrintWriter err) {
        (o.ok() ? out : err).println(o);
        (o.ok() ? out : err).flush();
    }
}
