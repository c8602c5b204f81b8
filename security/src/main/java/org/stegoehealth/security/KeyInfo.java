package org.stegoehealth.security;

/** One key of a keyset, as {@code stego keys list} shows it; no secret material. */
public record KeyInfo(KeyPurpose purpose, String keyId, boolean primary, String status) {}
