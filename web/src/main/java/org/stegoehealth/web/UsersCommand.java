package org.stegoehealth.web;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stegoehealth.processors.StegoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stego viewer users}: who may sign in to the web viewer (a users file with Argon2id password hashes). */
@Command(
        name = "users",
        mixinStandardHelpOptions = true,
        description = "Add, remove or list the users who may sign in (viewer.users.file).",
        subcommands = {UsersCommand.Add.class, UsersCommand.Remove.class, UsersCommand.ListUsers.class})
public final class UsersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options of every users subcommand: the file, from {@code --file}, or else the configuration. */
    static class FileOptions {
        @Option(
                names = {"-c", "--config"},
                paramLabel = "FILE",
                description = "Properties file (its viewer.users.file names the users file).")
        Path config;

        @Option(
                names = "--file",
                paramLabel = "FILE",
                description = "The users file (default: viewer.users.file, .stego/viewer-users).")
        Path file;

        Users users() {
            if (file != null) {
                return new Users(file);
            }
            return new Users(Path.of(StegoConfig.load(config, Map.of()).get(StegoConfig.VIEWER_USERS_FILE)));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user (asks for the password twice).")
    static final class Add implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOptions options = new FileOptions();

        @Parameters(paramLabel = "NAME", description = "User name: letters, digits, '.', '_', '@', '-'.")
        String name;

        @Option(
                names = "--password-stdin",
                description = "Read the password from the first line of standard input (scripts).")
        boolean passwordStdin;

        @Option(names = "--replace", description = "Set a new password (and role) for an existing user.")
        boolean replace;

        @Option(
                names = "--role",
                paramLabel = "ROLE",
                defaultValue = "viewer",
                description = "viewer (looks) or operator (also promotes, rolls back and redrives in the console);"
                        + " default: ${DEFAULT-VALUE}.")
        String role;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Users.Role r = Users.Role.parse(role);
            char[] password = passwordStdin ? fromStdin() : fromConsole();
            try {
                Users users = options.users();
                users.add(name, password, replace, r);
                spec.commandLine()
                        .getOut()
                        .println("user '" + name + "' can sign in as " + r.label() + " (" + users.file() + ")");
                return 0;
            } finally {
                Arrays.fill(password, '\0');
            }
        }

        private static char[] fromStdin() throws IOException {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new IllegalArgumentException("--password-stdin: standard input is empty");
            }
            return line.toCharArray();
        }

        private char[] fromConsole() {
            Console console = System.console();
            if (console == null) {
                throw new IllegalArgumentException("no terminal to ask the password on: use --password-stdin");
            }
            char[] first = console.readPassword("Password for %s: ", name);
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                throw new IllegalArgumentException("the two passwords differ");
            }
            Arrays.fill(again, '\0');
            return first;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
    static final class Remove implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOptions options = new FileOptions();

        @Parameters(paramLabel = "NAME")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!options.users().remove(name)) {
                throw new IllegalArgumentException("no user '" + name + "'");
            }
            spec.commandLine().getOut().println("user '" + name + "' removed");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the user names and their roles.")
    static final class ListUsers implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOptions options = new FileOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Users users = options.users();
            users.names()
                    .forEach(n -> spec.commandLine()
                            .getOut()
                            .println(n + " "
                                    + users.role(n).map(Users.Role::label).orElse("")));
            return 0;
        }
    }
}
