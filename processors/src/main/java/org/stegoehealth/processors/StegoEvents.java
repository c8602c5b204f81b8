package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import org.stegoehealth.schemas.StegoImageEvent;
import org.stegoehealth.security.Canonical;
import org.stegoehealth.security.SignatureInvalidException;
import org.stegoehealth.security.Signer;
import org.stegoehealth.security.Verifier;

/**
 * Signing and verifying stego events. The signature covers the canonical encoding ({@link Canonical}) of every
 * other field, so changing a pixel, the message id, the model version, the method, a key id or the sealed study
 * reference breaks it.
 */
public final class StegoEvents {

    private static final String DOMAIN = "stego-ehealth stego event v1";

    private StegoEvents() {}

    /** The bytes a stego event's signature is made over. */
    public static byte[] signedBytes(StegoImageEvent e) {
        return Canonical.of(DOMAIN)
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
                .number(e.getCreatedAt().toEpochMilli())
                .toByteArray();
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
        String name = "stego image " + event.getMessageId();
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
}
