package org.stegoehealth.processors.deadletters;

import java.util.Optional;
import java.util.Set;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.RecordRejectedException;
import org.stegoehealth.processors.StegoEvents;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Verifier;

/**
 * The check a dead letter that failed authentication must pass, now, before it may go back to its source topic: its
 * record is a stego event signed by the hospital, for this clinic, as the extractor checks it with this keyring and
 * today's role rules ({@link StegoEvents#authenticate}).
 */
public final class Reverification {

    /** Categories of records that failed authentication: never re-published without passing this check. */
    public static final Set<String> AUTHENTICATION =
            Set.of(ErrorType.TAMPERED.name(), ErrorType.NOT_FOR_THIS_CLINIC.name());

    private final Topics topics;
    private final TransferSecurity security;
    private final Verifier stegoSigners;

    public Reverification(Topics topics, TransferSecurity security) {
        this.topics = topics;
        this.security = security;
        this.stegoSigners = security.stegoSigners();
    }

    /** Whether {@code d} failed authentication, so that replaying it needs this check. */
    public static boolean needed(DeadLetterEvent d) {
        return AUTHENTICATION.contains(d.getErrorType());
    }

    /** Empty when the dead letter's record verifies now; otherwise why it does not, in one line. */
    public Optional<String> refusal(DeadLetterEvent d) {
        if (!d.getSourceTopic().equals(topics.stego.name())) {
            return Optional.of("its source topic " + d.getSourceTopic() + " is not the stego topic "
                    + topics.stego.name() + ", whose events are the only ones that can be verified again");
        }
        StegoImageEvent event;
        try {
            event = topics.stego
                    .valueSerde()
                    .deserializer()
                    .deserialize(d.getSourceTopic(), InputImages.bytes(d.getValue()));
        } catch (RuntimeException e) {
            return Optional.of("it is not a readable stego event (" + e.getMessage() + ")");
        }
        try {
            StegoEvents.authenticate(event, security, stegoSigners);
            return Optional.empty();
        } catch (RecordRejectedException e) {
            return Optional.of(e.type() + " again: " + e.getMessage());
        }
    }
}
