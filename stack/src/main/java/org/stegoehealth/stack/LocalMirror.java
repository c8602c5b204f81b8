package org.stegoehealth.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MirrorMaker 2 in a child JVM (the dedicated driver {@code org.apache.kafka.connect.mirror.MirrorMaker}, jars from
 * Maven Central beside the broker's), copying a fixed list of topics from the hospital's cluster to a clinic's and
 * another fixed list back (the clinic's receipts), under the same names ({@code IdentityReplicationPolicy}): two
 * flows of one MirrorMaker 2, each with its exact topic names, so no topic is copied in both directions and nothing
 * loops. Nothing else crosses: no heartbeats, no checkpoints, no offset syncs, no ACLs, no topic configs (each
 * cluster creates its topics from the same catalog). Both source consumers read {@code read_committed}: MirrorMaker
 * 2 4.1 leaves the consumer at Kafka's default {@code read_uncommitted}, which would copy records of aborted
 * transactions of the exactly-once embedder and extractor too.
 */
public final class LocalMirror extends ChildService {

    public static final String SOURCE = "hospital";
    public static final String TARGET = "clinic";

    private static final Logger LOG = LoggerFactory.getLogger(LocalMirror.class);
    private static final String MAIN_CLASS = "org.apache.kafka.connect.mirror.MirrorMaker";
    private static final String SECURITY_PROTOCOL = "security.protocol";
    private static final String KAFKA_PREFIX = "kafka.";

    private final Path configFile;

    private LocalMirror(ChildJvm process, Path configFile) {
        super(process);
        this.configFile = configFile;
    }

    /** Its {@code mm2.properties} (owner-only: on a secure stack it holds the mirror's passwords). */
    public Path configFile() {
        return configFile;
    }

    /**
     * Starts MirrorMaker 2 copying {@code topics} from {@code hospital} to {@code clinic} (bootstrap servers) and
     * {@code back} from {@code clinic} to {@code hospital}, its configuration and log in {@code workDir}.
     *
     * @param maxMessageBytes the largest record to copy (the producer's {@code max.request.size})
     */
    public static LocalMirror start(
            Path workDir, String hospital, String clinic, List<String> topics, List<String> back, int maxMessageBytes) {
        return start(workDir, hospital, clinic, topics, back, maxMessageBytes, Map.of(), Map.of());
    }

    /**
     * As {@link #start(Path, String, String, List, List, int)}, its clients of each cluster with that cluster's
     * client settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}; none: plaintext). The configuration
     * file, which then holds both passwords, is owner-only.
     */
    public static LocalMirror start(
            Path workDir,
            String hospital,
            String clinic,
            List<String> topics,
            List<String> back,
            int maxMessageBytes,
            Map<String, String> hospitalClient,
            Map<String, String> clinicClient) {
        Path dir = workDir.toAbsolutePath();
        Path config = dir.resolve("mm2.properties");
        LocalSupport.createPrivateDirectory(dir);
        Properties p = properties(hospital, clinic, topics, back, maxMessageBytes, 1);
        p.putAll(clientSettings(SOURCE, hospitalClient));
        p.putAll(clientSettings(TARGET, clinicClient));
        LocalSupport.writePrivate(config, p, "MirrorMaker 2: only the listed topics, hospital -> clinic and back");
        ChildJvm child = ChildJvm.start(
                "mirrormaker",
                dir,
                dir.resolve("mirrormaker.log"),
                List.of(StackBuild.kafkaLib().resolve("*").toString()),
                jvmOptions(),
                MAIN_CLASS,
                List.of(config.toString()));
        LOG.info(
                "MirrorMaker 2 copying {} from {} to {} and {} back{} (pid {}, log {})",
                topics,
                hospital,
                clinic,
                back,
                hospitalClient.isEmpty() && clinicClient.isEmpty()
                        ? ""
                        : " (" + hospitalClient.getOrDefault(SECURITY_PROTOCOL, "PLAINTEXT") + " to the hospital, "
                                + clinicClient.getOrDefault(SECURITY_PROTOCOL, "PLAINTEXT") + " to the clinic)",
                child.pid(),
                child.logFile());
        return new LocalMirror(child, config);
    }

    /**
     * The client settings of MirrorMaker 2 for one cluster, under that cluster's prefix ({@code hospital.} or
     * {@code clinic.}), which MirrorMaker 2 applies to every client of that cluster (consumers, producers, admin
     * clients, and the Connect worker of the flow whose target it is). Only {@code security.protocol},
     * {@code sasl.*} and {@code ssl.*} are taken; a {@code kafka.} prefix (a Stego-eHealth configuration file) is
     * dropped first.
     *
     * @param cluster {@value #SOURCE} or {@value #TARGET}
     */
    public static Properties clientSettings(String cluster, Map<String, String> settings) {
        if (!cluster.equals(SOURCE) && !cluster.equals(TARGET)) {
            throw new IllegalArgumentException("no cluster '" + cluster + "': " + SOURCE + " or " + TARGET);
        }
        Properties p = new Properties();
        settings.forEach((key, value) -> {
            String k = key.startsWith(KAFKA_PREFIX) ? key.substring(KAFKA_PREFIX.length()) : key;
            if (k.equals(SECURITY_PROTOCOL) || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                p.setProperty(cluster + "." + k, value);
            }
        });
        return p;
    }

    /**
     * The Connect worker group that runs the flow from {@code source}, on that flow's target cluster (MirrorMaker 2's
     * default, which this configuration keeps).
     */
    public static String workerGroup(String source) {
        return source + "-mm2";
    }

    /**
     * The Connect worker's configuration, offset and status topics of the flow from {@code source}, on that flow's
     * target cluster: MirrorMaker 2's bookkeeping, no record data.
     */
    public static List<String> workerTopics(String source) {
        return List.of(
                "mm2-configs." + source + ".internal",
                "mm2-offsets." + source + ".internal",
                "mm2-status." + source + ".internal");
    }

    /**
     * How often the mirror commits the source offsets it has copied: after a crash it copies again at most what it
     * copied in this interval, which the clinic's recovered-id store (and, on the way back, the hospital's reading of
     * receipts, one per study and kind) then drops.
     */
    public static final long OFFSET_FLUSH_INTERVAL_MS = 5_000;

    /**
     * The MirrorMaker 2 configuration (the {@code mm2.properties} format of the dedicated driver) that copies exactly
     * {@code topics} from the {@value #SOURCE} cluster to the {@value #TARGET} cluster, and exactly {@code back} from
     * the {@value #TARGET} cluster to the {@value #SOURCE} cluster (none: one way only).
     *
     * @param replicas replication factor of the topics MirrorMaker 2 creates on either cluster (its own bookkeeping,
     *     and a crossing topic not created there)
     */
    public static Properties properties(
            String hospital, String clinic, List<String> topics, List<String> back, int maxMessageBytes, int replicas) {
        String rf = Integer.toString(replicas);
        String flow = SOURCE + "->" + TARGET;
        String backFlow = TARGET + "->" + SOURCE;
        Properties p = new Properties();
        p.setProperty("clusters", SOURCE + ", " + TARGET);
        p.setProperty(SOURCE + ".bootstrap.servers", hospital);
        p.setProperty(TARGET + ".bootstrap.servers", clinic);
        p.setProperty(flow + ".enabled", "true");
        // exact names, never a pattern that could match a hospital-only topic (or, back, a clinic-only one)
        p.setProperty(flow + ".topics", exactly(topics));
        p.setProperty(backFlow + ".enabled", Boolean.toString(!back.isEmpty()));
        if (!back.isEmpty()) {
            if (back.stream().anyMatch(topics::contains)) {
                throw new IllegalArgumentException("a topic cannot cross both ways: " + topics + " and " + back);
            }
            p.setProperty(backFlow + ".topics", exactly(back));
        }
        p.setProperty("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy");
        // committed transactions only: the embedder and the extractor write exactly once, their aborted records must
        // not cross
        for (String cluster : List.of(SOURCE, TARGET)) {
            p.setProperty(cluster + ".consumer.isolation.level", "read_committed");
            p.setProperty(cluster + ".consumer.auto.offset.reset", "earliest");
            p.setProperty(cluster + ".producer.enable.idempotence", "true");
            p.setProperty(cluster + ".producer.acks", "all");
            // the plugins on the classpath all declare themselves: skip a reflective scan of every jar (about 13 s)
            p.setProperty(cluster + ".plugin.discovery", "service_load");
            // a worker setting: MirrorMaker 2 reads it only with the target cluster's prefix (a top-level key is
            // ignored). It bounds what a mirror crash re-delivers: the source offsets committed at most this long ago.
            p.setProperty(cluster + ".offset.flush.interval.ms", Long.toString(OFFSET_FLUSH_INTERVAL_MS));
        }
        p.setProperty(TARGET + ".producer.max.request.size", Integer.toString(maxMessageBytes));
        p.setProperty("plugin.discovery", "service_load");
        // the checkpoint connector then logs once that it cannot run: nothing to checkpoint, as intended
        p.setProperty("emit.heartbeats.enabled", "false");
        p.setProperty("emit.checkpoints.enabled", "false");
        p.setProperty("emit.offset-syncs.enabled", "false");
        p.setProperty("sync.group.offsets.enabled", "false");
        p.setProperty("sync.topic.acls.enabled", "false");
        p.setProperty("sync.topic.configs.enabled", "false");
        p.setProperty("refresh.topics.interval.seconds", "10");
        p.setProperty("tasks.max", "1");
        p.setProperty("replication.factor", rf);
        // the heartbeat connector creates its (empty) topic on the clinic's cluster even with heartbeats off
        p.setProperty("heartbeats.topic.replication.factor", rf);
        p.setProperty("checkpoints.topic.replication.factor", rf);
        p.setProperty("offset.storage.replication.factor", rf);
        p.setProperty("config.storage.replication.factor", rf);
        p.setProperty("status.storage.replication.factor", rf);
        return p;
    }

    private static String exactly(List<String> topics) {
        return topics.stream().map(Pattern::quote).collect(Collectors.joining(","));
    }

    /** @throws LocalStackException when the process has ended (with the last error of its log) */
    public void checkAlive() {
        process.checkAlive("MirrorMaker 2");
    }

    /** Ends MirrorMaker 2 the hard way (SIGKILL), as a crash would: it commits nothing more. */
    public void kill() {
        process.kill();
    }

    private static List<String> jvmOptions() {
        List<String> options = ChildJvm.serverOptions("64m", "384m");
        options.addAll(ChildJvm.simpleLoggerOptions());
        return options;
    }
}
