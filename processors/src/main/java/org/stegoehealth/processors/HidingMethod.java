package org.stegoehealth.processors;

import java.util.Locale;

/** How an X-ray is hidden; the {@code hidingMethod} field of X-ray, stego and recovered events. */
public enum HidingMethod {
    /** The neural network: the paper's method; lossy, no key (its secret is the model). */
    NEURAL,
    /** Lossless and keyed: encrypted to the clinic, LSB matching at keyed positions ({@code SealedHiding}). */
    SEALED,
    /**
     * Lossless, keyed and sparse: the sealed payload spread over the whole cover by syndrome-trellis codes with
     * adaptive costs, a few hundredths of a bit per sample ({@code SealedHiding.covert}).
     */
    COVERT;

    /** The name on events and in configuration: {@code neural}, {@code sealed} or {@code covert}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the X-ray travels encrypted to the clinic and comes back bit for bit (sealed or covert). */
    public boolean keyed() {
        return this != NEURAL;
    }

    /** @throws IllegalArgumentException for anything but {@code neural}, {@code sealed} or {@code covert} */
    public static HidingMethod parse(String label) {
        for (HidingMethod m : values()) {
            if (m.label().equals(label == null ? null : label.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown hiding method '" + label + "' (neural, sealed or covert)");
    }
}
