package org.stegoehealth.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MirrorMaker 2 in a child JVM (the dedicated driver {@code org.apache.kafka.connect.mirror.MirrorMaker}, jars from
 * Maven Central beside the broker's), copying a fixed list of topics one way, from the hospital's cluster to a
 * clinic's, under the same names ({@code IdentityReplicationPolicy}). Nothing else crosses: no heartbeats, no
 * checkpoints, no offset syncs, no ACLs, no topic configs (each cluster creates its topics from the same catalog).
 * The source consumer reads {@code read_committed}: MirrorMaker 2 4.1 leaves the consumer at Kafka's default
 * {@code read_uncommitted}, which would copy records of aborted transactions of the exactly-once embedder too.
 */
public final class LocalMirror implements AutoCloseable {

    public static final String SOURCE = "hospital";
    public static final String TARGET = "clinic";

    private static final Logger LOG = LoggerFactory.getLogger(LocalMirror.class);
    private static final String MAIN_CLASS = "org.apache.kafka.connect.mirror.MirrorMaker";

    private final ChildJvm process;

    private LocalMirror(ChildJvm process) {
        this.process = process;
    }

    /**
     * Starts MirrorMaker 2 copying {@code topics} from {@code hospital} to {@code clinic} (bootstrap servers), its
     * configuration and log in {@code workDir}.
     *
     * @param maxMessageBytes the largest record to copy (the producer's {@code max.request.size})
     */
    public static LocalMirror start(
            Path workDir, String hospital, String clinic, List<String> topics, int maxMessageBytes) {
        Path dir = workDir.toAbsolutePath();
        Path config = dir.resolve("mm2.properties");
        LocalSupport.createPrivateDirectory(dir);
        LocalSupport.writePrivate(
                config,
                properties(hospital, clinic, topics, maxMessageBytes, 1),
                "MirrorMaker 2: only the listed topics, hospital -> clinic");
        ChildJvm child = ChildJvm.start(
                "mirrormaker",
                dir,
                dir.resolve("mirrormaker.log"),
                List.of(StackBuild.kafkaLib().resolve("*").toString()),
                List.of(
                        "-Xms64m",
                        "-Xmx384m",
                        "-XX:+UseSerialGC",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"),
                MAIN_CLASS,
                List.of(config.toString()));
        LOG.info(
                "MirrorMaker 2 copying {} from {} to {} (pid {}, log {})",
                topics,
                hospital,
                clinic,
                child.pid(),
                child.logFile());
        return new LocalMirror(child);
    }

    /**
     * The MirrorMaker 2 configuration (the {@code mm2.properties} format of the dedicated driver) that copies exactly
     * {@code topics} from the {@value #SOURCE} cluster to the {@value #TARGET} cluster.
     *
     * @param replicas replication factor of the topics MirrorMaker 2 creates on the clinic's cluster (its own
     *     bookkeeping, and a crossing topic the clinic has not created)
     */
    /**
     * How often the mirror commits the hospital offsets it has copied: after a crash it copies again at most what it
     * copied in this interval, which the clinic's recovered-id store then drops.
     */
    public static final long OFFSET_FLUSH_INTERVAL_MS = 5_000;

    public static Properties properties(
            String hospital, String clinic, List<String> topics, int maxMessageBytes, int replicas) {
        String rf = Integer.toString(replicas);
        String flow = SOURCE + "->" + TARGET;
        Properties p = new Properties();
        p.setProperty("clusters", SOURCE + ", " + TARGET);
        p.setProperty(SOURCE + ".bootstrap.servers", hospital);
        p.setProperty(TARGET + ".bootstrap.servers", clinic);
        p.setProperty(flow + ".enabled", "true");
        p.setProperty(TARGET + "->" + SOURCE + ".enabled", "false");
        // exact names, never a pattern that could match a hospital-only topic
        p.setProperty(flow + ".topics", topics.stream().map(Pattern::quote).collect(Collectors.joining(",")));
        p.setProperty("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy");
        // committed transactions only: the embedder writes exactly once, its aborted records must not cross
        p.setProperty(SOURCE + ".consumer.isolation.level", "read_committed");
        p.setProperty(SOURCE + ".consumer.auto.offset.reset", "earliest");
        p.setProperty(TARGET + ".producer.max.request.size", Integer.toString(maxMessageBytes));
        p.setProperty(TARGET + ".producer.enable.idempotence", "true");
        p.setProperty(TARGET + ".producer.acks", "all");
        // the plugins on the classpath all declare themselves: skip a reflective scan of every jar (about 13 s)
        p.setProperty("plugin.discovery", "service_load");
        p.setProperty(TARGET + ".plugin.discovery", "service_load");
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
        // a worker setting: MirrorMaker 2 reads it only with the target cluster's prefix (a top-level key is ignored).
        // It bounds what a mirror crash re-delivers: the source offsets committed at most this long ago.
        p.setProperty(TARGET + ".offset.flush.interval.ms", Long.toString(OFFSET_FLUSH_INTERVAL_MS));
        return p;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return process.logFile();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** @throws LocalStackException when the process has ended (with the last error of its log) */
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new LocalStackException("MirrorMaker 2 exited with code " + process.exitCode() + process.lastError()
                    + "; see " + process.logFile());
        }
    }

    /** Stops MirrorMaker 2 and waits for its process to end. */
    @Override
    public void close() {
        process.close();
    }
}
