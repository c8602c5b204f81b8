package org.stegoehealth.processors.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The X-ray and cover folders of the commands that hide X-rays in photos: {@code --xrays DIR --covers DIR}. */
public final class ImageSetOptions {

    @Mixin
    XraysOption xrays;

    @Option(
            names = "--covers",
            paramLabel = "DIR",
            description = "Directory of cover photos, PNG or JPEG (default: samples/covers in the installation"
                    + " directory).")
    Path covers;

    /** {@code --xrays}, else {@code home}'s sample X-rays. */
    public Path xrays(Path home) {
        return xrays.xrays(home.resolve("samples").resolve("xray"));
    }

    /** {@code --xrays}, else {@code fallback}. */
    public Path xraysOr(Path fallback) {
        return xrays.xrays(fallback);
    }

    /** {@code --covers}, else {@code home}'s sample covers. */
    public Path covers(Path home) {
        return covers != null ? covers : home.resolve("samples").resolve("covers");
    }
}
