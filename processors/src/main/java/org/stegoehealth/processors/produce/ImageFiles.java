package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.stegoehealth.model.Images;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.RecordRejectedException;

/** Finding and reading image files for the producers. */
final class ImageFiles {

    private ImageFiles() {}

    /** The files named, with directories replaced by their PNG/JPEG files (not recursive), in name order. */
    static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                out.addAll(Images.listImages(p));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** The file's bytes, decoded and checked (PNG or JPEG, 1 or 3 channels, 8 or 16 bits, sides within limits). */
    static Checked read(Path file, int maxSide) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new RecordRejectedException(ErrorType.VALIDATION, "no such file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RecordRejectedException(ErrorType.DECODE, "cannot read (" + e.getMessage() + ")", e);
        }
        return decode(file, bytes, maxSide);
    }

    /** As {@link #read}, on bytes already read from {@code file}. */
    static Checked decode(Path file, byte[] bytes, int maxSide) {
        if (bytes.length == 0) {
            throw new RecordRejectedException(ErrorType.DECODE, "empty file");
        }
        String name = file.getFileName().toString();
        if (InputImages.sniff(bytes) == null) {
            String other = otherFormat(bytes);
            if (other != null) {
                throw new RecordRejectedException(
                        ErrorType.DECODE,
                        name + ": a " + other + " image; only " + Images.Format.ACCEPTED + " is accepted");
            }
        }
        return new Checked(bytes, InputImages.decode(bytes, name, maxSide));
    }

    /** The name of a common image format the bytes start like that is not accepted (GIF, BMP, ...), or null. */
    static String otherFormat(byte[] b) {
        if (startsWith(b, 0, "GIF8")) {
            return "GIF";
        }
        if (startsWith(b, 0, "BM") && b.length >= 14) {
            return "BMP";
        }
        if (startsWith(b, 0, "II*\0") || startsWith(b, 0, "MM\0*")) {
            return "TIFF";
        }
        if (startsWith(b, 0, "RIFF") && startsWith(b, 8, "WEBP")) {
            return "WebP";
        }
        if (startsWith(b, 128, "DICM")) {
            return "DICOM";
        }
        if (startsWith(b, 4, "ftyp")) {
            return "HEIF/AVIF";
        }
        if (b.length >= 12
                && (b[0] & 0xff) == 0
                && (b[1] & 0xff) == 0
                && (b[2] & 0xff) == 0
                && b[3] == 0x0C
                && startsWith(b, 4, "jP")) {
            return "JPEG 2000";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int at, String ascii) {
        if (b.length < at + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[at + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    /**
     * Whether a file refused with {@code refusal} may only be unfinished: it is empty, it is (the start of) a PNG or
     * JPEG that does not decode (truncated or corrupt), rather than another format or a whole image that breaks a
     * rule (too large, alpha, bit depth), which no amount of waiting changes.
     */
    static boolean mayBeIncomplete(byte[] bytes, RecordRejectedException refusal) {
        if (refusal.type() != ErrorType.DECODE || otherFormat(bytes) != null) {
            return false;
        }
        return bytes.length == 0
                || InputImages.sniff(bytes) != null
                || isPrefixOf(bytes, PNG_SIGNATURE)
                || isPrefixOf(bytes, JPEG_SIGNATURE);
    }

    private static boolean isPrefixOf(byte[] bytes, byte[] signature) {
        if (bytes.length >= signature.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    record Checked(byte[] bytes, InputImages.Decoded image) {}
}
