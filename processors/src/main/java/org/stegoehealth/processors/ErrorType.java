package org.stegoehealth.processors;

/** Why a record was dead-lettered; the {@code errorType} field of {@code DeadLetterEvent}. */
public enum ErrorType {
    /** The bytes are not a record of the expected schema (garbage, wrong framing, unknown or incompatible schema). */
    DESERIALIZATION,
    /** The record is well-formed but its image cannot be decoded. */
    DECODE,
    /** The image decodes but breaks a rule: size limit, channels, bit depth, declared geometry, format, id. */
    VALIDATION,
    /**
     * A stego image made by a model version this extractor does not hold, or an X-ray naming a model version this
     * embedder does not hold or holds retired.
     */
    UNKNOWN_MODEL,
    /** The X-ray names a cover the cover library lacks, or the library is empty. */
    UNKNOWN_COVER,
    /**
     * A stego event that does not authenticate: unsigned (where signatures are required), signed by an untrusted
     * key, or changed after signing (pixels, message id, model version, any field); or a sealed payload that fails
     * its integrity checks.
     */
    TAMPERED,
    /** Sealed to keys this clinic does not hold: meant for another clinic, or for keys it never had. */
    NOT_FOR_THIS_KEY,
    /**
     * A stego event, authentic, but addressed to another clinic (or to none): copied into this clinic's topic. Never
     * recovered, and, like TAMPERED, never replayed unless asked for by name.
     */
    NOT_FOR_THIS_CLINIC,
    /** A sealed payload that does not fit its cover within the bits-per-channel budget and the size limit. */
    CAPACITY,
    /** Everything checked out but the model or the encoder failed on it. */
    PROCESSING
}
