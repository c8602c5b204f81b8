package org.stegoehealth.processors;

import java.util.Locale;

/** How an X-ray is hidden; the {@code hidingMethod} field of X-ray, stego and recovered events. */
public enum HidingMethod {
    /** The neural network: the paper's method; lossy, no key (its secret is the model). */
    NEURAL,
    /** Lossless and keyed: encrypted to the clinic, LSB matching at keyed positions ({@code SealedHiding}). */
    SEALED;

    /** The name on events and in configuration: {@code neural} or {@code sealed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code neural} or {@code sealed} */
    public static HidingMethod parse(String label) {
        for (HidingMethod m : values()) {
            if (m.label().equals(label == null ? null : label.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown hiding method '" + label + "' (neural or sealed)");
    }
}
