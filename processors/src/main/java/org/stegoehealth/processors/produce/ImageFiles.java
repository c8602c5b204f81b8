package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.stegoehealth.dicom.DicomException;
import org.stegoehealth.dicom.DicomImage;
import org.stegoehealth.dicom.DicomReader;
import org.stegoehealth.model.Images;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.RecordRejectedException;
import org.stegoehealth.security.Png;

/** Finding and reading image files for the producers. */
final class ImageFiles {

    private ImageFiles() {}

    /** The files named, with directories replaced by their PNG/JPEG files (not recursive), in name order. */
    static List<Path> expand(List<Path> paths) throws IOException {
        return expand(paths, false);
    }

    /**
     * The files named, with directories replaced by their image files (not recursive), in name order: PNG and JPEG,
     * and with {@code dicom} also DICOM files ({@code .dcm}, {@code .dicom}, or no extension and "DICM" after the
     * 128-byte preamble, as PACS exports often are).
     */
    static List<Path> expand(List<Path> paths, boolean dicom) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                out.add(p);
            } else if (!dicom) {
                out.addAll(Images.listImages(p));
            } else {
                try (Stream<Path> listing = Files.list(p)) {
                    out.addAll(listing.filter(Files::isRegularFile)
                            .filter(f -> Images.isImageFile(f) || isDicomFile(f))
                            .sorted()
                            .toList());
                }
            }
        }
        return out;
    }

    /** Whether a file is named or starts like a DICOM Part 10 file (hidden files excepted). */
    private static boolean isDicomFile(Path file) {
        String name = file.getFileName().toString();
        if (name.startsWith(".")) {
            return false;
        }
        if (isDicomName(name)) {
            return true;
        }
        if (name.contains(".")) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return DicomReader.isPart10(in.readNBytes(132));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a file name ends in {@code .dcm} or {@code .dicom} (any case). */
    static boolean isDicomName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".dcm") || lower.endsWith(".dicom");
    }

    /** The file's bytes, decoded and checked (PNG or JPEG, 1 or 3 channels, 8 or 16 bits, sides within limits). */
    static Checked read(Path file, int maxSide) {
        return read(file, maxSide, false);
    }

    /** As {@link #read(Path, int)}, taking DICOM files too when {@code dicom} (see {@link #decode}). */
    static Checked read(Path file, int maxSide, boolean dicom) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new RecordRejectedException(ErrorType.VALIDATION, "no such file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RecordRejectedException(ErrorType.DECODE, "cannot read (" + e.getMessage() + ")", e);
        }
        return decode(file, bytes, maxSide, dicom);
    }

    /** As {@link #read(Path, int)}, on bytes already read from {@code file}. */
    static Checked decode(Path file, byte[] bytes, int maxSide) {
        return decode(file, bytes, maxSide, false);
    }

    /**
     * As {@link #read(Path, int)}, on bytes already read from {@code file}; with {@code dicom}, a DICOM file (named
     * {@code .dcm}/{@code .dicom}, or "DICM" after its preamble) is read too ({@link DicomReader}): its pixels become
     * a lossless gray PNG (8 bits, or 16 with the stored values unchanged), MONOCHROME1 inverted to MONOCHROME2, and
     * of its header only the accession number is kept. Nothing else of the header goes further.
     */
    static Checked decode(Path file, byte[] bytes, int maxSide, boolean dicom) {
        if (bytes.length == 0) {
            throw new RecordRejectedException(ErrorType.DECODE, "empty file");
        }
        String name = file.getFileName().toString();
        if (dicom && (DicomReader.isPart10(bytes) || isDicomName(name))) {
            return fromDicom(name, bytes, maxSide);
        }
        if (InputImages.sniff(bytes) == null) {
            String other = otherFormat(bytes);
            if (other != null) {
                throw new RecordRejectedException(
                        ErrorType.DECODE,
                        name + ": a " + other + " image; only " + Images.Format.ACCEPTED + " is accepted"
                                + (other.equals("DICOM") ? " here" : ""));
            }
        }
        return new Checked(bytes, InputImages.decode(bytes, name, maxSide), null);
    }

    private static Checked fromDicom(String name, byte[] bytes, int maxSide) {
        DicomImage dicom;
        try {
            dicom = DicomReader.read(bytes, name, maxSide);
        } catch (DicomException e) {
            boolean unreadable =
                    e.problem() == DicomException.Problem.TRUNCATED || e.problem() == DicomException.Problem.MALFORMED;
            throw new RecordRejectedException(unreadable ? ErrorType.DECODE : ErrorType.VALIDATION, e.getMessage(), e);
        }
        byte[] png = Png.encode(dicom.toBufferedImage());
        String accession = dicom.accessionNumber().orElse(null);
        return new Checked(png, InputImages.decode(png, name, maxSide), accession);
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
     * JPEG that does not decode (truncated or corrupt), a DICOM file that ends before its header says, rather than
     * another format or a whole image that breaks a
     * rule (too large, alpha, bit depth), which no amount of waiting changes.
     */
    static boolean mayBeIncomplete(byte[] bytes, RecordRejectedException refusal) {
        if (refusal.getCause() instanceof DicomException d) {
            return d.problem() == DicomException.Problem.TRUNCATED;
        }
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

    /**
     * A checked image file: the bytes that travel (the file's own for PNG and JPEG, a lossless PNG of the pixels for
     * DICOM), the decoded image, and a DICOM file's accession number (null otherwise or when empty).
     */
    record Checked(byte[] bytes, InputImages.Decoded image, String accessionNumber) {}
}
