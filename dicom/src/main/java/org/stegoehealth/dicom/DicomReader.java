package org.stegoehealth.dicom;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads one grayscale image from a DICOM Part 10 file with uncompressed pixel data.
 *
 * <p>What is read (references to the DICOM standard):
 *
 * <ul>
 *   <li>PS3.10 7.1: the 128-byte preamble, the "DICM" prefix and the File Meta Information (group 0002, always
 *       explicit VR little endian), of which only the Transfer Syntax UID (0002,0010) is used.
 *   <li>PS3.5 7.1.2 and 7.1.3: data elements in explicit VR (2-byte length, or 2 reserved bytes and a 4-byte length
 *       for OB, OD, OF, OL, OV, OW, SQ, SV, UC, UN, UR, UT, UV; 6.2) and implicit VR (4-byte length) little endian;
 *       PS3.5 7.5: sequences of defined or undefined length are skipped item by item, whatever their content.
 *   <li>PS3.3 C.7.6.3 (Image Pixel module): Samples per Pixel 1, Photometric Interpretation MONOCHROME1 or
 *       MONOCHROME2, Rows, Columns, Bits Allocated 8 or 16, Bits Stored up to Bits Allocated with High Bit = Bits
 *       Stored - 1, Pixel Representation 0 (unsigned); one frame (Number of Frames absent or 1).
 *   <li>PS3.5 8.1.1: native pixel data, little endian, {@code rows x columns x bitsAllocated / 8} bytes, padded to an
 *       even length.
 *   <li>Kept as read: Accession Number (0008,0050), Rescale Intercept/Slope (0028,1052/1053; PS3.3 C.11.1), Window
 *       Center/Width (0028,1050/1051; PS3.3 C.11.2), SOP Class UID (0008,0016). No other attribute is kept: patient
 *       and study identity stay in the file.
 * </ul>
 *
 * Everything else is refused with a {@link DicomException} whose message names the file and the problem: a file
 * without the "DICM" prefix, a transfer syntax other than the two above ({@link TransferSyntax}: the message names the
 * DCMTK command that converts it), a file that ends early, pixel data whose length does not match the header, and a
 * header larger than {@code maxSide} on either side, refused from the header alone, before any pixel is allocated.
 */
public final class DicomReader {

    /** Offset of "DICM" in a Part 10 file, after the preamble (PS3.10 7.1). */
    static final int PREFIX_OFFSET = 128;

    private static final int UNDEFINED_LENGTH = 0xFFFFFFFF;
    /** Explicit-VR value representations with 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1). */
    private static final Set<String> LONG_VRS =
            Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");
    /** The elements whose values are kept while the data set is read; the others are skipped. */
    private static final Set<Integer> KEPT = Set.of(
            Tags.SOP_CLASS_UID,
            Tags.ACCESSION_NUMBER,
            Tags.SAMPLES_PER_PIXEL,
            Tags.PHOTOMETRIC_INTERPRETATION,
            Tags.NUMBER_OF_FRAMES,
            Tags.ROWS,
            Tags.COLUMNS,
            Tags.BITS_ALLOCATED,
            Tags.BITS_STORED,
            Tags.HIGH_BIT,
            Tags.PIXEL_REPRESENTATION,
            Tags.WINDOW_CENTER,
            Tags.WINDOW_WIDTH,
            Tags.RESCALE_INTERCEPT,
            Tags.RESCALE_SLOPE);
    /** Deeper nesting than this is no X-ray header but a hostile file. */
    private static final int MAX_SEQUENCE_DEPTH = 32;

    private DicomReader() {}

    /** Whether {@code bytes} start like a DICOM Part 10 file: "DICM" after the 128-byte preamble. */
    public static boolean isPart10(byte[] bytes) {
        return bytes.length >= PREFIX_OFFSET + 4
                && bytes[PREFIX_OFFSET] == 'D'
                && bytes[PREFIX_OFFSET + 1] == 'I'
                && bytes[PREFIX_OFFSET + 2] == 'C'
                && bytes[PREFIX_OFFSET + 3] == 'M';
    }

    /**
     * The image of a DICOM Part 10 file.
     *
     * @param name what to call the file in messages (a file name, never patient data)
     * @param maxSide the longest side accepted; checked from the header, before the pixels are allocated
     * @throws DicomException when the file cannot be used, with a one-line message
     */
    public static DicomImage read(byte[] bytes, String name, int maxSide) {
        return new Parser(bytes, name).image(maxSide);
    }

