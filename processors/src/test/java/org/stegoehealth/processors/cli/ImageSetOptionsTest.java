package org.stegoehealth.processors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ImageSetOptionsTest {

    @Command(name = "hide")
    static final class Hide implements Runnable {
        @Mixin
        ImageSetOptions images;

        @Override
        public void run() {}
    }

    private static ImageSetOptions parse(String... args) {
        Hide command = new Hide();
        new CommandLine(command).parseArgs(args);
        return command.images;
    }

    @Test
    void xraysAndCovers_defaultToTheSamplesOfTheInstallation() {
        ImageSetOptions images = parse();
        assertEquals(Path.of("/opt/stego/samples/xray"), images.xrays(Path.of("/opt/stego")));
        assertEquals(Path.of("/opt/stego/samples/covers"), images.covers(Path.of("/opt/stego")));
        assertEquals(Path.of("/data/xray"), images.xraysOr(Path.of("/data/xray")));
    }

    @Test
    void theXrayFolder_isNamedXrays_andItsFormerNamesStillWork() {
        for (String name : new String[] {"--xrays", "--secrets", "--xray-dir"}) {
            ImageSetOptions images = parse(name, "/scans", "--covers", "/photos");
            assertEquals(Path.of("/scans"), images.xrays(Path.of("/opt/stego")), name);
            assertEquals(Path.of("/photos"), images.covers(Path.of("/opt/stego")), name);
        }
    }

    @Test
    void theFormerNames_areLeftOutOfTheHelp() {
        String help = new CommandLine(new Hide()).getUsageMessage();
        assertEquals(false, help.contains("--secrets") || help.contains("--xray-dir"), help);
    }
}
