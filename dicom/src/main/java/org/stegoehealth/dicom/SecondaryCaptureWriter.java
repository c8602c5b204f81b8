package org.stegoehealth.dicom;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes an image as a DICOM Part 10 file (PS3.10 7.1) holding one Secondary Capture Image object (SOP Class
 * 1.2.840.10008.5.1.4.1.1.7; IOD in PS3.3 A.8.1), in Explicit VR Little Endian (PS3.5 A.2), with the attributes of its
 * modules and no more:
 *
 * <ul>
 *   <li>Patient (C.7.1.1) and General Study (C.7.2.1): the type 2 attributes present and empty, except the Accession
 *       Number; new Study Instance UID. Nothing of the patient is known here.
 *   <li>General Series (C.7.3.1): Modality OT, new Series Instance UID. SC Equipment (C.8.6.1): Conversion Type WSD.
 *   <li>General Image (C.7.6.1): Image Type DERIVED\SECONDARY, Derivation Description, Lossy Image Compression "01"
 *       with its ratio and method for a lossy reconstruction (C.7.6.1.1.5), "00" for a bit-identical one.
 *   <li>Image Pixel (C.7.6.3): MONOCHROME2 at 8 or 16 bits (all stored), or RGB at 8 bits, unsigned, native.
 *   <li>SOP Common (C.12.1): SOP Class and Instance UIDs, Instance Creation Date and Time.
 * </ul>
 *
 * Every value is padded to an even length (PS3.5 7.1.1): UIDs with a NUL, text with a space.
 */
public final class SecondaryCaptureWriter {

    /** Secondary Capture Image Storage (PS3.4 B.5). */
    public static final String SOP_CLASS_UID = "1.2.840.10008.5.1.4.1.1.7";

    static final String IMPLEMENTATION_VERSION_NAME = "STEGO_EHEALTH_01";

    /**
     * A lossy reconstruction: Lossy Image Compression Ratio (0028,2112) and Method (0028,2114), a code string of at
     * most 16 upper-case letters, digits, spaces or underscores (PS3.5 6.2, CS).
     */
    public record Lossy(double ratio, String method) {
        public Lossy {
            if (!(ratio > 0) || Double.isInfinite(ratio)) {
                throw new IllegalArgumentException("lossy compression ratio must be positive: " + ratio);
            }
            if (!isCodeString(method)) {
                throw new IllegalArgumentException("not a DICOM code string (CS): '" + method + "'");
            }
        }
    }

    /**
     * What the object says about the image.
     *
     * @param accessionNumber Accession Number (0008,0050), or null for an empty one; see {@link
     *     #isAccessionNumber}
     * @param derivationDescription Derivation Description (0008,2111): how the image was made
     * @param lossy null for a bit-identical image (Lossy Image Compression "00")
     */
    public record Description(
            String accessionNumber,
            String derivationDescription,
            Lossy lossy,
            String studyInstanceUid,
            String seriesInstanceUid,
            String sopInstanceUid,
            ZonedDateTime created) {
        public Description {
            if (accessionNumber != null && !isAccessionNumber(accessionNumber)) {
                throw new IllegalArgumentException("not a DICOM accession number (SH): '" + accessionNumber + "'");
            }
            if (derivationDescription == null || derivationDescription.length() > 1024) {
                throw new IllegalArgumentException("a derivation description of 1 to 1024 characters is required");
            }
        }
    }

    private SecondaryCaptureWriter() {}

