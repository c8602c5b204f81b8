package org.stegoehealth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.cli.CliRun;

/**
 * The command line as a whole: a command line that does not parse, or a broker that cannot be reached, is one clear
 * line and exit code 2, whichever command it is. Each command's own tests sit beside it.
 */
class StegoCliTest {

    @TempDir
    static Path tmp;

    private static CliRun run(String... args) {
        return CliRun.run(new StegoCli(), args);
    }

    @Test
    void commandLinesThatDoNotParse_areOneErrorLineNamingTheCommandsHelp() {
        CliRun missing = run("topics", "mirror-config");
        assertEquals(2, missing.code(), missing.err());
        assertOneErrorLine("error: Missing required option: '--clinic-bootstrap-servers=HOST:PORT'", missing.err());
        assertTrue(missing.err().contains("(see 'stego topics mirror-config --help')"), missing.err());
        CliRun unknown = run("keys", "list", "--no-such-option");
        assertEquals(2, unknown.code(), unknown.err());
        assertOneErrorLine("error: Unknown option: '--no-such-option'", unknown.err());
        assertTrue(unknown.err().contains("(see 'stego keys list --help')"), unknown.err());
    }

    @Test
    void aDeadBrokerAddress_isOneErrorLineNamingIt_forProduceXrays_modelsList_andTopicsCreate() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        Path keyring = tmp.resolve("dead-broker-keyring");
        assertEquals(
                0,
                run("keys", "init", "--name", "hospital", "--keyring", keyring.toString())
                        .code());

        for (String[] command : List.of(
                new String[] {"produce-xrays", "../samples/xray", "--bootstrap-servers", address},
                new String[] {"models", "list", "--bootstrap-servers", address, "--keyring", keyring.toString()},
                new String[] {"topics", "create", "--bootstrap-servers", address})) {
            CliRun result = run(command);
            assertEquals(2, result.code(), String.join(" ", command) + ": " + result.err());
            assertOneErrorLine("error: cannot reach the Kafka broker at " + address, result.err());
        }
    }

    private static void assertOneErrorLine(String expectedStart, String stderr) {
        assertTrue(stderr.startsWith(expectedStart) && stderr.strip().lines().count() == 1, stderr);
    }
}