    /** One pass over one file's bytes. */
    private static final class Parser {
        private final byte[] b;
        private final String name;
        private int pos;
        private boolean explicitVr = true;
        private final Map<Integer, String> values = new HashMap<>();
        private int pixelOffset = -1;
        private long pixelLength;
        /** The value representation of the last explicit-VR element header read. */
        private String lastVr = "";

        Parser(byte[] bytes, String name) {
            this.b = bytes;
            this.name = name;
        }

        DicomImage image(int maxSide) {
            if (b.length < PREFIX_OFFSET + 4) {
                throw new DicomException(
                        DicomException.Problem.TRUNCATED,
                        name + ": " + b.length + " bytes, too short for a DICOM file (128-byte preamble and 'DICM')");
            }
            if (!isPart10(b)) {
                throw new DicomException(
                        DicomException.Problem.MALFORMED,
                        name + ": not a DICOM Part 10 file (no 'DICM' after the 128-byte preamble); a bare data set"
                                + " can be given its file meta information with: dcmconv +F IN OUT");
            }
            pos = PREFIX_OFFSET + 4;
            String tsUid = readFileMeta();
            TransferSyntax ts = TransferSyntax.of(tsUid, name);
            explicitVr = ts.explicitVr;
            readDataSet();
            return pixels(maxSide, tsUid);
        }

        /** Group 0002 (PS3.10 7.1), explicit VR little endian whatever the transfer syntax: its Transfer Syntax. */
        private String readFileMeta() {
            String ts = null;
            while (pos + 8 <= b.length && u16(pos) == 0x0002) {
                int tag = tag(pos);
                long length = header(true);
                if (length == Integer.toUnsignedLong(UNDEFINED_LENGTH)) {
                    throw malformed("undefined length in the file meta information at " + Tags.format(tag));
                }
                require(length);
                if (tag == Tags.TRANSFER_SYNTAX_UID) {
                    ts = string(pos, (int) length);
                }
                pos += (int) length;
            }
            if (ts == null || ts.isEmpty()) {
                if (pos + 8 > b.length) {
                    throw truncated("ends in the file meta information");
                }
                throw malformed("no Transfer Syntax UID (0002,0010) in the file meta information");
            }
            return ts;
        }

        /** The top-level data set up to Pixel Data (7FE0,0010): kept values recorded, everything else skipped. */
        private void readDataSet() {
            while (pos < b.length) {
                if (pos + 8 > b.length) {
                    throw truncated("ends inside a data element header");
                }
                int tag = tag(pos);
                long length = header(explicitVr);
                if (tag == Tags.PIXEL_DATA) {
                    if (length == Integer.toUnsignedLong(UNDEFINED_LENGTH)) {
                        throw malformed("encapsulated (compressed) pixel data in an uncompressed transfer syntax");
                    }
                    pixelOffset = pos;
                    pixelLength = length;
                    return;
                }
                if (length == Integer.toUnsignedLong(UNDEFINED_LENGTH)) {
                    skipUndefinedSequence(1, lastVr.equals("UN"));
                    continue;
                }
                require(length);
                if (KEPT.contains(tag)) {
                    values.put(tag, isUs(tag) ? usValue(tag, (int) length) : string(pos, (int) length));
                }
                pos += (int) length;
            }
        }

        /**
         * Skips the items of a sequence of undefined length up to its Sequence Delimitation Item (PS3.5 7.5.2); an
         * item of undefined length is read element by element up to its Item Delimitation Item. The content of an
         * explicit-VR element of VR UN and undefined length is implicit VR (PS3.5 6.2.2).
         */
        private void skipUndefinedSequence(int depth, boolean implicitContent) {
            boolean outer = explicitVr;
            if (implicitContent) {
                explicitVr = false;
            }
            try {
                skipItems(depth);
            } finally {
                explicitVr = outer;
            }
        }