    /** Whether {@code s} can be an Accession Number: a short string (SH) of at most 16 printable ASCII characters. */
    public static boolean isAccessionNumber(String s) {
        return s != null
                && !s.isBlank()
                && s.length() <= 16
                && s.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '\\');
    }

    private static boolean isCodeString(String s) {
        return s != null
                && !s.isEmpty()
                && s.length() <= 16
                && s.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '_');
    }

    /**
     * The Part 10 file of {@code image}: 1 band of 8 or 16 bits (MONOCHROME2), or 3 bands of 8 bits (RGB).
     *
     * @throws IllegalArgumentException for any other image
     */
    public static byte[] write(BufferedImage image, Description d) {
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int bits = image.getColorModel().getComponentSize(0);
        if (!((bands == 1 && (bits == 8 || bits == 16)) || (bands == 3 && bits == 8))) {
            throw new IllegalArgumentException(
                    "a gray image of 8 or 16 bits or an 8-bit RGB image expected, not " + bands + " x " + bits);
        }
        int allocated = bits;
        int w = image.getWidth();
        int h = image.getHeight();
        if (w > 0xFFFF || h > 0xFFFF) {
            throw new IllegalArgumentException(w + "x" + h + ": Rows and Columns are at most 65535 (US)");
        }

        Out ds = new Out();
        ds.text(Tags.IMAGE_TYPE, "CS", "DERIVED\\SECONDARY");
        ds.text(
                Tags.INSTANCE_CREATION_DATE,
                "DA",
                d.created().format(DateTimeFormatter.BASIC_ISO_DATE).substring(0, 8));
        ds.text(Tags.INSTANCE_CREATION_TIME, "TM", d.created().format(DateTimeFormatter.ofPattern("HHmmss")));
        ds.uid(Tags.SOP_CLASS_UID, SOP_CLASS_UID);
        ds.uid(Tags.SOP_INSTANCE_UID, d.sopInstanceUid());
        ds.text(Tags.STUDY_DATE, "DA", "");
        ds.text(Tags.STUDY_TIME, "TM", "");
        ds.text(Tags.ACCESSION_NUMBER, "SH", d.accessionNumber() == null ? "" : d.accessionNumber());
        ds.text(Tags.MODALITY, "CS", "OT");
        ds.text(Tags.CONVERSION_TYPE, "CS", "WSD");
        ds.text(Tags.REFERRING_PHYSICIAN_NAME, "PN", "");
        ds.text(Tags.DERIVATION_DESCRIPTION, "ST", d.derivationDescription());
        ds.text(Tags.PATIENT_NAME, "PN", "");
        ds.text(Tags.PATIENT_ID, "LO", "");
        ds.text(Tags.PATIENT_BIRTH_DATE, "DA", "");
        ds.text(Tags.PATIENT_SEX, "CS", "");
        ds.uid(Tags.STUDY_INSTANCE_UID, d.studyInstanceUid());
        ds.uid(Tags.SERIES_INSTANCE_UID, d.seriesInstanceUid());
        ds.text(Tags.STUDY_ID, "SH", "");
        ds.text(Tags.SERIES_NUMBER, "IS", "1");
        ds.text(Tags.INSTANCE_NUMBER, "IS", "1");
        ds.text(Tags.PATIENT_ORIENTATION, "CS", "");
        ds.text(Tags.LATERALITY, "CS", "");
        ds.us(Tags.SAMPLES_PER_PIXEL, bands);
        ds.text(Tags.PHOTOMETRIC_INTERPRETATION, "CS", bands == 1 ? "MONOCHROME2" : "RGB");
        if (bands == 3) {
            ds.us(0x00280006, 0); // Planar Configuration: colour-by-pixel (C.7.6.3.1.3)
        }
        ds.us(Tags.ROWS, h);
        ds.us(Tags.COLUMNS, w);
        ds.us(Tags.BITS_ALLOCATED, allocated);
        ds.us(Tags.BITS_STORED, allocated);
        ds.us(Tags.HIGH_BIT, allocated - 1);
        ds.us(Tags.PIXEL_REPRESENTATION, 0);
        if (d.lossy() == null) {
            ds.text(Tags.LOSSY_IMAGE_COMPRESSION, "CS", "00");
        } else {
            ds.text(Tags.LOSSY_IMAGE_COMPRESSION, "CS", "01");
            ds.text(
                    Tags.LOSSY_IMAGE_COMPRESSION_RATIO,
                    "DS",
                    decimalString(d.lossy().ratio()));
            ds.text(Tags.LOSSY_IMAGE_COMPRESSION_METHOD, "CS", d.lossy().method());
        }
        ds.bytes(Tags.PIXEL_DATA, allocated == 16 ? "OW" : "OB", pixelData(raster, w, h, bands, allocated));

        Out meta = new Out();
        meta.bytes(Tags.FILE_META_INFORMATION_VERSION, "OB", new byte[] {0, 1});
        meta.uid(Tags.MEDIA_STORAGE_SOP_CLASS_UID, SOP_CLASS_UID);
        meta.uid(Tags.MEDIA_STORAGE_SOP_INSTANCE_UID, d.sopInstanceUid());
        meta.uid(Tags.TRANSFER_SYNTAX_UID, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid);
        meta.uid(Tags.IMPLEMENTATION_CLASS_UID, Uids.ROOT);
        meta.text(Tags.IMPLEMENTATION_VERSION_NAME, "SH", IMPLEMENTATION_VERSION_NAME);

        Out file = new Out();
        file.raw(new byte[DicomReader.PREFIX_OFFSET]);
        file.raw("DICM".getBytes(StandardCharsets.US_ASCII));
        file.ul(Tags.FILE_META_INFORMATION_GROUP_LENGTH, meta.size());
        file.raw(meta.toByteArray());
        file.raw(ds.toByteArray());
        return file.toByteArray();
    }

    /** Native pixel data (PS3.5 8.1.1): row by row, samples interleaved, 16-bit values little endian. */
    private static byte[] pixelData(Raster raster, int w, int h, int bands, int bits) {
        long size = (long) w * h * bands * (bits / 8);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(w + "x" + h + " image too large for one DICOM object");
        }
        byte[] out = new byte[(int) (size + (size & 1))];
        int[] row = new int[w * bands];
        int i = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int v : row) {
                if (bits == 8) {
                    out[i++] = (byte) v;
                } else {
                    out[i++] = (byte) v;
                    out[i++] = (byte) (v >>> 8);
                }
            }
        }
        return out;
    }

    /** A DS value (PS3.5 6.2: at most 16 characters): plain notation, at most 6 decimals. */
    static String decimalString(double v) {
        String s = new BigDecimal(v)
                .setScale(6, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
        if (s.length() > 16) {
            s = String.format(Locale.ROOT, "%.6e", v);
        }
        return s;
    }

    /** Explicit VR little endian data elements (PS3.5 7.1.2), appended in the order given (ascending tags). */
    private static final class Out extends ByteArrayOutputStream {

        void raw(byte[] bytes) {
            write(bytes, 0, bytes.length);
        }

        void uid(int tag, String uid) {
            element(tag, "UI", pad(uid.getBytes(StandardCharsets.US_ASCII), (byte) 0));
        }

        void text(int tag, String vr, String value) {
            element(tag, vr, pad(value.getBytes(StandardCharsets.US_ASCII), (byte) ' '));
        }

        void us(int tag, int value) {
            element(tag, "US", new byte[] {(byte) value, (byte) (value >>> 8)});
        }

        void ul(int tag, int value) {
            element(tag, "UL", le32(value));
        }

        void bytes(int tag, String vr, byte[] value) {
            element(tag, vr, pad(value, (byte) 0));
        }

        private void element(int tag, String vr, byte[] value) {
            raw(new byte[] {(byte) (tag >>> 16), (byte) (tag >>> 24), (byte) tag, (byte) (tag >>> 8)});
            raw(vr.getBytes(StandardCharsets.US_ASCII));
            if (vr.equals("OB") || vr.equals("OW")) {
                raw(new byte[2]);
                raw(le32(value.length));
            } else {
                raw(new byte[] {(byte) value.length, (byte) (value.length >>> 8)});
            }
            raw(value);
        }

        private static byte[] le32(int v) {
            return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
        }

        private static byte[] pad(byte[] value, byte with) {
            if ((value.length & 1) == 0) {
                return value;
            }
            byte[] out = new byte[value.length + 1];
            System.arraycopy(value, 0, out, 0, value.length);
            out[value.length] = with;
            return out;
        }
    }
}
