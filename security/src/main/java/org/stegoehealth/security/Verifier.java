package org.stegoehealth.security;

import com.google.crypto.tink.PublicKeyVerify;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies signatures against every public signing key a keyring trusts: its own and those of imported parties,
 * rotated-out versions included, so that what was signed before a rotation still verifies. Thread-safe.
 */
public final class Verifier {

    /** The public signing keys of one party. */
    record Party(String name, Set<Integer> keyIds, PublicKeyVerify verify) {}

    private final List<Party> parties;

    Verifier(List<Party> parties) {
        this.parties = List.copyOf(parties);
    }

    /**
     * Checks {@code signature} over {@code data}.
     *
     * @return the name of the party whose key made the signature
     * @throws SignatureInvalidException if the signature is missing, made by an untrusted key, or does not match
     */
    public String verify(byte[] signature, byte[] data) {
        if (signature == null || signature.length == 0) {
            throw new SignatureInvalidException("signature is missing");
        }
        OptionalInt keyId = KeyIds.ofPrefixed(signature);
        if (keyId.isEmpty()) {
            throw new SignatureInvalidException("signature is malformed (no Tink key id prefix)");
        }
        List<Party> candidates = new ArrayList<>();
        for (Party p : parties) {
            if (p.keyIds().contains(keyId.getAsInt())) {
                candidates.add(p);
            }
        }
        String id = KeyIds.format(keyId.getAsInt());
        if (candidates.isEmpty()) {
            throw new SignatureInvalidException("signed with key " + id + ", which is not a trusted signing key"
                    + " (trusted: " + describeTrusted() + ")");
        }
        for (Party p : candidates) {
            try {
                p.verify().verify(signature, data);
                return p.name();
            } catch (GeneralSecurityException e) {
                // try the next party holding the same key id (ids are random 32-bit; a clash is rare)
            }
        }
        throw new SignatureInvalidException(
                "signature by key " + id + " of '" + candidates.get(0).name()
                        + "' does not match the signed data (altered in transit or signed over different data)");
    }

    /** Whether {@code signature} is valid over {@code data}; for callers that only need a yes or no. */
    public boolean isValid(byte[] signature, byte[] data) {
        try {
            verify(signature, data);
            return true;
        } catch (SignatureInvalidException e) {
            return false;
        }
    }

    private String describeTrusted() {
        return parties.stream()
                .map(p -> p.name() + " "
                        + p.keyIds().stream().sorted().map(KeyIds::format).collect(Collectors.joining(",")))
                .collect(Collectors.joining("; "));
    }
}
