package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.security.Canonical;
import org.stegoehealth.security.SignatureInvalidException;
import org.stegoehealth.security.Signer;
import org.stegoehealth.security.Verifier;

/**
 * Signing and verifying stego events. The signature covers the canonical encoding ({@link Canonical}) of every
 * other field, so changing a pixel, the message id, the model version, the method, a key id, the sealed study
 * reference or the clinic the event is for breaks it.
 */
public final class StegoEvents {

    private static final String DOMAIN = "stego-ehealth stego event v1";

    private StegoEvents() {}

    /** The bytes a stego event's signature is made over. */
    public static byte[] signedBytes(StegoImageEvent e) {
        Canonical signed = Canonical.of(DOMAIN)
                .text(e.getMessageId())
                .text(e.getHidingMethod())
                .text(e.getModelVersion())
                .number(e.getWidth())
                .number(e.getHeight())
                .number(e.getSecretChannels())
                .text(e.getSigningKeyId())
                .text(e.getReceivingKeyId())
                .text(e.getPositionsKeyId())
                .bytes(e.getSealedStudyRef() == null ? null : InputImages.bytes(e.getSealedStudyRef()))
                .bytes(InputImages.bytes(e.getImage()))
                .number(e.getCreatedAt().toEpochMilli());
        if (e.getClinic() != null) {
            // events that name no clinic keep the encoding they were always signed with (and are recovered nowhere)
            signed.text("clinic").text(e.getClinic());
        }
        if (e.getPlacement() != null) {
            signed.text("placement").text(e.getPlacement());
        }
        return signed.toByteArray();
    }

    /** {@code event} with the signer's key id and its signature set. */
    public static StegoImageEvent sign(StegoImageEvent event, Signer signer) {
        StegoImageEvent withKey = StegoImageEvent.newBuilder(event)
                .setSigningKeyId(signer.keyId())
                .setSignature(null)
                .build();
        withKey.setSignature(ByteBuffer.wrap(signer.sign(signedBytes(withKey))));
        return withKey;
    }

    /**
     * Checks an event's signature before anything is extracted from it.
     *
     * @return the signing party's name, or null for an unsigned event accepted because {@code allowUnsigned}
     * @throws RecordRejectedException TAMPERED with the reason when the event does not authenticate
     */
    public static String verify(StegoImageEvent event, Verifier verifier, boolean allowUnsigned) {
        String name = name(event);
        if (event.getSignature() == null) {
            if (allowUnsigned) {
                return null;
            }
            throw new RecordRejectedException(
                    ErrorType.TAMPERED,
                    name + ": unsigned; refused (set"
                            + " security.allow.unsigned=true only for a channel whose events are authenticated otherwise)");
        }
        try {
            return verifier.verify(InputImages.bytes(event.getSignature()), signedBytes(event));
        } catch (SignatureInvalidException e) {
            throw new RecordRejectedException(ErrorType.TAMPERED, name + ": " + e.getMessage(), e);
        }
    }

    private static String printable(String s) {
        String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    /** How an event is named in reasons: its id is not checked yet, so it is shown only when safe to print. */
    private static String name(StegoImageEvent event) {
        return MessageIds.isSafe(event.getMessageId())
                ? "stego image " + event.getMessageId()
                : "a stego event with an unprintable message id";
    }

    /**
     * What the extractor checks of an event before anything else, and what a dead-letter replay checks again: the
     * signature is the hospital's ({@code stegoSigners}, from {@link TransferSecurity#stegoSigners()}) and the event
     * is for this clinic (unless this keyring is the hospital's, which reads what it sent to every clinic).
     *
     * @throws RecordRejectedException TAMPERED or NOT_FOR_THIS_CLINIC with the reason
     */
    public static void authenticate(StegoImageEvent event, TransferSecurity security, Verifier stegoSigners) {
        verify(event, stegoSigners, security.allowUnsigned());
        if (!security.atHospital()) {
            requireFor(event, security.keyring().name());
        }
    }

    /**
     * Checks that a verified event is for {@code clinic} (this extractor's keyring name).
     *
     * @throws RecordRejectedException NOT_FOR_THIS_CLINIC naming the clinic the event is for
     */
    public static void requireFor(StegoImageEvent event, String clinic) {
        if (!clinic.equals(event.getClinic())) {
            throw new RecordRejectedException(
                    ErrorType.NOT_FOR_THIS_CLINIC,
                    name(event) + ": "
                            + (event.getClinic() == null
                                    ? "names no clinic (made by an embedder without clinic.id, or before events named"
                                            + " their clinic)"
                                    : "is for clinic '" + printable(event.getClinic()) + "'")
                            + "; this is '" + clinic + "'");
        }
    }
}
