package org.stegoehealth.processors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.dicom.Part10;
import org.stegoehealth.errors.StegoException;
import org.stegoehealth.processors.OutputFormat;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.schemas.HttpSchemaRegistryClient;
import org.stegoehealth.schemas.SchemaRegistryException;
import org.stegoehealth.security.Keyring;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandsTest {

    @TempDir
    Path dir;

    @Test
    void everyCommandHasHelpAndTheSharedOptions() {
        for (Object command : List.of(
                new EmbedderCommand(), new ExtractorCommand(), new ProduceXraysCommand(), new ProduceCoversCommand())) {
            CliRun run = CliRun.run(command, "--help");
            assertEquals(0, run.code(), run.toString());
            String name = new CommandLine(command).getCommandName();
            String help = run.out();
            for (String option : List.of(
                    "--config",
                    "--bootstrap-servers",
                    "--schema-registry-url",
                    "--topic-prefix",
                    "--help",
                    "--version")) {
                assertTrue(help.contains(option), name + " lacks " + option + ":\n" + help);
            }
        }
    }

    @Test
    void theStreamsAppsNameTheirOwnDefaultApplicationId() {
        for (Object command : List.of(new EmbedderCommand(), new ExtractorCommand())) {
            CliRun run = CliRun.run(command, "--help");
            assertEquals(0, run.code(), run.toString());
            String name = new CommandLine(command).getCommandName();
            String help = run.out().replaceAll("\\s+", " ");
            assertTrue(help.contains("--model") && help.contains("(default: stego-" + name + ")"), help);
        }
    }

    @Test
    void optionsOverrideTheConfigFile() throws Exception {
        Path file = dir.resolve("stego.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nmodel.path=/models/file\nrecovered.dir=/viewer/file\n");
        ExtractorCommand command = new ExtractorCommand();
        new CommandLine(command)
                .parseArgs(
                        "--config",
                        file.toString(),
                        "--bootstrap-servers",
                        "cli:9092",
                        "--model",
                        "/models/v7",
                        "--schema-registry-url",
                        "http://registry:8080/apis/ccompat/v7");
        StegoConfig config = command.config();
        assertEquals("cli:9092", config.bootstrapServers());
        assertEquals(Path.of("/models/v7"), config.modelPath());
        assertEquals(Path.of("/viewer/file"), config.recoveredDir().orElseThrow());
        assertEquals("http://registry:8080/apis/ccompat/v7", config.schemaRegistryUrl());
        assertTrue(Wiring.registry(config) instanceof HttpSchemaRegistryClient);
    }

    @Test
    void extractorOutputFormat_comesFromItsOption() {
        ExtractorCommand command = new ExtractorCommand();
        new CommandLine(command).parseArgs("--output-dir", "/viewer", "--output-format", "both");
        assertEquals(OutputFormat.BOTH, command.config().outputFormat());
        ExtractorCommand plain = new ExtractorCommand();
        new CommandLine(plain).parseArgs("--output-dir", "/viewer");
        assertEquals(OutputFormat.PNG, plain.config().outputFormat());
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
        CliRun run = CliRun.run(new ProduceXraysCommand(), "--watch", file.toString());
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("--watch needs exactly one directory"), run.err());
    }

    @Test
    void resendSendsTheFilesNamed_notAWatchedFolder() throws Exception {
        CliRun run = CliRun.run(new ProduceXraysCommand(), "--watch", "--resend", dir.toString());
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("--resend sends the files named once more"), run.err());
    }

    @Test
    void aCompletionDeadlineShorterThanTheSettleTimeIsRefused() throws Exception {
        CliRun run = CliRun.run(
                new ProduceXraysCommand(), "--watch", "--settle-ms", "5000", "--complete-within", "2", dir.toString());
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("--complete-within must be at least the settle time"), run.err());
    }

    @Test
    void aCompressedDicomFile_isOneLineNamingTheCommandThatConvertsIt_withoutTouchingKafka() throws Exception {
        Path file = Files.write(dir.resolve("chest.dcm"), new Part10("1.2.840.10008.1.2.4.90").bytes());
        CommandLine cli = new CommandLine(new ProduceXraysCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        // nothing listens on this address: a usable file would fail to connect
        assertEquals(2, cli.execute("--bootstrap-servers", "127.0.0.1:1", file.toString()));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("chest.dcm"), err.toString());
        assertTrue(
                err.toString().strip().endsWith("convert it with: dcmdjp2k chest.dcm converted.dcm"), err.toString());
        assertTrue(out.toString().contains("published 0 X-ray(s)"), out.toString());
    }

    @Test
    void aMissingModelIsOneErrorLineWithExitCodeTwo() {
        Path missing = dir.resolve("no-model");
        Path keys = dir.resolve("keys");
        Keyring clinic = Keyring.init(dir.resolve("clinic-keys"), "clinic-a");
        Keyring.init(keys, "hospital")
                .importPublic(clinic.exportPublic(java.util.Optional.empty()), "clinic-a.pub.json", false);
        CliRun run = CliRun.run(
                new EmbedderCommand(),
                "--model",
                missing.toString(),
                "--keyring",
                keys.toString(),
                "--clinic",
                "clinic-a");
        assertEquals(2, run.code(), run.toString());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(
                lines.get(0).startsWith("error: " + missing)
                        && lines.get(0).contains("not a model")
                        && lines.get(0).endsWith("  (set STEGO_DEBUG=1 for details)"),
                lines.get(0));
    }

    @Test
    void jpegWithTheSealedMethod_isOneErrorLine_beforeTheModelIsLoaded() throws Exception {
        Path keys = dir.resolve("keys");
        Keyring clinic = Keyring.init(dir.resolve("clinic-keys"), "clinic-a");
        Keyring.init(keys, "hospital")
                .importPublic(clinic.exportPublic(java.util.Optional.empty()), "clinic-a.pub.json", false);
        Path config = Files.writeString(dir.resolve("embedder.properties"), "stego.format=jpeg\n");
        CliRun run = CliRun.run(
                new EmbedderCommand(),
                "--config",
                config.toString(),
                "--model",
                dir.resolve("no-model").toString(),
                "--keyring",
                keys.toString(),
                "--clinic",
                "clinic-a",
                "--hiding-method",
                "sealed");
        assertEquals(2, run.code(), run.toString());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(
                lines.get(0)
                        .startsWith("error: stego.format=jpeg works with the neural method only: the sealed method"),
                lines.get(0));
    }

    @Test
    void anEmbedderWithoutAClinicIsOneErrorLine_beforeTheModelIsLoaded() {
        Path keys = dir.resolve("keys");
        Keyring.init(keys, "hospital");
        CliRun run = CliRun.run(
                new EmbedderCommand(), "--model", dir.resolve("no-model").toString(), "--keyring", keys.toString());
        assertEquals(2, run.code(), run.toString());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("error: the embedder needs clinic.id"), lines.get(0));
    }

    @Test
    void aMissingKeyringIsOneErrorLine_beforeTheModelIsLoaded() {
        Path none = dir.resolve("no-keyring");
        CliRun run = CliRun.run(
                new ExtractorCommand(), "--model", dir.resolve("no-model").toString(), "--keyring", none.toString());
        assertEquals(2, run.code(), run.toString());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(
                lines.get(0).startsWith("error: no keyring in " + none)
                        && lines.get(0).contains("stego keys init"),
                lines.get(0));
    }

    @Test
    void anExtractorWhoseKeyringTrustsSeveralParties_isOneErrorLine_untilTheHospitalIsNamed() {
        Keyring hospital = Keyring.init(dir.resolve("h"), "hospital");
        Keyring other = Keyring.init(dir.resolve("b"), "clinic-b");
        Path keys = dir.resolve("clinic-keys");
        Keyring.init(keys, "clinic-a")
                .importPublic(hospital.exportPublic(java.util.Optional.empty()), "hospital.pub.json", false)
                .keyring()
                .importPublic(other.exportPublic(java.util.Optional.empty()), "clinic-b.pub.json", false);
        Path missing = dir.resolve("no-model");
        for (String[] args : List.of(
                new String[] {"--model", missing.toString(), "--keyring", keys.toString()},
                new String[] {"--model", missing.toString(), "--keyring", keys.toString(), "--hospital", "hospital"})) {
            CliRun run = CliRun.run(new ExtractorCommand(), args);
            assertEquals(2, run.code(), run.toString());
            List<String> lines = run.err().lines().toList();
            assertEquals(1, lines.size(), run.err());
            if (args.length == 4) {
                assertTrue(lines.get(0).contains("set hospital.id (STEGO_HOSPITAL_ID)"), lines.get(0));
            } else {
                assertTrue(lines.get(0).startsWith("error: " + missing), "keys pass, the model is next: " + lines);
            }
        }
    }

    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {
        RuntimeException failure;

        @Override
        public Integer call() {
            throw failure;
        }
    }

    private static String[] runFailing(RuntimeException failure, boolean debug) {
        Failing command = new Failing();
        command.failure = failure;
        CommandLine cli = new CommandLine(command);
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler(new CommandErrors(debug));
        return new String[] {Integer.toString(cli.execute()), err.toString()};
    }

    @Test
    void aUserFacingFailureIsItsMessageAndItsExitCode() {
        String[] r =
                runFailing(new SchemaRegistryException("schema registry at http://r:8081 is unreachable", -1), false);
        assertEquals("2", r[0]);
        assertEquals(
                "error: schema registry at http://r:8081 is unreachable  (set STEGO_DEBUG=1 for details)",
                r[1].strip());
        String[] custom = runFailing(
                new StegoException("keyring locked", null) {
                    @Override
                    public int exitCode() {
                        return 5;
                    }
                },
                false);
        assertEquals("5", custom[0]);
    }

    @Test
    void anUnexpectedFailureNamesItsTypeAndExitsWithOne() {
        String[] r = runFailing(new IllegalStateException("broken invariant"), false);
        assertEquals("1", r[0]);
        assertEquals("error: IllegalStateException: broken invariant  (set STEGO_DEBUG=1 for details)", r[1].strip());
    }

    @Test
    void debugPrintsTheStackTraceBeforeTheErrorLine() {
        String[] r = runFailing(new IllegalArgumentException("--size must be 16..4096"), true);
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("\tat ") && r[1].strip().endsWith("error: --size must be 16..4096"), r[1]);
    }
}
