package org.stegoehealth.processors;

import java.util.Locale;

/**
 * What the extractor writes into its output folder for each recovered X-ray (config {@code output.format}): a PNG,
 * a DICOM Secondary Capture file for a PACS or DICOM viewer, or both side by side.
 */
public enum OutputFormat {
    PNG,
    DICOM,
    BOTH;

    /** The name in configuration: {@code png}, {@code dicom} or {@code both}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean png() {
        return this != DICOM;
    }

    public boolean dicom() {
        return this != PNG;
    }

    /** @throws IllegalArgumentException for anything but {@code png}, {@code dicom} or {@code both} */
    public static OutputFormat parse(String label) {
        for (OutputFormat f : values()) {
            if (f.label().equals(label == null ? null : label.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown output format '" + label + "' (png, dicom or both)");
    }
}
