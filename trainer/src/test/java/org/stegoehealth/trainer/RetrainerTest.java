package org.stegoehealth.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.TinyModels;

class RetrainerTest {

    private static final NetworkConfig NET = new NetworkConfig(1, 2, 8, 16, 2, 0.1);
    private static final Progress QUIET = new Progress(new PrintStream(OutputStream.nullOutputStream()));
    private static final Retrainer.RoundSettings TINY = new Retrainer.RoundSettings(30, 4, 32, 3e-3, 1.0, 5, 10, 4, 64);

    @TempDir
    static Path data;

    private static TrainingData pool;

    @BeforeAll
    static void pool() throws IOException {
        TrainerTest.writeImages(data.resolve("xray"), "xray-", 40, true, 1);
        TrainerTest.writeImages(data.resolve("covers"), "cover-", 24, false, 2);
        pool = TrainingData.load(data.resolve("xray"), data.resolve("covers"), 64, 0, (w, d, t) -> {});
    }

    /** A hub in memory: the promoted version and what the trainer sent. */
    static final class MemoryHub implements ModelHub {
        Promoted promoted;
        final List<String> published = new ArrayList<>();
        final List<String> promotions = new ArrayList<>();
        final List<RoundRecord> rounds = new ArrayList<>();

        MemoryHub(Promoted promoted) {
            this.promoted = promoted;
        }

        @Override
        public Promoted promoted() {
            return promoted;
        }

        @Override
        public void publish(Path artifact, String parent) {
            published.add(ModelArtifact.load(artifact).metadata().version() + " <- " + parent);
        }

        @Override
        public void promote(String version, String reason) {
            promotions.add(version);
        }

        @Override
        public void record(RoundRecord round) {
            rounds.add(round);
        }
    }

    private static ModelHub.Promoted untrainedBase(Path dir) throws IOException {
        return new ModelHub.Promoted("v-base", TinyModels.write(dir, "v-base", NET, 3));
    }

    @Test
    void scheduledRound_tinySettings_fineTunesPublishesPromotesABetterCandidateAndRecordsIt(@TempDir Path tmp)
            throws Exception {
        MemoryHub hub = new MemoryHub(untrainedBase(tmp.resolve("hub")));
        // from random weights the first steps trade some cover quality for a much better secret: allow that here
        PromotionGate lenient = new PromotionGate(3.0, 0.1);
        Retrainer retrainer =
                new Retrainer(hub, () -> pool, tmp.resolve("work"), TINY, lenient, QUIET, Clock.systemUTC());
        AtomicLong xrays = new AtomicLong();
        RetrainTrigger trigger = RetrainTrigger.afterNewXrays(5, xrays::get);
        xrays.addAndGet(5);

        int rounds = retrainer.runScheduled(trigger, () -> !hub.rounds.isEmpty(), Duration.ofMillis(10));

        assertEquals(1, rounds);
        RoundRecord round = hub.rounds.get(0);
        assertEquals("v-base", round.baseVersion());
        assertEquals(List.of(round.candidateVersion() + " <- v-base"), hub.published);
        assertTrue(round.candidate().secret() > round.base().secret() + 0.1, round.reason());
        assertTrue(round.promoted(), round.reason());
        assertEquals(List.of(round.candidateVersion()), hub.promotions);
        assertEquals(4, round.heldOutImages());
        assertFalse(retrainer.unfinishedRound().isPresent());
        assertFalse(trigger.due(), "the trigger counts from the round's start");
    }

    @Test
    void round_candidateFailingTheGate_isPublishedAndRecordedButNotPromoted(@TempDir Path tmp) throws Exception {
        MemoryHub hub = new MemoryHub(untrainedBase(tmp.resolve("hub")));
        PromotionGate unreachable = new PromotionGate(0.0, 100.0);
        Retrainer.RoundSettings brief = new Retrainer.RoundSettings(4, 4, 32, 3e-3, 1.0, 6, 2, 4, 64);
        Retrainer retrainer =
                new Retrainer(hub, () -> pool, tmp.resolve("work"), brief, unreachable, QUIET, Clock.systemUTC());

        RoundRecord round = retrainer.runRound().orElseThrow();

        assertFalse(round.promoted(), round.reason());
        assertTrue(round.reason().startsWith("not promoted"), round.reason());
        assertEquals(List.of(round.candidateVersion() + " <- v-base"), hub.published);
        assertEquals(List.of(), hub.promotions);
        assertEquals(List.of(round), hub.rounds);
    }
}
