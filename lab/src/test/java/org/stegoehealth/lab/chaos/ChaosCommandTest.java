package org.stegoehealth.lab.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.CliRun;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import picocli.CommandLine;

/** Options that cannot make a chaos run are refused at once, with one line naming the option; nothing starts. */
class ChaosCommandTest {

    private static void assertRefused(String expected, String... args) {
        CliRun run = CliRun.run(new ChaosCommand(), args);
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains(expected), run.toString());
    }

    @Test
    void zeroCount_isRefused() {
        assertRefused("--count must be at least 1, was 0", "--count", "0");
    }

    @Test
    void tinyOrHugeSize_isRefused() {
        assertRefused("--size must be 8 to 4096 px, was 4", "--size", "4");
        assertRefused("--size must be 8 to 4096 px, was 5000", "--size", "5000");
    }

    @Test
    void negativeKills_isRefused() {
        assertRefused("--kills must be 0 or more, was -1", "--kills", "-1");
    }

    @Test
    void negativeMirrorKills_isRefused() {
        assertRefused("--mirror-kills must be 0 or more, was -2", "--mirror-kills", "-2");
    }

    @Test
    void mirrorKills_runOnTwoClusters_securedWithSecure() {
        assertEquals(PipelineCluster.Stack.ONE_CLUSTER, ChaosRun.stack(false, 0));
        assertEquals(PipelineCluster.Stack.SECURE, ChaosRun.stack(true, 0));
        assertEquals(PipelineCluster.Stack.TWO_CLUSTERS, ChaosRun.stack(false, 2));
        assertEquals(PipelineCluster.Stack.SECURE_TWO_CLUSTERS, ChaosRun.stack(true, 1));
    }

    @Test
    void negativeOrNanDelay_isRefused() {
        assertRefused("--max-delay must be 0 or more, was -1.0", "--max-delay", "-1");
        assertRefused("--max-delay must be 0 or more, was NaN", "--max-delay", "NaN");
    }

    @Test
    void zeroRecoveryTimeout_isRefused() {
        assertRefused("--recovery-timeout must be at least 1 s, was 0", "--recovery-timeout", "0");
    }

    @Test
    void zeroOutage_isRefused() {
        assertRefused("--outage must be at least 1 s, was 0", "--broker-outage", "--outage", "0");
    }

    @Test
    void zeroTimeout_isRefused() {
        assertRefused("--timeout must be at least 1 s", "--timeout", "0");
    }

    @Test
    void externalCluster_isRefused() {
        assertRefused("chaos starts and kills its own local stack", "--bootstrap-servers", "localhost:9092");
    }

    @Test
    void notANumber_isRefused() {
        assertRefused("--kills", "--kills", "ten");
    }

    @Test
    void noInstance_isRefused() {
        assertRefused("--embedders and --extractors must be at least 1, were 0 and 1", "--embedders", "0");
    }

    @Test
    void fewerPartitionsThanInstances_isRefused() {
        assertRefused(
                "--partitions 2 is fewer than the 3 instances of one application",
                "--embedders",
                "3",
                "--partitions",
                "2");
    }

    @Test
    void negativeStandbyReplicas_isRefused() {
        assertRefused("--standby-replicas must be 0 or more, was -1", "--standby-replicas", "-1");
    }

    @Test
    void partitions_defaultToTheLargerInstanceCount_orTheConfiguredCountIfLarger() {
        ChaosCommand c = new ChaosCommand();
        new CommandLine(c).parseArgs("--embedders", "3", "--extractors", "2");
        assertEquals(3, c.partitions(StegoConfig.defaultsOnly()));
        assertEquals(8, c.partitions(StegoConfig.defaultsOnly().with(Map.of(StegoConfig.TOPIC_PARTITIONS, "8"))));
        new CommandLine(c).parseArgs("--embedders", "3", "--partitions", "6");
        assertEquals(6, c.partitions(StegoConfig.defaultsOnly()));
    }
}