        private void skipItems(int depth) {
            if (depth > MAX_SEQUENCE_DEPTH) {
                throw malformed("sequences nested deeper than " + MAX_SEQUENCE_DEPTH);
            }
            while (true) {
                if (pos + 8 > b.length) {
                    throw truncated("ends inside a sequence");
                }
                int tag = tag(pos);
                long length = Integer.toUnsignedLong(i32(pos + 4));
                pos += 8;
                if (tag == Tags.SEQUENCE_DELIMITATION) {
                    return;
                }
                if (tag != Tags.ITEM) {
                    throw malformed("expected an item in a sequence, found " + Tags.format(tag));
                }
                if (length != Integer.toUnsignedLong(UNDEFINED_LENGTH)) {
                    require(length);
                    pos += (int) length;
                    continue;
                }
                skipUndefinedItem(depth);
            }
        }

        private void skipUndefinedItem(int depth) {
            while (true) {
                if (pos + 8 > b.length) {
                    throw truncated("ends inside a sequence item");
                }
                int tag = tag(pos);
                if (tag == Tags.ITEM_DELIMITATION) {
                    pos += 8;
                    return;
                }
                long length = header(explicitVr);
                if (length == Integer.toUnsignedLong(UNDEFINED_LENGTH)) {
                    skipUndefinedSequence(depth + 1, lastVr.equals("UN"));
                } else {
                    require(length);
                    pos += (int) length;
                }
            }
        }

        /**
         * Reads the header of the data element at {@code pos} (PS3.5 7.1.2 explicit, 7.1.3 implicit), leaves
         * {@code pos} at its value and returns the value's length (0xFFFFFFFF: undefined).
         */
        private long header(boolean explicit) {
            if (!explicit) {
                lastVr = "";
                long length = Integer.toUnsignedLong(i32(pos + 4));
                pos += 8;
                return length;
            }
            String vr = new String(b, pos + 4, 2, StandardCharsets.US_ASCII);
            lastVr = vr;
            if (LONG_VRS.contains(vr)) {
                if (pos + 12 > b.length) {
                    throw truncated("ends inside a data element header");
                }
                long length = Integer.toUnsignedLong(i32(pos + 8));
                pos += 12;
                return length;
            }
            if (!Character.isUpperCase(vr.charAt(0)) || !Character.isUpperCase(vr.charAt(1))) {
                throw malformed("no value representation at " + Tags.format(tag(pos))
                        + " (implicit VR data in an explicit VR file?)");
            }
            long length = u16(pos + 6);
            pos += 8;
            return length;
        }

