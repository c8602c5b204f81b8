package org.stegoehealth.stack.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.stegoehealth.security.Keyring;

/**
 * The two keyrings an in-process pipeline plays with: the hospital's (the embedder signs and seals with it) and the
 * clinic's (the extractor verifies and opens with it), exchanged as two real parties would exchange them. Kept under
 * a work directory and reused by the next run.
 */
public record PipelineKeys(Keyring hospital, Keyring clinic) {

    /** Opens the keyrings under {@code dir}, creating and exchanging them on first use. */
    public static PipelineKeys under(Path dir) {
        Path h = dir.resolve("hospital");
        Path c = dir.resolve("clinic");
        if (Files.exists(h) && Files.exists(c)) {
            return new PipelineKeys(Keyring.open(h), Keyring.open(c));
        }
        Keyring hospital = Keyring.init(h, "hospital");
        Keyring clinic = Keyring.init(c, "clinic");
        clinic = clinic.importPublic(hospital.exportPublic(Optional.empty()), h + " export", false)
                .keyring();
        hospital = hospital.importPublic(clinic.exportPublic(Optional.of("hospital")), c + " export", false)
                .keyring();
        return new PipelineKeys(hospital, clinic);
    }
}
