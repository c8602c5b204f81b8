package org.stegoehealth.processors;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Message ids: opaque, stable, and safe as record keys and file names.
 */
public final class MessageIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private MessageIds() {}

    /**
     * The id of an image file: a name-based UUID of the SHA-256 of its bytes, so publishing the same file twice
     * gives the same key (and the clinic recovers it once), and the id reveals nothing about the patient.
     */
    public static String fromContent(byte[] content) {
        return UUID.nameUUIDFromBytes(sha256(content)).toString();
    }

    /**
     * A new id for a deliberate re-send of content whose id is {@code contentId}: the content id, {@code -resend-}
     * and ten random hex digits. The clinic recovers each message id once, so only a new id is recovered again.
     */
    public static String resend(String contentId) {
        byte[] suffix = new byte[5];
        RANDOM.nextBytes(suffix);
        return requireSafe(contentId + "-resend-" + HexFormat.of().formatHex(suffix));
    }

    /** Whether {@code id} is 1-128 characters of letters, digits, '.', '_' or '-', not starting with a dot. */
    public static boolean isSafe(String id) {
        return id != null && SAFE.matcher(id).matches();
    }

    /** @throws RecordRejectedException (VALIDATION) when the id is not {@link #isSafe safe} */
    public static String requireSafe(String id) {
        if (!isSafe(id)) {
            String shown = id == null ? "null" : id.length() > 40 ? id.substring(0, 40) + "..." : id;
            throw new RecordRejectedException(
                    ErrorType.VALIDATION,
                    "message id '" + shown.replaceAll("\\p{Cntrl}", "?")
                            + "' is not 1-128 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
