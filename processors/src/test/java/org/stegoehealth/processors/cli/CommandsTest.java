package org.stegoehealth.processors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.HttpSchemaRegistryClient;
import picocli.CommandLine;

class CommandsTest {

    @TempDir
    Path dir;

    @Test
    void everyCommandHasHelpAndTheSharedOptions() {
        for (Object command : List.of(new EmbedderCommand(), new ExtractorCommand(), new ProduceXraysCommand(),
                new ProduceCoversCommand())) {
            CommandLine cli = new CommandLine(command);
            StringWriter out = new StringWriter();
            cli.setOut(new PrintWriter(out));
            assertEquals(0, cli.execute("--help"));
            String help = out.toString();
            for (String option : List.of("--config", "--bootstrap-servers", "--schema-registry-url", "--topic-prefix",
                    "--help", "--version")) {
                assertTrue(help.contains(option), cli.getCommandName() + " lacks " + option + ":\n" + help);
            }
        }
    }

    @Test
    void optionsOverrideTheConfigFile() throws Exception {
        Path file = dir.resolve("stego.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nmodel.path=/models/file\nrecovered.dir=/viewer/file\n");
        ExtractorCommand command = new ExtractorCommand();
        new CommandLine(command).parseArgs("--config", file.toString(), "--bootstrap-servers", "cli:9092",
                "--model", "/models/v7", "--schema-registry-url", "http://registry:8080/apis/ccompat/v7");
        StegoConfig config = command.config();
        assertEquals("cli:9092", config.bootstrapServers());
        assertEquals(Path.of("/models/v7"), config.modelPath());
        assertEquals(Path.of("/viewer/file"), config.recoveredDir().orElseThrow());
        assertEquals("http://registry:8080/apis/ccompat/v7", config.schemaRegistryUrl());
        assertTrue(CommonOptions.registry(config) instanceof HttpSchemaRegistryClient);
    }

    @Test
    void embedderReadsItsModelAndApplicationId() {
        EmbedderCommand command = new EmbedderCommand();
        new CommandLine(command).parseArgs("--model", "/models/v1", "--application-id", "embedder-ward-7");
        StegoConfig config = command.config();
        assertEquals(Path.of("/models/v1"), config.modelPath());
        assertEquals("embedder-ward-7", config.embedderApplicationId());
    }

    @Test
    void watchNeedsExactlyOneDirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("a.png"), "x");
        CommandLine cli = new CommandLine(new ProduceXraysCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("--watch", file.toString()));
        assertTrue(err.toString().contains("--watch needs exactly one directory"), err.toString());
    }

    @Test
    void aMissingModelIsOneClearLine() {
        CommandLine cli = new CommandLine(new EmbedderCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("error: " + e.getMessage());
            return 2;
        });
        assertEquals(2, cli.execute("--model", dir.resolve("no-model").toString()));
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("not a model"), err.toString());
    }
}
