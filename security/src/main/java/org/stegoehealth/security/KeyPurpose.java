package org.stegoehealth.security;

import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import java.security.GeneralSecurityException;

/** The keysets of a keyring, one file each. */
public enum KeyPurpose {
    /** Ed25519: signs what this party sends; its public half lets others verify. */
    SIGNING("signing", "Ed25519"),
    /** HPKE X25519 + HKDF-SHA256 + AES-256-GCM: others encrypt to its public half, only this party opens. */
    RECEIVING("receiving", "HPKE X25519 HKDF-SHA256 AES-256-GCM"),
    /**
     * HKDF-SHA256 PRF: keyed pixel positions of the sealed hiding method; shared, sealed, with one sender. HKDF
     * gives up to 8160 bytes per call, so drawing a million positions takes a few hundred calls.
     */
    POSITIONS("positions", "HKDF-SHA256 PRF");

    private final String fileStem;
    private final String algorithm;

    KeyPurpose(String fileStem, String algorithm) {
        this.fileStem = fileStem;
        this.algorithm = algorithm;
    }

    /** Name of the keyset file in the keyring directory. */
    String fileName() {
        return fileStem + ".json";
    }

    /** Lower-case name, as on the command line. */
    public String label() {
        return fileStem;
    }

    public String algorithm() {
        return algorithm;
    }

    Parameters parameters() throws GeneralSecurityException {
        return switch (this) {
            case SIGNING -> PredefinedSignatureParameters.ED25519;
            case RECEIVING ->
                HpkeParameters.builder()
                        .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
                        .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
                        .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
                        .setVariant(HpkeParameters.Variant.TINK)
                        .build();
            case POSITIONS -> PredefinedPrfParameters.HKDF_SHA256;
        };
    }

    /** Parses a label as on the command line ({@code signing}, {@code receiving}, {@code positions}). */
    public static KeyPurpose ofLabel(String label) {
        for (KeyPurpose p : values()) {
            if (p.fileStem.equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown key purpose '" + label + "' (known: signing, receiving, positions)");
    }
}
