package org.stegoehealth.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stegoehealth.lab.bench.ScaleOutBenchmark.Setup;
import org.stegoehealth.stack.pipeline.PipelineInstance;

/** How the scale-out benchmark sets up its configurations and splits a rate over the instances. */
class ScaleOutBenchmarkTest {

    @Test
    void computeThreads_defaultToTheCoresSharedOut_orFollowTheList() {
        assertEquals(List.of(new Setup(1, 2), new Setup(2, 1)), ScaleOutBenchmark.setups(List.of(1, 2), null, 2));
        assertEquals(List.of(new Setup(3, 1)), ScaleOutBenchmark.setups(List.of(3), null, 2));
        assertEquals(
                List.of(new Setup(1, 2), new Setup(2, 1)), ScaleOutBenchmark.setups(List.of(1, 2), List.of(2, 1), 8));
        assertEquals(List.of(new Setup(1, 1), new Setup(2, 1)), ScaleOutBenchmark.setups(List.of(1, 2), List.of(1), 8));
        assertThrows(
                IllegalArgumentException.class, () -> ScaleOutBenchmark.setups(List.of(1, 2), List.of(1, 1, 1), 2));
    }

    @Test
    void perInstance_splitsTheRateByEachInstancesShareOfItsApplicationsImages() {
        List<PipelineInstance> instances = List.of(
                instance("embedder-1", BenchInstances.EMBEDDER),
                instance("embedder-2", BenchInstances.EMBEDDER),
                instance("extractor-1", BenchInstances.EXTRACTOR),
                instance("extractor-2", BenchInstances.EXTRACTOR));
        // before the burst: the warm-up's images; in the burst 12 + 20 embedded, 32 + 0 extracted
        double[] before = {4, 4, 8, 0};
        double[] after = {16, 24, 40, 0};
        Map<String, Double> rates = ScaleOutBenchmark.perInstance(instances, before, after, 8.0);
        assertEquals(3.0, rates.get("embedder-1"), 1e-9);
        assertEquals(5.0, rates.get("embedder-2"), 1e-9);
        assertEquals(8.0, rates.get("extractor-1"), 1e-9);
        assertEquals(0.0, rates.get("extractor-2"), 1e-9);
    }

    @Test
    void imagesProcessed_sumsTheCounterOverItsTags() {
        String page = "# HELP stego_images_processed_total images\n"
                + "# TYPE stego_images_processed_total counter\n"
                + "stego_images_processed_total{application=\"stego-embedder\",lane=\"small\"} 12.0\n"
                + "stego_images_processed_total{application=\"stego-embedder\",lane=\"large\"} 3.0\n"
                + "stego_batch_size_count{application=\"stego-embedder\"} 5.0\n";
        assertEquals(15.0, BenchInstances.imagesProcessed(page), 1e-9);
        assertEquals(0.0, BenchInstances.imagesProcessed("# nothing yet\n"), 1e-9);
    }

    @Test
    void longestGap_isTheLongestWaitForTheNextRecordWithinTheWindow() {
        long s = 1_000_000_000L;
        long[] arrivals = {1 * s, 2 * s, 3 * s, 9 * s, 10 * s, 20 * s};
        // from 2.5 s: 3 -> 9 is the longest wait
        assertEquals(6.0, PipelineBenchmark.longestGap(arrivals, 2 * s + s / 2, 12 * s), 1e-9);
        // the window ends at 12 s while the next record comes at 20 s: 2 s of it count
        assertEquals(2.0, PipelineBenchmark.longestGap(arrivals, 9 * s + s / 2, 12 * s), 1e-9);
        // nothing at all in the window: all of it
        assertEquals(4.0, PipelineBenchmark.longestGap(arrivals, 11 * s, 15 * s), 1e-9);
    }

    private static PipelineInstance instance(String name, String role) {
        return new PipelineInstance(name, role, Path.of(name + ".properties"), Path.of(name), 0);
    }
}
