package org.stegoehealth.processors.models;

import java.util.function.UnaryOperator;

/**
 * The key that signs model and promotion events: its printable id and the signing function (the keyring's
 * signer, {@code new SigningKey(signer.keyId(), signer::sign)}).
 */
public record SigningKey(String keyId, UnaryOperator<byte[]> signer) {

    public byte[] sign(byte[] data) {
        return signer.apply(data);
    }
}
