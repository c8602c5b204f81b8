package org.stegoehealth.processors.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.stegoehealth.errors.StegoException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How every {@code stego} command ends on a failure: one {@code error:} line on stderr and an exit code. A
 * {@link StegoException} (and the JDK's own words for a bad argument or an unusable file,
 * {@link IllegalArgumentException} and {@link IOException}) is reported by its message with exit code 2; anything
 * else is a defect, reported with its type and exit code 1. With debugging on, the stack trace comes first. A
 * command line that does not parse (a missing or unknown option, a bad value) is one {@code error:} line too, naming
 * the command whose {@code --help} lists the options, with exit code 2.
 */
public final class CommandErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** Exit code of a command that stopped on an unexpected error (a defect). */
    public static final int EXIT_DEFECT = 1;

    private final boolean debug;

    public CommandErrors(boolean debug) {
        this.debug = debug;
    }

    /** Debugging follows the {@code STEGO_DEBUG} environment variable. */
    public static CommandErrors fromEnvironment() {
        return new CommandErrors(System.getenv("STEGO_DEBUG") != null);
    }

    /**
     * Runs {@code command} (a picocli command object, the whole {@code stego} tree or one subcommand) on {@code args}
     * with this error handling, writing errors to {@code err}; returns the exit code.
     */
    public static int execute(Object command, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setErr(err);
        CommandErrors errors = fromEnvironment();
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        return cli.execute(args);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        if (debug) {
            e.printStackTrace(commandLine.getErr());
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int code = exitCode(e);
        String line = code == EXIT_DEFECT ? e.getClass().getSimpleName() + ": " + message : message;
        commandLine.getErr().println("error: " + line + (debug ? "" : "  (set STEGO_DEBUG=1 for details)"));
        commandLine.getErr().flush();
        return code;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr()
                .println("error: " + e.getMessage() + "  (see '"
                        + command.getCommandSpec().qualifiedName() + " --help')");
        command.getErr().flush();
        return StegoException.EXIT_FAILURE;
    }

    /** The exit code a command ends with on {@code e}. */
    public static int exitCode(Throwable e) {
        if (e instanceof StegoException s) {
            return s.exitCode();
        }
        boolean badInput = e instanceof IllegalArgumentException || e instanceof IOException;
        return badInput ? StegoException.EXIT_FAILURE : EXIT_DEFECT;
    }
}
