package org.stegoehealth.ops.deadletters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.deadletters.Reverification;
import org.stegoehealth.schemas.DeadLetterEvent;

/** Which dead letters count as replayed, and which need verifying again. */
class DeadLettersCommandTest {

    private static DeadLetterEvent letter(String application, String type) {
        return DeadLetterEvent.newBuilder()
                .setReason("r")
                .setErrorType(type)
                .setApplication(application)
                .setSourceTopic("stego-images")
                .setSourcePartition(0)
                .setSourceOffset(5)
                .setKey(null)
                .setValue(null)
                .setFailedAt(Instant.EPOCH)
                .build();
    }

    @Test
    void replayedBefore_countsEachApplicationsDeadLetterOnItsOwn_andOldKeysForEveryApplication() {
        DeadLetterEvent clinicA = letter("extractor-a", "UNKNOWN_MODEL");
        DeadLetterEvent clinicB = letter("extractor-b", "UNKNOWN_MODEL");

        assertEquals("extractor-a/stego-images-0@5", DeadLettersCommand.keyOf(clinicA));
        Set<String> replayed = Set.of(DeadLettersCommand.keyOf(clinicA));
        assertTrue(DeadLettersCommand.replayedBefore(replayed, clinicA));
        assertFalse(DeadLettersCommand.replayedBefore(replayed, clinicB), "another application's dead letter");
        Set<String> recordedBeforeKeysNamedTheApplication = Set.of("stego-images-0@5");
        assertTrue(DeadLettersCommand.replayedBefore(recordedBeforeKeysNamedTheApplication, clinicB));
    }

    @Test
    void onlyWhatFailedAuthentication_isVerifiedAgain() {
        assertTrue(Reverification.needed(letter("x", "TAMPERED")));
        assertTrue(Reverification.needed(letter("x", "NOT_FOR_THIS_CLINIC")));
        assertFalse(Reverification.needed(letter("x", "UNKNOWN_MODEL")));
        assertFalse(Reverification.needed(letter("x", "NOT_FOR_THIS_KEY")));
    }
}
