package org.stegoehealth.security;

import com.google.crypto.tink.PublicKeySign;
import java.security.GeneralSecurityException;

/** Signs with the primary Ed25519 key of a keyring. Thread-safe. */
public final class Signer {

    private final String party;
    private final PublicKeySign sign;
    private final String keyId;

    Signer(String party, PublicKeySign sign, int keyId) {
        this.party = party;
        this.sign = sign;
        this.keyId = KeyIds.format(keyId);
    }

    /** A Tink signature of {@code data}; its first five bytes name the key that made it. */
    public byte[] sign(byte[] data) {
        try {
            return sign.sign(data);
        } catch (GeneralSecurityException e) {
            throw new KeyringException(
                    "cannot sign with key " + keyId + " of keyring '" + party + "': " + e.getMessage(), e);
        }
    }

    /** Id of the primary signing key, as eight hex digits. */
    public String keyId() {
        return keyId;
    }

    /** Name of the keyring (party) this signer belongs to. */
    public String party() {
        return party;
    }
}
