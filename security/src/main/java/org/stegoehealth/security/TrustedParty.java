package org.stegoehealth.security;

import java.util.List;

/**
 * Another party whose public keys this keyring imported.
 *
 * @param name the party's keyring name
 * @param signingKeyIds its Ed25519 key ids (all versions; the signatures this keyring accepts from it)
 * @param receivingKeyIds its HPKE key ids (the last one listed first is the one messages are encrypted to)
 * @param positionKeys whether the party also shared its position (PRF) keys with this keyring, sealed
 * @param fingerprint SHA-256 over its public keys, to compare with the party out of band
 */
public record TrustedParty(
        String name,
        List<String> signingKeyIds,
        List<String> receivingKeyIds,
        boolean positionKeys,
        String fingerprint) {}
