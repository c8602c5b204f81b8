package org.stegoehealth.processors;

import java.util.Optional;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.SealedHiding;

/**
 * What the streaming applications need to secure the transfer: this party's keyring (the hospital's signs stego
 * events; the clinic's verifies and opens them), the clinic the embedder sends to, the embedder's default hiding
 * method and sealed budget, and whether the extractor accepts unsigned events.
 *
 * @param recipient the receiving clinic's keyring name (embedder); empty at the clinic
 */
public record TransferSecurity(
        Keyring keyring,
        Optional<String> recipient,
        HidingMethod defaultMethod,
        double sealedBudget,
        boolean allowUnsigned) {

    /** Model version recorded on sealed stego events: the method's format, since no model is involved. */
    public static final String SEALED_VERSION = "sealed-1";

    /** The configured security, with the keyring at {@code keyring.dir} opened. */
    public static TransferSecurity from(StegoConfig config) {
        return of(Keyring.open(config.keyringDir()), config);
    }

    /** The configured settings around an already opened keyring (the demo holds two). */
    public static TransferSecurity of(Keyring keyring, StegoConfig config) {
        return new TransferSecurity(
                keyring, config.clinicId(), config.hidingMethod(), config.sealedBudget(), config.allowUnsigned());
    }

    /**
     * Checks what the embedder needs before it starts: a clinic to send to when sealing by default.
     *
     * @throws IllegalArgumentException naming the missing setting
     */
    public TransferSecurity checkedForEmbedder() {
        if (defaultMethod == HidingMethod.SEALED && recipient.isEmpty()) {
            throw new IllegalArgumentException("hiding.method=sealed needs clinic.id, the keyring name of the clinic"
                    + " to seal to (STEGO_CLINIC_ID or --clinic)");
        }
        recipient.ifPresent(keyring::receivingKeyIdOf);
        return this;
    }

    SealedHiding sealedHiding(int maxSide) {
        return new SealedHiding(keyring, sealedBudget, maxSide);
    }
}
