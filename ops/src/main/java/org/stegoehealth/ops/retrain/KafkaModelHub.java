package org.stegoehealth.ops.retrain;

import java.nio.file.Path;
import org.stegoehealth.model.ModelException;
import org.stegoehealth.processors.models.FollowedModels;
import org.stegoehealth.processors.models.ModelPublisher;
import org.stegoehealth.schemas.TrainingRoundEvent;
import org.stegoehealth.trainer.ModelHub;
import org.stegoehealth.trainer.RoundRecord;

/** The periodic trainer's view of the model topics: the promoted version, and signed publications. */
final class KafkaModelHub implements ModelHub {

    private final FollowedModels models;
    private final ModelPublisher publisher;

    KafkaModelHub(FollowedModels models, ModelPublisher publisher) {
        this.models = models;
        this.publisher = publisher;
    }

    @Override
    public Promoted promoted() {
        String version = models.registry()
                .promotedVersion()
                .orElseThrow(
                        () -> new ModelException(
                                "no promoted model version to fine-tune (publish and promote one: stego models publish DIR --promote)"));
        return new Promoted(version, models.registry().artifactDir(version));
    }

    @Override
    public void publish(Path artifact, String parent) {
        publisher.publish(artifact, parent);
    }

    @Override
    public void promote(String version, String reason) {
        publisher.promote(version, reason);
    }

    @Override
    public void record(RoundRecord r) {
        publisher.record(TrainingRoundEvent.newBuilder()
                .setRoundId(r.roundId())
                .setBaseVersion(r.baseVersion())
                .setCandidateVersion(r.candidateVersion())
                .setSteps(r.steps())
                .setTrainingXrays(r.trainingXrays())
                .setHeldOutImages(r.heldOutImages())
                .setBaseCoverPsnr(r.base().cover())
                .setBaseSecretPsnr(r.base().secret())
                .setCandidateCoverPsnr(r.candidate().cover())
                .setCandidateSecretPsnr(r.candidate().secret())
                .setPromoted(r.promoted())
                .setReason(r.reason())
                .setStartedAt(r.startedAt())
                .setFinishedAt(r.finishedAt())
                .build());
    }
}
