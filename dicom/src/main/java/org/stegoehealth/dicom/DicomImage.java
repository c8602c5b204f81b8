package org.stegoehealth.dicom;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One grayscale frame read from a DICOM file, its pixels already in MONOCHROME2 orientation (a higher value is
 * brighter; PS3.3 C.7.6.3.1.2): a MONOCHROME1 image is inverted within its stored bits, {@code (2^bitsStored - 1) -
 * v}. Values are the stored values, masked to {@code bitsStored} bits (PS3.5 8.1.1); Rescale and VOI values are kept
 * as read, not applied.
 *
 * @param pixels row-major, {@code rows x columns}, each in {@code [0, 2^bitsStored)}
 * @param sourcePhotometric MONOCHROME1 or MONOCHROME2, as the file said
 * @param accessionNumber (0008,0050), empty when absent or empty
 * @param rescaleIntercept (0028,1052), empty when absent
 * @param rescaleSlope (0028,1053), empty when absent
 * @param windowCenter the first value of (0028,1050), empty when absent
 * @param windowWidth the first value of (0028,1051), empty when absent
 * @param transferSyntaxUid (0002,0010)
 * @param sopClassUid (0008,0016), empty when absent
 */
public record DicomImage(
        int rows,
        int columns,
        int bitsAllocated,
        int bitsStored,
        int[] pixels,
        String sourcePhotometric,
        Optional<String> accessionNumber,
        OptionalDouble rescaleIntercept,
        OptionalDouble rescaleSlope,
        OptionalDouble windowCenter,
        OptionalDouble windowWidth,
        String transferSyntaxUid,
        Optional<String> sopClassUid) {

    /** The largest value a pixel can have. */
    public int maxValue() {
        return (1 << bitsStored) - 1;
    }

    /**
     * The pixels as a gray image: 8 bits per sample when at most 8 bits are stored, else 16 (values unchanged, so a
     * 12-bit image keeps its 0..4095 range in a 16-bit raster).
     */
    public BufferedImage toBufferedImage() {
        if (bitsStored <= 8) {
            BufferedImage out = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
            byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < pixels.length; i++) {
                data[i] = (byte) pixels[i];
            }
            return out;
        }
        BufferedImage out = new BufferedImage(columns, rows, BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            data[i] = (short) pixels[i];
        }
        return out;
    }

    /** "512x512, 12 of 16 bits, MONOCHROME1": for logs, never patient data. */
    public String describe() {
        return columns + "x" + rows + ", " + bitsStored + " of " + bitsAllocated + " bits, " + sourcePhotometric;
    }
}
