/**
 * Keys and cryptography of Stego-eHealth, on Google Tink: the one {@link org.stegoehealth.security.Keyring} of a
 * party (hospital or clinic) with its Ed25519 signing keys, its HPKE (X25519, AES-256-GCM) receiving keys and its
 * keyed PRF, and the public halves it trusts from other parties. No Kafka here.
 */
package org.stegoehealth.security;
