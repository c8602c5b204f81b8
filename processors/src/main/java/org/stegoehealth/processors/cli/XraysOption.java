package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --xrays DIR}: the folder of chest X-rays a command reads, under one name everywhere ({@code --secrets} and
 * {@code --xray-dir}, its former names, are still accepted).
 */
public final class XraysOption {

    @Option(
            names = "--xrays",
            paramLabel = "DIR",
            description = "Directory of chest X-rays, PNG or JPEG (default: samples/xray in the installation directory,"
                    + " unless the command says otherwise).")
    Path xrays;

    @Option(
            names = {"--secrets", "--xray-dir"},
            paramLabel = "DIR",
            hidden = true,
            description = "Former names of --xrays.")
    void formerName(Path dir) {
        xrays = dir;
    }

    /** {@code --xrays}, else {@code fallback}. */
    public Path xrays(Path fallback) {
        return xrays != null ? xrays : fallback;
    }
}
