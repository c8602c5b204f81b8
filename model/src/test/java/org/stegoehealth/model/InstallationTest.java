package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InstallationTest {

    private static final Path HOME = Path.of("/opt/stego");

    @Test
    void dataDir_withTheSystemProperty_isThePropertyEvenWhenTheEnvironmentNamesAnother() {
        assertEquals(Path.of("/data/full"), Installation.dataDir("/data/full", "/elsewhere", HOME));
    }

    @Test
    void dataDir_withOnlyTheEnvironmentVariable_isTheVariable() {
        assertEquals(Path.of("/elsewhere"), Installation.dataDir(null, "/elsewhere", HOME));
        assertEquals(Path.of("/elsewhere"), Installation.dataDir(" ", "/elsewhere", HOME));
    }

    @Test
    void dataDir_withNeitherSet_isDataUnderTheInstallationDirectory() {
        assertEquals(HOME.resolve("data"), Installation.dataDir(null, null, HOME));
        assertEquals(HOME.resolve("data"), Installation.dataDir("", "", HOME));
    }

    @Test
    void xraysAndCovers_areTheTwoFoldersOfTheDataFolder() {
        assertEquals(Installation.dataDir().resolve("xray"), Installation.xrays());
        assertEquals(Installation.dataDir().resolve("covers"), Installation.covers());
    }
}
