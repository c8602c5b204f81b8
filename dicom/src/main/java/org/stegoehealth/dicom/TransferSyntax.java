package org.stegoehealth.dicom;

import java.util.Map;

/**
 * The transfer syntaxes (PS3.5 section 10 and Annex A; UIDs in PS3.6 Annex A) this reader takes, and what to say
 * about the others. Only the two uncompressed little-endian ones are read: implicit VR (PS3.5 A.1, the default
 * every DICOM system supports) and explicit VR (PS3.5 A.2). Compressed pixel data (PS3.5 A.4: JPEG, JPEG-LS, JPEG
 * 2000, RLE) is refused with the DCMTK command that decompresses it, so the hospital can convert once and drop the
 * file again; decoding those here would need a codec this project does not carry.
 */
enum TransferSyntax {
    IMPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2", false),
    EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1", true);

    final String uid;
    final boolean explicitVr;

    TransferSyntax(String uid, boolean explicitVr) {
        this.uid = uid;
        this.explicitVr = explicitVr;
    }

    /** Name and conversion command for the transfer syntaxes of PS3.6 Annex A that are refused. */
    private record Other(String name, String convert) {}

    private static final String DJPEG = "dcmdjpeg";
    private static final String DJPLS = "dcmdjpls";
    private static final String DJP2K = "dcmdjp2k";
    private static final String DRLE = "dcmdrle";
    private static final String CONV = "dcmconv +te";

    private static final Map<String, Other> OTHERS = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.1.99", new Other("Deflated Explicit VR Little Endian", CONV)),
            Map.entry("1.2.840.10008.1.2.2", new Other("Explicit VR Big Endian", CONV)),
            Map.entry("1.2.840.10008.1.2.4.50", new Other("JPEG Baseline (Process 1)", DJPEG)),
            Map.entry("1.2.840.10008.1.2.4.51", new Other("JPEG Extended (Process 2 & 4)", DJPEG)),
            Map.entry("1.2.840.10008.1.2.4.57", new Other("JPEG Lossless (Process 14)", DJPEG)),
            Map.entry("1.2.840.10008.1.2.4.70", new Other("JPEG Lossless (Process 14, SV1)", DJPEG)),
            Map.entry("1.2.840.10008.1.2.4.80", new Other("JPEG-LS Lossless", DJPLS)),
            Map.entry("1.2.840.10008.1.2.4.81", new Other("JPEG-LS Near-Lossless", DJPLS)),
            Map.entry("1.2.840.10008.1.2.4.90", new Other("JPEG 2000 (Lossless Only)", DJP2K)),
            Map.entry("1.2.840.10008.1.2.4.91", new Other("JPEG 2000", DJP2K)),
            Map.entry("1.2.840.10008.1.2.4.201", new Other("High-Throughput JPEG 2000 (Lossless Only)", DJP2K)),
            Map.entry("1.2.840.10008.1.2.4.203", new Other("High-Throughput JPEG 2000", DJP2K)),
            Map.entry("1.2.840.10008.1.2.5", new Other("RLE Lossless", DRLE)));

    /** The transfer syntax of {@code uid}, or a {@link DicomException} naming it and how to convert the file. */
    static TransferSyntax of(String uid, String file) {
        for (TransferSyntax ts : values()) {
            if (ts.uid.equals(uid)) {
                return ts;
            }
        }
        Other other = OTHERS.get(uid);
        String accepted = "only uncompressed Implicit or Explicit VR Little Endian is read";
        if (other != null) {
            throw new DicomException(
                    DicomException.Problem.UNSUPPORTED,
                    file + ": transfer syntax " + other.name() + " (" + uid + "); " + accepted + "; convert it with: "
                            + other.convert() + " " + file + " converted.dcm");
        }
        throw new DicomException(
                DicomException.Problem.UNSUPPORTED,
                file + ": unknown transfer syntax '" + uid + "'; " + accepted
                        + " (dcmdjpeg or dcmdjp2k IN OUT decompresses JPEG or JPEG 2000 files)");
    }
}
