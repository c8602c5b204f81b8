package org.stegoehealth.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.CliRun;
import picocli.CommandLine;

/** Scale-out options that cannot make a run are refused at once, with one line naming the option; nothing starts. */
class PipelineBenchCommandTest {

    private static void assertRefused(String expected, String... args) {
        CliRun run = CliRun.run(new PipelineBenchCommand(), args);
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains(expected), run.toString());
        assertEquals("", run.out(), run.toString());
    }

    @Test
    void instanceOptionsWithoutInstances_areRefused() {
        assertRefused("--compute-threads, --partitions and --rebalance need --instances", "--partitions", "4");
        assertRefused("--compute-threads, --partitions and --rebalance need --instances", "--rebalance");
    }

    @Test
    void zeroInstancesOrThreads_areRefused() {
        assertRefused("--instances must be at least 1, was 0", "--instances", "1,0");
        assertRefused("--compute-threads must be at least 1, was 0", "--instances", "2", "--compute-threads", "0");
    }

    @Test
    void threadCountsNotMatchingTheInstanceCounts_areRefused() {
        assertRefused(
                "--compute-threads takes one count, or one per --instances count (2), not 3",
                "--instances",
                "1,2",
                "--compute-threads",
                "2,1,1");
    }

    @Test
    void fewerPartitionsThanInstances_isRefused_countingTheOneARebalanceAdds() {
        assertRefused(
                "--partitions 2 is fewer than the 3 instances of one application",
                "--instances",
                "1,3",
                "--partitions",
                "2");
        assertRefused(
                "--partitions 2 is fewer than the 3 instances of one application (with the one --rebalance adds)",
                "--instances",
                "2",
                "--partitions",
                "2",
                "--rebalance");
    }

    @Test
    void anExternalClusterOrHeadOfLine_isRefused() {
        assertRefused(
                "--instances starts its own local stack", "--instances", "2", "--bootstrap-servers", "localhost:9092");
        assertRefused("--head-of-line runs one instance", "--instances", "2", "--head-of-line", "3000");
    }

    @Test
    void partitions_defaultToTheLargestInstanceCount_plusTheJoiningOne() {
        PipelineBenchCommand c = new PipelineBenchCommand();
        new CommandLine(c).parseArgs("--instances", "1,2");
        assertEquals(2, c.partitions(StegoConfig.defaultsOnly()));
        new CommandLine(c).parseArgs("--instances", "1,2", "--rebalance");
        assertEquals(3, c.partitions(StegoConfig.defaultsOnly()));
        assertEquals(6, c.partitions(StegoConfig.defaultsOnly().with(Map.of(StegoConfig.TOPIC_PARTITIONS, "6"))));
    }
}
