package org.stegoehealth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.stegoehealth.processors.cli.CliRun;
import org.stegoehealth.processors.cli.StegoVersion;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Walks the whole {@code stego} command tree: every command and subcommand has {@code --help} and {@code -V}, its
 * help reads cleanly (one string per paragraph, placeholders in capitals, URLs and property names whole on one line)
 * and an option name means the same thing everywhere.
 */
class CommandTreeTest {

    /** Commands that start their own local stack unless given a cluster: they show no default cluster address. */
    private static final Set<String> OWN_STACK = Set.of("stego demo", "stego chaos", "stego bench pipeline");

    /** A word with a {@code .}, {@code :} or {@code /} inside: a URL, a path, a property name or a file name. */
    private static final Pattern UNBREAKABLE = Pattern.compile("[^\\s,]*[\\w)\\]][.:/][\\w/\\[(][^\\s,]*");

    private static List<CommandSpec> tree() {
        List<CommandSpec> all = new ArrayList<>();
        collect(new CommandLine(new StegoCli()).getCommandSpec(), all);
        return all;
    }

    private static void collect(CommandSpec spec, List<CommandSpec> all) {
        all.add(spec);
        spec.subcommands().values().stream()
                .map(CommandLine::getCommandSpec)
                .filter(sub -> sub.parent() == spec && !sub.name().equals("help"))
                .distinct()
                .forEach(sub -> collect(sub, all));
    }

    private static String[] path(CommandSpec spec, String option) {
        List<String> words = new ArrayList<>(List.of(spec.qualifiedName(" ").split(" ")));
        words.remove(0);
        words.add(option);
        return words.toArray(String[]::new);
    }

    private static Stream<DynamicTest> each(String what, java.util.function.Consumer<CommandSpec> check) {
        return tree().stream()
                .map(spec -> DynamicTest.dynamicTest(spec.qualifiedName() + ": " + what, () -> check.accept(spec)));
    }

    @TestFactory
    Stream<DynamicTest> everyCommand_printsItsUsage_onHelp() {
        return each("--help", spec -> {
            for (String option : List.of("--help", "-h")) {
                CliRun run = CliRun.run(new StegoCli(), path(spec, option));
                assertEquals(0, run.code(), run.toString());
                assertTrue(run.out().startsWith("Usage: " + spec.qualifiedName()), run.toString());
                assertEquals("", run.err(), run.toString());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> everyCommand_printsTheVersion() {
        return each("-V", spec -> {
            // replay's --version names a model version: there the product's version is -V only
            List<String> options =
                    spec.qualifiedName().equals("stego replay") ? List.of("-V") : List.of("-V", "--version");
            for (String option : options) {
                CliRun run = CliRun.run(new StegoCli(), path(spec, option));
                assertEquals(0, run.code(), run.toString());
                assertEquals(StegoVersion.VERSION, run.out().strip(), run.toString());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> everyDescription_isWholeParagraphs() {
        return each("descriptions", spec -> {
            List<String> paragraphs =
                    new ArrayList<>(List.of(spec.usageMessage().description()));
            for (ArgSpec arg : spec.args()) {
                paragraphs.addAll(List.of(arg.description()));
            }
            for (String paragraph : paragraphs) {
                String text = paragraph.strip();
                assertTrue(
                        text.matches("(?s).*[.!?)]"),
                        spec.qualifiedName() + ": a description line broken mid-sentence: '" + text + "'");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> everyUrlPathAndPropertyName_staysOnOneLineOfHelp() {
        return each("unbroken words", spec -> {
            CliRun run = CliRun.run(new StegoCli(), path(spec, "--help"));
            List<String> lines = run.out().lines().map(String::strip).toList();
            List<String> paragraphs =
                    new ArrayList<>(List.of(spec.usageMessage().description()));
            spec.args().stream().filter(a -> !a.hidden()).forEach(a -> paragraphs.addAll(List.of(a.description())));
            for (String paragraph : paragraphs) {
                var words = UNBREAKABLE.matcher(paragraph);
                while (words.find()) {
                    String word = words.group().replaceAll("[.,;:)]+$", "").replaceAll("^\\(", "");
                    assertTrue(
                            lines.stream().anyMatch(line -> line.contains(word)),
                            spec.qualifiedName() + ": '" + word + "' is split across lines:\n" + run.out());
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> everyPlaceholder_isInCapitals() {
        return each("placeholders", spec -> {
            for (ArgSpec arg : spec.args()) {
                if (arg.typeInfo().isBoolean() && arg.isOption()) {
                    continue;
                }
                String label = arg.paramLabel();
                assertTrue(
                        label.matches("[A-Z][A-Z0-9_:,.\\[\\]-]*"),
                        spec.qualifiedName() + ": placeholder '" + label + "' of "
                                + (arg.isOption() ? ((OptionSpec) arg).longestName() : "a parameter"));
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> aShortOption_meansTheSameEverywhere() {
        return each("short options", spec -> {
            OptionSpec k = spec.findOption("-k");
            if (k != null) {
                assertEquals("--keyring", k.longestName(), spec.qualifiedName());
            }
            OptionSpec c = spec.findOption("-c");
            if (c != null) {
                assertEquals("--config", c.longestName(), spec.qualifiedName());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> commandsThatStartTheirOwnStack_showNoDefaultClusterAddress() {
        return each("own stack", spec -> {
            if (!OWN_STACK.contains(spec.qualifiedName())) {
                return;
            }
            String help = CliRun.run(new StegoCli(), path(spec, "--help")).out();
            assertTrue(!help.contains("localhost:9092") && !help.contains("localhost:8081"), help);
            assertTrue(!help.contains("<command>") && !help.contains("<work-dir>"), help);
        });
    }

    @TestFactory
    Stream<DynamicTest> noHelp_showsAnAngleBracketPlaceholder() {
        return each("no <placeholders>", spec -> {
            String help = CliRun.run(new StegoCli(), path(spec, "--help")).out();
            assertTrue(!help.matches("(?s).*<[a-zA-Z-]+>.*"), help);
        });
    }

    @org.junit.jupiter.api.Test
    void trainAndTheTrainer_shareTheirTrainingOptions_withOneDefaultEach() {
        CommandSpec stego = new CommandLine(new StegoCli()).getCommandSpec();
        CommandSpec train = stego.subcommands().get("train").getCommandSpec();
        CommandSpec trainer = stego.subcommands().get("trainer").getCommandSpec();
        for (String option : List.of(
                "--xrays", "--covers", "--batch", "--crop", "--beta", "--seed", "--validation-size", "--max-images")) {
            assertEquals(
                    train.findOption(option).defaultValue(),
                    trainer.findOption(option).defaultValue(),
                    option);
        }
        assertEquals("1.5", train.findOption("--beta").defaultValue());
    }

    @TestFactory
    Stream<DynamicTest> theXrayFolder_isCalledXraysEverywhere() {
        return each("--xrays", spec -> {
            for (OptionSpec option : spec.options()) {
                if (!option.hidden() && option.paramLabel().equals("DIR")) {
                    String name = option.longestName();
                    assertTrue(
                            !name.contains("secret") && !name.equals("--xray-dir"), spec.qualifiedName() + ": " + name);
                }
            }
        });
    }
}
