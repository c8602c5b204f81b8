package org.stegoehealth.processors.cli;

import picocli.CommandLine.IVersionProvider;

/** What {@code -V} / {@code --version} prints, on {@code stego} and every one of its commands. */
public final class StegoVersion implements IVersionProvider {

    /** The product and its release. */
    public static final String VERSION = "Stego-eHealth 0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {VERSION};
    }
}
