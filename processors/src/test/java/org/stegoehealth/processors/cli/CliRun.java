package org.stegoehealth.processors.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of a {@code stego} command line as {@code ./stego} runs it ({@link CommandErrors}): its exit code and what
 * it wrote to standard output and standard error. For the command-line tests of every module.
 *
 * @param code the exit code
 * @param out  what the command wrote to standard output (its results, or its usage help)
 * @param err  what it wrote to standard error (the {@code error:} line of a failure)
 */
public record CliRun(int code, String out, String err) {

    /** Runs {@code command} (the whole tree or one subcommand object) on {@code args}. */
    public static CliRun run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CommandErrors.execute(command, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The one {@code error:} line on standard error, without the hint that follows it. */
    public String errorLine() {
        return err.strip();
    }

    @Override
    public String toString() {
        return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
}
