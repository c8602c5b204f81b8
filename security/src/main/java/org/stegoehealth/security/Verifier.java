package org.stegoehealth.security;

import com.google.crypto.tink.PublicKeyVerify;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Verifies signatures against the public signing keys a keyring trusts: its own and those of imported parties,
 * rotated-out versions included, so that what was signed before a rotation still verifies. A keyring's
 * {@link Keyring#verifier() verifier} accepts any of them; {@link #forSigners} narrows it to the parties trusted to
 * sign one kind of record (the hospital for stego and model events), so a valid signature by any other party, this
 * keyring's own included, is refused with the signer's name. Thread-safe.
 */
public final class Verifier {

    /** The public signing keys of one party. */
    record Party(String name, Set<Integer> keyIds, PublicKeyVerify verify) {}

    private final List<Party> parties;
    /** The parties whose signatures are accepted; null: every party. */
    private final Set<String> signers;
    /** What the accepted signers sign, for messages ("stego events"); null when every party is accepted. */
    private final String what;

    Verifier(List<Party> parties) {
        this(parties, null, null);
    }

    private Verifier(List<Party> parties, Set<String> signers, String what) {
        this.parties = List.copyOf(parties);
        this.signers = signers;
        this.what = what;
    }

    /**
     * A verifier that accepts only signatures made by {@code signers}' keys, for records of kind {@code what} (for
     * messages, e.g. "stego events"). A signature by any other party's key, this keyring's own included, is refused
     * naming the party that made it.
     *
     * @throws KeyringException if a signer is a party whose signing keys this keyring does not hold
     */
    public Verifier forSigners(String what, Collection<String> signers) {
        Set<String> known = parties.stream().map(Party::name).collect(Collectors.toCollection(TreeSet::new));
        for (String s : signers) {
            if (!known.contains(s)) {
                throw new KeyringException("'" + s + "' is to sign " + what + ", but this keyring holds no signing keys"
                        + " of '" + s + "' (it knows " + String.join(", ", known) + "; import its public keys)");
            }
        }
        if (signers.isEmpty()) {
            throw new IllegalArgumentException("no party is trusted to sign " + what);
        }
        return new Verifier(parties, Set.copyOf(new TreeSet<>(signers)), what);
    }

    /** The parties whose signatures this verifier accepts, sorted. */
    public Set<String> signers() {
        return signers != null
                ? new TreeSet<>(signers)
                : parties.stream().map(Party::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Checks {@code signature} over {@code data}.
     *
     * @return the name of the party whose key made the signature (one of {@link #signers()})
     * @throws SignatureInvalidException if the signature is missing, made by an untrusted key or by a party not
     *     trusted to sign this kind of record, or does not match
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
                    + " (trusted" + (what == null ? "" : " to sign " + what) + ": " + describeTrusted() + ")");
        }
        for (Party p : candidates) {
            try {
                p.verify().verify(signature, data);
            } catch (GeneralSecurityException e) {
                // try the next party holding the same key id (ids are random 32-bit; a clash is rare)
                continue;
            }
            if (signers != null && !signers.contains(p.name())) {
                // a valid signature, so the signer is named truthfully; but it is not trusted for this kind
                throw new SignatureInvalidException("signed by '" + p.name() + "' (key " + id + "), which is not"
                        + " trusted to sign " + what + " (trusted to sign them: " + describeTrusted() + ")");
            }
            return p.name();
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
                .filter(p -> signers == null || signers.contains(p.name()))
                .map(p -> p.name() + " "
                        + p.keyIds().stream().sorted().map(KeyIds::format).collect(Collectors.joining(",")))
                .collect(Collectors.joining("; "));
    }
}