        private DicomImage pixels(int maxSide, String tsUid) {
            if (pixelOffset < 0) {
                // a file cut before its pixels looks the same as one without any: wait for more before refusing
                throw truncated("no Pixel Data (7FE0,0010) before the end of the file (cut short, or not an image)");
            }
            int samples = intValue(Tags.SAMPLES_PER_PIXEL, "Samples per Pixel");
            String photometric =
                    values.getOrDefault(Tags.PHOTOMETRIC_INTERPRETATION, "").trim();
            if (samples != 1 || !(photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"))) {
                throw unsupported(samples + " samples per pixel, " + (photometric.isEmpty() ? "no" : photometric)
                        + " photometric interpretation; a grayscale (MONOCHROME1 or MONOCHROME2) image expected");
            }
            String frames = values.getOrDefault(Tags.NUMBER_OF_FRAMES, "").trim();
            if (!frames.isEmpty() && !frames.equals("1")) {
                throw unsupported(frames + " frames; one image expected");
            }
            int rows = intValue(Tags.ROWS, "Rows");
            int columns = intValue(Tags.COLUMNS, "Columns");
            if (rows <= 0 || columns <= 0) {
                throw malformed(columns + "x" + rows + " image: Rows and Columns must be positive");
            }
            if (rows > maxSide || columns > maxSide) {
                throw new DicomException(
                        DicomException.Problem.OUT_OF_LIMITS,
                        name + ": " + columns + "x" + rows + " image exceeds the " + maxSide + "-pixel side limit");
            }
            int allocated = intValue(Tags.BITS_ALLOCATED, "Bits Allocated");
            int stored = intValue(Tags.BITS_STORED, "Bits Stored");
            int highBit = values.containsKey(Tags.HIGH_BIT) ? intValue(Tags.HIGH_BIT, "High Bit") : stored - 1;
            if ((allocated != 8 && allocated != 16) || stored < 1 || stored > allocated || highBit != stored - 1) {
                throw unsupported(allocated + " bits allocated, " + stored + " stored, high bit " + highBit
                        + "; 8 or 16 allocated with the stored bits at the bottom expected");
            }
            if (values.containsKey(Tags.PIXEL_REPRESENTATION)
                    && intValue(Tags.PIXEL_REPRESENTATION, "Pixel Representation") != 0) {
                throw unsupported("signed pixel values (Pixel Representation 1); unsigned expected");
            }
            long expected = (long) rows * columns * (allocated / 8);
            if (pixelLength != expected && pixelLength != expected + (expected & 1)) {
                throw new DicomException(
                        DicomException.Problem.OUT_OF_LIMITS,
                        name + ": pixel data of " + pixelLength + " bytes, but " + columns + " columns x " + rows
                                + " rows x " + allocated + " bits need " + expected);
            }
            if (pixelOffset + expected > b.length) {
                throw truncated("pixel data ends after " + (b.length - pixelOffset) + " of its " + expected + " bytes");
            }
            int[] pixels = new int[rows * columns];
            int mask = (1 << stored) - 1;
            boolean invert = photometric.equals("MONOCHROME1");
            for (int i = 0; i < pixels.length; i++) {
                int v = allocated == 8 ? b[pixelOffset + i] & 0xFF : u16(pixelOffset + 2 * i);
                v &= mask;
                pixels[i] = invert ? mask - v : v;
            }
            return new DicomImage(
                    rows,
                    columns,
                    allocated,
                    stored,
                    pixels,
                    photometric,
                    text(Tags.ACCESSION_NUMBER),
                    decimal(Tags.RESCALE_INTERCEPT),
                    decimal(Tags.RESCALE_SLOPE),
                    decimal(Tags.WINDOW_CENTER),
                    decimal(Tags.WINDOW_WIDTH),
                    tsUid,
                    text(Tags.SOP_CLASS_UID));
        }

        private static boolean isUs(int tag) {
            return tag == Tags.SAMPLES_PER_PIXEL
                    || tag == Tags.ROWS
                    || tag == Tags.COLUMNS
                    || tag == Tags.BITS_ALLOCATED
                    || tag == Tags.BITS_STORED
                    || tag == Tags.HIGH_BIT
                    || tag == Tags.PIXEL_REPRESENTATION;
        }

        /** A US value (PS3.5 6.2: 16-bit unsigned), as its decimal text. */
        private String usValue(int tag, int length) {
            if (length < 2) {
                return "";
            }
            return Integer.toString(u16(pos));
        }

        private int intValue(int tag, String what) {
            String v = values.get(tag);
            if (v == null || v.isBlank()) {
                throw malformed("no " + what + " " + Tags.format(tag));
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw malformed(what + " " + Tags.format(tag) + " is not a number");
            }
        }

        private Optional<String> text(int tag) {
            String v = values.get(tag);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        /** The first value of a DS (PS3.5 6.2: decimal string, values separated by '\'). */
        private OptionalDouble decimal(int tag) {
            String v = values.get(tag);
            if (v == null || v.isBlank()) {
                return OptionalDouble.empty();
            }
            String first = v.split("\\\\", -1)[0].trim();
            try {
                return OptionalDouble.of(Double.parseDouble(first));
            } catch (NumberFormatException e) {
                throw malformed(Tags.format(tag) + " is not a decimal string: '" + first + "'");
            }
        }

        /** A text value without its padding (trailing spaces, or a trailing NUL for UIDs; PS3.5 6.2). */
        private String string(int at, int length) {
            String s = new String(b, at, length, StandardCharsets.ISO_8859_1);
            int end = s.length();
            while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
                end--;
            }
            return s.substring(0, end);
        }

        private void require(long length) {
            if (length > b.length - pos) {
                throw truncated("a data element of " + length + " bytes at offset " + pos + " runs past the end");
            }
        }

        private int tag(int at) {
            return (u16(at) << 16) | u16(at + 2);
        }

        private int u16(int at) {
            return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
        }

        private int i32(int at) {
            return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
        }

        private DicomException truncated(String what) {
            return new DicomException(
                    DicomException.Problem.TRUNCATED,
                    name + ": truncated DICOM file (" + b.length + " bytes): " + what);
        }

        private DicomException malformed(String what) {
            return new DicomException(DicomException.Problem.MALFORMED, name + ": malformed DICOM file: " + what);
        }

        private DicomException unsupported(String what) {
            return new DicomException(DicomException.Problem.UNSUPPORTED, name + ": " + what);
        }
    }
}
