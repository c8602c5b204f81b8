package org.stegoehealth.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.connect.mirror.MirrorMakerConfig;
import org.apache.kafka.connect.mirror.SourceAndTarget;
import org.junit.jupiter.api.Test;

class LocalMirrorTest {

    private static final List<String> CROSSING = List.of("p.stego-images", "p.models", "p.model-promotions");

    private static final List<String> BACK = List.of("p.receipts");

    private final Properties p = LocalMirror.properties("h:9092", "c:9094", CROSSING, BACK, 32 * 1024 * 1024, 1);

    @Test
    void onlyTheNamedTopicsCross_exactly_underTheSameNames() {
        assertEquals("h:9092", p.getProperty("hospital.bootstrap.servers"));
        assertEquals("c:9094", p.getProperty("clinic.bootstrap.servers"));
        assertEquals("true", p.getProperty("hospital->clinic.enabled"));
        assertEquals(
                "org.apache.kafka.connect.mirror.IdentityReplicationPolicy", p.getProperty("replication.policy.class"));
        // MirrorMaker 2 joins the comma-separated entries into one pattern and matches whole topic names
        Pattern topics = Pattern.compile(String.join(
                "|", Arrays.asList(p.getProperty("hospital->clinic.topics").split(","))));
        CROSSING.forEach(t -> assertTrue(topics.matcher(t).matches(), t));
        for (String other : List.of("p.xray-images", "p.cover-images", "pXstego-images", "p.stego-images-x", "x")) {
            assertFalse(topics.matcher(other).matches(), other + " must not cross");
        }
    }

    @Test
    void onlyTheReceiptsCrossBack_andNoTopicCrossesBothWays() {
        assertEquals("true", p.getProperty("clinic->hospital.enabled"));
        Pattern back = Pattern.compile(String.join(
                "|", Arrays.asList(p.getProperty("clinic->hospital.topics").split(","))));
        assertTrue(back.matcher("p.receipts").matches());
        for (String other : List.of(
                "p.recovered-images", "p.audit", "p.dead-letters", "p.stego-images", "pXreceipts", "p.receipts2")) {
            assertFalse(back.matcher(other).matches(), other + " must not cross back");
        }
        assertEquals("read_committed", p.getProperty("clinic.consumer.isolation.level"));
        Properties oneWay = LocalMirror.properties("h:9092", "c:9094", CROSSING, List.of(), 1024, 1);
        assertEquals("false", oneWay.getProperty("clinic->hospital.enabled"));
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalMirror.properties("h:9092", "c:9094", CROSSING, List.of("p.models"), 1024, 1));
    }

    @Test
    void readsCommittedTransactionsOnly_andSyncsNothingElse() {
        assertEquals("read_committed", p.getProperty("hospital.consumer.isolation.level"));
        for (String off : List.of(
                "emit.heartbeats.enabled",
                "emit.checkpoints.enabled",
                "emit.offset-syncs.enabled",
                "sync.group.offsets.enabled",
                "sync.topic.acls.enabled",
                "sync.topic.configs.enabled")) {
            assertEquals("false", p.getProperty(off), off);
        }
        assertEquals(Integer.toString(32 * 1024 * 1024), p.getProperty("clinic.producer.max.request.size"));
    }

    @Test
    void offsetFlushInterval_isTheOneMirrorMakerRuns_notAnIgnoredTopLevelKey() {
        // MirrorMaker 2's own reading of the file: the worker configuration of the hospital -> clinic herder
        Map<String, String> worker = new MirrorMakerConfig(toMap(p))
                .workerConfig(new SourceAndTarget(LocalMirror.SOURCE, LocalMirror.TARGET));
        assertEquals(Long.toString(LocalMirror.OFFSET_FLUSH_INTERVAL_MS), worker.get("offset.flush.interval.ms"));
        Map<String, String> back = new MirrorMakerConfig(toMap(p))
                .workerConfig(new SourceAndTarget(LocalMirror.TARGET, LocalMirror.SOURCE));
        assertEquals(Long.toString(LocalMirror.OFFSET_FLUSH_INTERVAL_MS), back.get("offset.flush.interval.ms"));
    }

    @Test
    void workerGroupAndTopics_areTheOnesMirrorMakerUses_soTheAclsGrantThem() {
        MirrorMakerConfig mm2 = new MirrorMakerConfig(toMap(p));
        for (SourceAndTarget flow : List.of(
                new SourceAndTarget(LocalMirror.SOURCE, LocalMirror.TARGET),
                new SourceAndTarget(LocalMirror.TARGET, LocalMirror.SOURCE))) {
            Map<String, String> worker = mm2.workerConfig(flow);
            assertEquals(LocalMirror.workerGroup(flow.source()), worker.get("group.id"), flow.toString());
            assertEquals(
                    LocalMirror.workerTopics(flow.source()),
                    List.of(
                            worker.get("config.storage.topic"),
                            worker.get("offset.storage.topic"),
                            worker.get("status.storage.topic")),
                    flow.toString());
        }
    }

    @Test
    void clientSettings_goUnderEachClustersPrefix_andReachTheWorkerOfTheFlowItIsTheTargetOf() {
        Properties secured = new Properties();
        secured.putAll(p);
        secured.putAll(LocalMirror.clientSettings(
                LocalMirror.SOURCE,
                Map.of(
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.jaas.config", "hospital-jaas",
                        "kafka.ssl.truststore.location", "/h.p12",
                        "kafka.bootstrap.servers", "elsewhere:1",
                        "schema.registry.url", "http://x")));
        secured.putAll(LocalMirror.clientSettings(
                LocalMirror.TARGET,
                Map.of(
                        "security.protocol",
                        "SASL_SSL",
                        "sasl.jaas.config",
                        "clinic-jaas",
                        "ssl.truststore.location",
                        "/c.p12")));
        assertEquals("SASL_SSL", secured.getProperty("hospital.security.protocol"));
        assertEquals("hospital-jaas", secured.getProperty("hospital.sasl.jaas.config"));
        assertEquals("clinic-jaas", secured.getProperty("clinic.sasl.jaas.config"));
        // only client security settings are taken: the addresses stay those of the flows
        assertEquals("h:9092", secured.getProperty("hospital.bootstrap.servers"));
        assertFalse(secured.containsKey("hospital.schema.registry.url"));
        MirrorMakerConfig mm2 = new MirrorMakerConfig(toMap(secured));
        Map<String, String> toClinic = mm2.workerConfig(new SourceAndTarget(LocalMirror.SOURCE, LocalMirror.TARGET));
        assertEquals("clinic-jaas", toClinic.get("sasl.jaas.config"));
        assertEquals("/c.p12", toClinic.get("ssl.truststore.location"));
        Map<String, String> toHospital = mm2.workerConfig(new SourceAndTarget(LocalMirror.TARGET, LocalMirror.SOURCE));
        assertEquals("hospital-jaas", toHospital.get("sasl.jaas.config"));
        assertThrows(IllegalArgumentException.class, () -> LocalMirror.clientSettings("lab", Map.of()));
    }

    private static Map<String, String> toMap(Properties props) {
        return props.stringPropertyNames().stream()
                .collect(java.util.stream.Collectors.toMap(k -> k, props::getProperty));
    }
}
