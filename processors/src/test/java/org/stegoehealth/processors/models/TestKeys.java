package org.stegoehealth.processors.models;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;

/** Ed25519 key pairs from the JDK, for tests that need a signer and a verifier that trusts it. */
final class TestKeys {

    private final KeyPair pair;
    private final String id;

    TestKeys(String id) {
        try {
            this.pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.id = id;
    }

    SigningKey signingKey() {
        return new SigningKey(id, data -> {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(pair.getPrivate());
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    SignatureCheck trust() {
        return (signature, data) -> {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(pair.getPublic());
                s.update(data);
                if (!s.verify(signature)) {
                    throw new IllegalArgumentException("not signed by a trusted key");
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not signed by a trusted key", e);
            }
        };
    }
}
