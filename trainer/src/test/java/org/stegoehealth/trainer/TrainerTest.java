package org.stegoehealth.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.NetworkConfig;
import org.stegoehealth.model.NetworkGrowth;
import org.stegoehealth.model.Progress;
import org.stegoehealth.model.StegoModel;
import org.stegoehealth.model.StegoNetwork;
import org.stegoehealth.model.Tensors;
import org.stegoehealth.model.TrainingGraph;
import org.stegoehealth.model.TrainingObjective;

class TrainerTest {

    /** Smooth random images: gradients plus a few discs, like a very simple photo or radiograph. */
    static void writeImages(Path dir, String prefix, int count, boolean gray, long seed) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(seed);
        for (int n = 0; n < count; n++) {
            int w = 96 + r.nextInt(64);
            int h = 96 + r.nextInt(64);
            BufferedImage img =
                    new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            double[] a = {r.nextDouble(), r.nextDouble(), r.nextDouble()};
            int cx = r.nextInt(w);
            int cy = r.nextInt(h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < 400;
                    int rr = (int) (255 * ((a[0] * x / w + (disc ? 0.5 : 0)) % 1.0));
                    int gg = (int) (255 * ((a[1] * y / h + (disc ? 0.3 : 0)) % 1.0));
                    int bb = (int) (255 * ((a[2] * (x + y) / (w + h)) % 1.0));
                    img.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
                }
            }
            ImageIO.write(img, "png", dir.resolve(prefix + n + ".png").toFile());
        }
    }

    private final Progress quiet = new Progress(new PrintStream(OutputStream.nullOutputStream()));

    /** {@code xrays} gray and {@code covers} colour synthetic images under {@code dir}, loaded for training. */
    private static TrainingData syntheticData(Path dir, int xrays, int covers) throws IOException {
        writeImages(dir.resolve("xray"), "xray-", xrays, true, 1);
        writeImages(dir.resolve("covers"), "cover-", covers, false, 2);
        return TrainingData.load(dir.resolve("xray"), dir.resolve("covers"), 64, 0, (w, d, t) -> {});
    }

    @Test
    void shortRun_lowersTheLoss_checkpointsResumesAndExports(@TempDir Path tmp) throws IOException {
        TrainingData data = syntheticData(tmp, 40, 24);
        NetworkConfig net = new NetworkConfig(1, 2, 8, 16, 2, 0.1);
        TrainingSettings settings = new TrainingSettings(net, 40, 4, 32, 3e-3, 1.0, 11, 40, 20, 4, 64, 0, 0, 0, false);
        Path run = tmp.resolve("run");

        Trainer trainer = Trainer.open(settings, data, run, quiet, null);
        double[] before = trainer.validate();
        TrainingState done = trainer.train();
        double[] after = trainer.validate();

        assertEquals(40, done.step());
        assertFalse(done.history().isEmpty());
        assertTrue(
                done.history().stream().allMatch(p -> p.loss() > 0 && Double.isFinite(p.loss())),
                "the recorded training loss is the real one: " + done.history());
        // the training loss is MSE(cover, stego) + beta * MSE(secret, extracted); PSNR gives each MSE back
        assertTrue(
                loss(after) < 0.8 * loss(before),
                "held-out loss should fall: PSNR before " + before[0] + "/" + before[1] + ", after " + after[0] + "/"
                        + after[1]);
        assertTrue(Files.isRegularFile(run.resolve("curve.png")));

        Trainer resumed = Trainer.open(settings, data, run, quiet, null);
        assertEquals(40, resumed.state().step(), "a second open resumes from the checkpoint");

        Path model = resumed.export(tmp.resolve("models"), "test", false);
        ModelArtifact artifact = ModelArtifact.load(model);
        assertEquals(net, artifact.metadata().architecture());
        assertTrue(artifact.metadata().validation().containsKey("secretPsnr"));
    }

    @Test
    void runWithTheChannelInTheLoop_trainsThroughEveryAttack_validatesAfterRealOnes_andResumes(@TempDir Path tmp)
            throws IOException {
        TrainingData data = syntheticData(tmp, 12, 12);
        NetworkConfig net = new NetworkConfig(1, 2, 8, 8, 2, 0.1);
        // no ramp and every batch attacked: the eight steps see JPEG, resizing and noise
        ChannelSchedule channel = ChannelSchedule.parse("jpeg,resize,noise", 0, 1.0);
        TrainingSettings settings =
                new TrainingSettings(net, 8, 2, 32, 1e-3, 1.0, 5, 4, 4, 2, 64, 0, 0, 0, false, channel);
        Path run = tmp.resolve("run");

        TrainingState done = Trainer.open(settings, data, run, quiet, null).train();

        assertEquals(8, done.step());
        TrainingState.Point last = done.lastValidation();
        assertTrue(last.attackedSecretPsnr() > 0 && Double.isFinite(last.attackedSecretPsnr()), last.toString());
        assertTrue(
                done.history().stream().allMatch(p -> Double.isFinite(p.loss())),
                done.history().toString());
        Trainer resumed = Trainer.open(settings, data, run, quiet, null);
        assertEquals(8, resumed.state().step());
        assertEquals(channel, resumed.state().settings().channel(), "the schedule is saved with the checkpoint");
        Path model = resumed.export(tmp.resolve("models"), "test", false);
        assertTrue(Files.readString(model.resolve("model.json")).contains("JPEG 4:2:0"));
    }

    @Test
    void channelSchedule_bringsTheAttacksInGradually() {
        ChannelSchedule schedule = ChannelSchedule.parse("jpeg, resize", 100, 0.5);
        assertEquals(0.0, schedule.attackedShare(0));
        assertEquals(0.25, schedule.attackedShare(50), 1e-9);
        assertEquals(0.5, schedule.attackedShare(500), 1e-9);
        Random random = new Random(3);
        int attacked = 0;
        for (int i = 0; i < 2000; i++) {
            if (!schedule.draw(1000, random, 32).name().equals("identity")) {
                attacked++;
            }
        }
        assertEquals(1000, attacked, 80);
        assertThrows(IllegalArgumentException.class, () -> ChannelSchedule.parse("jpeg,blur", 0, 1));
    }

    @Test
    void runWithSsimAndCritic_trainsResumesAndExportsOnlyTheHidingNetwork(@TempDir Path tmp) throws IOException {
        TrainingData data = syntheticData(tmp, 12, 12);
        NetworkConfig net = new NetworkConfig(1, 2, 8, 8, 2, 0.1);
        TrainingSettings settings =
                new TrainingSettings(net, 6, 2, 32, 1e-3, 1.0, 5, 6, 3, 2, 64, 0.01, 0.001, 0, false);
        Path run = tmp.resolve("run");

        TrainingState done = Trainer.open(settings, data, run, quiet, null).train();
        assertEquals(6, done.step());
        assertTrue(done.history().stream().allMatch(p -> Double.isFinite(p.loss()) && p.loss() > 0));

        Trainer resumed = Trainer.open(settings, data, run, quiet, null);
        assertEquals(6, resumed.state().step());
        assertEquals(0.001, resumed.state().settings().adversaryWeight());
        ModelArtifact model = ModelArtifact.load(resumed.export(tmp.resolve("models"), "test", false));
        assertEquals(
                StegoNetwork.initialWeights(net, 0).keySet(),
                model.weights().keySet(),
                "the critic trains alongside but is not part of the model");
        String loss = String.valueOf(model.metadata().training().get("loss"));
        assertTrue(loss.contains("SSIM") && loss.contains("critic"), loss);
    }

    @Test
    void averagedRun_validatesTheAverage_keepsItAndTheBestAcrossResumes_andExportsTheBest(@TempDir Path tmp)
            throws IOException {
        TrainingData data = syntheticData(tmp, 24, 12);
        NetworkConfig net = new NetworkConfig(1, 2, 8, 8, 2, 0.1);
        TrainingSettings settings = new TrainingSettings(net, 16, 2, 32, 3e-3, 1.0, 7, 4, 8, 3, 64, 0, 0, 0.9, false);
        Path run = tmp.resolve("run");

        Trainer trainer = Trainer.open(settings, data, run, quiet, null);
        TrainingState done = trainer.train();
        List<TrainingState.Point> validations =
                done.history().stream().filter(p -> p.coverPsnr() > 0).toList();
        assertEquals(
                List.of(4, 8, 12, 16),
                validations.stream().map(TrainingState.Point::step).toList());
        TrainingState.Point best = done.best();
        for (TrainingState.Point p : validations) {
            assertTrue(
                    best.heldOutObjective(1.0) <= p.heldOutObjective(1.0), "best " + best + " is no worse than " + p);
        }
        assertTrue(validations.contains(best));
        assertFalse(
                sameValues(trainer.weights(), trainer.current()),
                "with averaging on, the model's weights are the average, not the graph's");
        HeldOut.Psnr last = HeldOut.measure(new StegoModel(net, trainer.weights(), "last"), data, 3);
        assertEquals(validations.get(3).coverPsnr(), last.cover(), 1e-9, "validation measured the average");

        Trainer resumed = Trainer.open(settings, data, run, quiet, null);
        assertEquals(best, resumed.state().best());
        assertTrue(sameValues(trainer.weights(), resumed.weights()), "the average survives a resume");

        ModelArtifact exported = ModelArtifact.load(resumed.export(tmp.resolve("models"), "test", false));
        HeldOut.Psnr measured = HeldOut.measure(new StegoModel(net, exported.weights(), "best"), data, 3);
        assertEquals(best.coverPsnr(), measured.cover(), 1e-9, "the exported weights are the best validation's");
        assertEquals(best.secretPsnr(), measured.secret(), 1e-9);
        assertEquals(best.step(), ((Number) exported.metadata().validation().get("step")).intValue());
        assertTrue(
                String.valueOf(exported.metadata().training().get("exported")).contains("step " + best.step()));
        assertTrue(String.valueOf(exported.metadata().training().get("weights")).contains("moving average"));
        // the curve travels in the signed metadata: every validation point, read back as written
        List<?> curve = (List<?>) exported.metadata().training().get(TrainingCurve.METADATA_KEY);
        assertEquals(done.history().size(), curve.size());
        List<?> bestRow = curve.stream()
                .map(r -> (List<?>) r)
                .filter(r -> ((Number) r.get(0)).intValue() == best.step())
                .findFirst()
                .orElseThrow();
        assertEquals(best.coverPsnr(), ((Number) bestRow.get(2)).doubleValue(), 1e-3);
        assertEquals(best.secretPsnr(), ((Number) bestRow.get(3)).doubleValue(), 1e-3);
        assertTrue(TrainingCurve.fromMetadata(exported.metadata().training(), best.step(), "t")
                .isPresent());
        assertTrue(TrainingCurve.fromMetadata(Map.of("command", "x"), 0, "t").isEmpty());

        ModelArtifact lastExport = ModelArtifact.load(resumed.export(tmp.resolve("last"), "test", true));
        assertTrue(sameValues(trainer.weights(), lastExport.weights()), "--export-last gives the last weights");
    }

    @Test
    void frozenEmbedder_trainsOnlyTheExtractor_evenAcrossAResume(@TempDir Path tmp) throws IOException {
        TrainingData data = syntheticData(tmp, 12, 12);
        NetworkConfig small = new NetworkConfig(1, 2, 8, 8, 2, 0.1);
        NetworkConfig net = small.withExtractDepth(3);
        Map<String, INDArray> start = NetworkGrowth.grow(small, StegoNetwork.initialWeights(small, 3), net, 3);
        TrainingSettings settings = new TrainingSettings(net, 8, 2, 32, 3e-3, 1.0, 5, 4, 4, 2, 64, 0, 0, 0, true);
        Path run = tmp.resolve("run");

        Trainer trainer = Trainer.open(settings, data, run, quiet, start);
        trainer.requestStop();
        trainer.train();
        Trainer resumed = Trainer.open(settings, data, run, quiet, null);
        assertEquals(0, resumed.state().step(), "stopped before its first step: the rest trains from the saved graph");
        resumed.train();
        Map<String, INDArray> after = resumed.weights();
        for (String name : after.keySet()) {
            boolean same = after.get(name).equalsWithEps(start.get(name), 0);
            if (name.startsWith("extract")) {
                assertFalse(same, name + " trained");
            } else {
                assertTrue(same, name + " stayed as it was");
            }
        }
    }

    @Test
    void heldOutObjective_isTheLossFromTheTwoPsnrs() {
        TrainingState.Point p = new TrainingState.Point(10, 1, 0.1, 30, 20);
        assertEquals(1e-3 + 2 * 1e-2, p.heldOutObjective(2.0), 1e-12);
    }

    @Test
    void averageDecayOutsideZeroToOne_isRefused() {
        NetworkConfig net = new NetworkConfig(1, 2, 8, 8, 2, 0.1);
        assertThrows(
                IllegalArgumentException.class,
                () -> new TrainingSettings(net, 6, 2, 32, 1e-3, 1.0, 5, 6, 3, 2, 64, 0, 0, 1.0, false));
    }

    private static boolean sameValues(Map<String, INDArray> a, Map<String, INDArray> b) {
        return a.keySet().equals(b.keySet())
                && a.keySet().stream().allMatch(k -> a.get(k).equalsWithEps(b.get(k), 1e-7));
    }

    @Test
    void stateOfARunFromBeforeTheSsimAndCriticTerms_resumesWithBothOff() throws IOException {
        String old = """
                {"settings": {"network": {"secretChannels": 1, "unshuffle": 2, "prepWidth": 48, "width": 96,
                  "depth": 6, "residualScale": 0.1}, "steps": 30000, "batch": 8, "crop": 64, "learningRate": 5.0E-4,
                  "beta": 1.5, "seed": 42, "validateEvery": 1000, "checkpointEvery": 500, "validationImages": 24,
                  "validationSize": 256},
                 "step": 2879, "elapsedSeconds": 2804.7, "history": []}
                """;
        TrainingState state = Trainer.JSON.readValue(old, TrainingState.class);
        assertEquals(TrainingObjective.mse(1.5), state.settings().objective());
        assertEquals(2879, state.step());
        assertEquals(0, state.settings().averageDecay(), "no moving average");
        assertNull(state.best(), "no best validation on record");
    }

    @Test
    void lossListener_reportsTheLossOfTheStepTheFitTook() {
        NetworkConfig net = new NetworkConfig(1, 2, 8, 16, 2, 0.1);
        SameDiff graph = TrainingGraph.training(net, StegoNetwork.initialWeights(net, 3), TrainingObjective.mse(1.0));
        graph.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(1e-3))
                .dataSetFeatureMapping(StegoNetwork.COVER, StegoNetwork.SECRET, StegoNetwork.NOISE)
                .markLabelsUnused()
                .build());
        TrainingGraph.differentiate(graph);
        LossListener losses = new LossListener(TrainingObjective.mse(1.0));
        graph.addListeners(losses);
        Random r = new Random(5);
        INDArray cover = Tensors.stack(List.of(random(r, 3), random(r, 3)));
        INDArray secret = Tensors.stack(List.of(random(r, 1), random(r, 1)));
        INDArray noise = Tensors.stack(List.of(
                new FloatImage(16, 16, 3, new float[16 * 16 * 3]), new FloatImage(16, 16, 3, new float[16 * 16 * 3])));
        double before = graph.output(
                        Map.of(StegoNetwork.COVER, cover, StegoNetwork.SECRET, secret, StegoNetwork.NOISE, noise),
                        StegoNetwork.LOSS)
                .get(StegoNetwork.LOSS)
                .getDouble(0);

        graph.fit(new MultiDataSet(new INDArray[] {cover, secret, noise}, new INDArray[0]));
        assertEquals(1, losses.count());
        assertEquals(before, losses.last(), 1e-4 * before, "the loss of the forward pass the step trained on");
        graph.fit(new MultiDataSet(new INDArray[] {cover, secret, noise}, new INDArray[0]));
        assertEquals(2, losses.count());
        assertTrue(losses.last() < before, "a step of Adam lowers the loss on its own batch");
        losses.reset();
        assertEquals(0, losses.count());
    }

    private static FloatImage random(Random r, int channels) {
        float[] data = new float[16 * 16 * channels];
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat();
        }
        return new FloatImage(16, 16, channels, data);
    }

    private static double loss(double[] psnr) {
        return Math.pow(10, -psnr[0] / 10) + Math.pow(10, -psnr[1] / 10);
    }

    @Test
    void split_heldOutFilesArePinned() {
        // Known answers: if any of these changes, the held-out set changed and every published figure with it.
        for (String name : List.of(
                "IM-0003-0001.jpeg",
                "IM-0035-0001.jpeg",
                "IM-0235-0001.jpeg",
                "IM-0339-0001.jpeg",
                "person1258_virus_2138.jpeg")) {
            assertTrue(Split.isHeldOut(name, Split.XRAY_VALIDATION), name + " is a held-out X-ray");
        }
        for (String name : List.of("person1665_virus_2878.jpeg", "person54_virus_109.jpeg")) {
            assertFalse(Split.isHeldOut(name, Split.XRAY_VALIDATION), name + " is a training X-ray");
        }
        for (String name : List.of("lomiri-16.04__friends_by_Aitzol_Berasategi.jpg", "plasma-photos__Kite.jpg")) {
            assertTrue(Split.isHeldOut(name, Split.COVER_VALIDATION), name + " is a held-out cover");
        }
        for (String name : List.of("plasma-photos__EveningGlow.jpg", "plasma-photos__Path.jpg")) {
            assertFalse(Split.isHeldOut(name, Split.COVER_VALIDATION), name + " is a training cover");
        }
        // the fraction is a bound on SHA-256(name)[0..2] / 65536: IM-0003-0001.jpeg hashes to 5141
        assertFalse(Split.isHeldOut("IM-0003-0001.jpeg", 5141 / 65536.0));
        assertTrue(Split.isHeldOut("IM-0003-0001.jpeg", 5142 / 65536.0));
        int held = 0;
        for (int i = 0; i < 2000; i++) {
            held += Split.isHeldOut("file-" + i + ".png", Split.XRAY_VALIDATION) ? 1 : 0;
        }
        assertEquals(206, held, "held-out count of file-0.png .. file-1999.png");
    }
}
