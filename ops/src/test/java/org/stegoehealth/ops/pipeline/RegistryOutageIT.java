package org.stegoehealth.ops.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.lab.eval.Evaluation;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.ops.TinyModels;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.stack.LocalStack;
import org.stegoehealth.stack.pipeline.InProcessPipeline;
import org.stegoehealth.stack.pipeline.PipelineCluster;
import org.stegoehealth.stack.pipeline.PipelineKeys;
import org.stegoehealth.stack.pipeline.PipelineOutputs;

/**
 * A schema registry outage of a minute, on a real broker and registry: the embedder and extractor start while the
 * registry is down (so neither has a schema cached and every record needs a lookup), X-rays keep arriving from a
 * producer that registered its schema before, and when the registry is back every X-ray comes out exactly once,
 * none dead-lettered, and neither application ever stopped.
 */
@Tag("integration")
@Timeout(value = 9, unit = TimeUnit.MINUTES)
class RegistryOutageIT {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void aMinuteWithoutTheRegistry_losesNothing_deadLettersNothing_andNeitherApplicationStops() throws Exception {
        StegoModel model = TinyModels.load(tmp, "it-outage", 1);
        StegoConfig base = StegoConfig.defaultsOnly()
                .with(Map.of(
                        StegoConfig.TOPIC_PARTITIONS, "2",
                        StegoConfig.BATCH_LINGER_MS, "300",
                        StegoConfig.COMMIT_INTERVAL_MS, "200"));
        List<Path> xrays = Evaluation.imageFiles(SAMPLES.resolve("xray"), n -> true);
        String cover = CoverProducer.coverIdOf(
                Evaluation.imageFiles(SAMPLES.resolve("covers"), n -> true).get(0));
        try (PipelineCluster cluster = PipelineCluster.open(base, false, false, tmp.resolve("run"), "outage")) {
            LocalStack stack = cluster.localStack().orElseThrow();
            cluster.createTopics();
            cluster.publishCovers(SAMPLES.resolve("covers"));
            List<String> sent = new ArrayList<>();
            // registers the X-ray schema; the producer keeps its id and needs no registry afterwards
            sent.add(cluster.publishXray(xrays.get(0), cover));

            long outageStarted = System.nanoTime();
            stack.stopRegistry();
            // the applications' own registry clients start empty: every record they read needs a lookup, and the
            // embedder's cover library cannot even be restored, so it cannot reach RUNNING before the registry is back
            Topics cold = CommonOptions.topics(cluster.config());
            CompletableFuture<InProcessPipeline> starting = CompletableFuture.supplyAsync(() -> InProcessPipeline.start(
                    cluster.config(),
                    cold,
                    model,
                    PipelineKeys.under(tmp.resolve("keys")),
                    InProcessPipeline.START_TIMEOUT));
            for (int i = 1; i < xrays.size(); i++) {
                sent.add(cluster.publishXray(xrays.get(i), cover));
            }
            Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - outageStarted) / 1_000_000));
            assertFalse(
                    starting.isDone() && starting.isCompletedExceptionally(), "the pipeline gave up during the outage");
            stack.startRegistry();
            long back = System.nanoTime();
            try (InProcessPipeline pipeline = starting.get(4, TimeUnit.MINUTES)) {
                assertTrue(pipeline.restarts() > 0, "the applications met the outage and restarted themselves");
                try (PipelineOutputs outputs =
                        new PipelineOutputs(cluster.config(), cluster.topics(), "outage-reader")) {
                    outputs.awaitRecovered(sent, Duration.ofMinutes(3), null, pipeline::checkHealthy);
                    System.out.printf(
                            "RegistryOutageIT: %d X-rays recovered %.1f s after the registry came back (%d restarts)%n",
                            sent.size(), (System.nanoTime() - back) / 1e9, pipeline.restarts());
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    while (System.nanoTime() < until) {
                        outputs.poll(Duration.ofMillis(200));
                    }
                    assertEquals(Set.copyOf(sent), outputs.recoveredCounts().keySet(), "recovered message ids");
                    outputs.recoveredCounts()
                            .forEach((id, count) -> assertEquals(1, count, "recovered records of " + id));
                    assertTrue(outputs.deadLetters().isEmpty(), "dead letters: " + outputs.deadLetters());
                }
                pipeline.checkHealthy();
            }
        }
    }
}
