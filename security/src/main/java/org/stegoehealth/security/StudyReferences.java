package org.stegoehealth.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.OptionalInt;
import org.stegoehealth.security.SealedException.Reason;

/**
 * A hospital study reference, sealed with HPKE to the receiving clinic so that only that clinic reads it. The
 * message id and the clinic's name are bound as context: a sealed reference moved onto another message, or opened
 * by a clinic it was not sealed for, does not open.
 */
public final class StudyReferences {

    private final Keyring keyring;

    public StudyReferences(Keyring keyring) {
        this.keyring = keyring;
    }

    /** The HPKE context: the message and the clinic it is for. */
    private static byte[] context(String messageId, String clinic) {
        return Canonical.of("stego-ehealth study reference v2")
                .text(messageId)
                .text(clinic)
                .toByteArray();
    }

    /** Seals {@code studyRef} of message {@code messageId} to {@code recipient}'s receiving key. */
    public byte[] seal(String recipient, String messageId, String studyRef) {
        try {
            return keyring.encrypterFor(recipient)
                    .encrypt(studyRef.getBytes(StandardCharsets.UTF_8), context(messageId, recipient));
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot seal a study reference to '" + recipient + "': " + e.getMessage(), e);
        }
    }

    /**
     * Opens a sealed study reference at the clinic.
     *
     * @throws SealedException {@link Reason#NOT_FOR_THIS_KEY} if sealed to a key this keyring does not hold,
     *     {@link Reason#TAMPERED} if it does not decrypt (altered, or moved from another message)
     */
    public String open(String messageId, byte[] sealed) {
        OptionalInt keyId = KeyIds.ofPrefixed(sealed);
        if (keyId.isEmpty()) {
            throw new SealedException(Reason.TAMPERED, "sealed study reference is malformed");
        }
        String id = KeyIds.format(keyId.getAsInt());
        if (!keyring.receivingKeyIds().contains(id)) {
            throw new SealedException(
                    Reason.NOT_FOR_THIS_KEY,
                    "study reference sealed to key " + id + ", which" + " keyring '" + keyring.name()
                            + "' does not hold");
        }
        try {
            return new String(
                    keyring.decrypter().decrypt(sealed, context(messageId, keyring.name())), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new SealedException(
                    Reason.TAMPERED,
                    "sealed study reference does not decrypt with key " + id
                            + " (altered, or moved from another message)",
                    e);
        }
    }
}
