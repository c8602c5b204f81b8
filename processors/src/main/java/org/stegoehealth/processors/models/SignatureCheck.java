package org.stegoehealth.processors.models;

/**
 * Verifies a signature against every key this party trusts (the keyring's verifier: {@code verifier::verify}).
 * Throws an unchecked exception with a clear message when the signature does not verify.
 */
@FunctionalInterface
public interface SignatureCheck {

    void verify(byte[] signature, byte[] data);
}
