package org.stegoehealth.lab;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.model.TinyModels;

/** What the lab commands' tests share: a scratch folder, a tiny untrained model in it and the repository's samples. */
public abstract class LabCommandTest {

    @TempDir
    protected static Path tmp;

    protected static Path model;
    protected static final Path samples = Path.of("..", "samples");

    @BeforeAll
    static void tinyModel() throws IOException {
        model = TinyModels.write(tmp, "tiny", TinyModels.SMALLEST, 1);
    }
}
