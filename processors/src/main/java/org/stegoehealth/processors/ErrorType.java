package org.stegoehealth.processors;

/** Why a record was dead-lettered; the {@code errorType} field of {@code DeadLetterEvent}. */
public enum ErrorType {
    /** The bytes are not a record of the expected schema (garbage, wrong framing, unknown or incompatible schema). */
    DESERIALIZATION,
    /** The record is well-formed but its image cannot be decoded. */
    DECODE,
    /** The image decodes but breaks a rule: size limit, channels, bit depth, declared geometry, format, id. */
    VALIDATION,
    /** A stego image made by a model version this extractor does not hold. */
    UNKNOWN_MODEL,
    /** The X-ray names a cover the cover library lacks, or the library is empty. */
    UNKNOWN_COVER,
    /** Everything checked out but the model or the encoder failed on it. */
    PROCESSING
}
