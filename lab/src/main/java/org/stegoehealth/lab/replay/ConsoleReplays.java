package org.stegoehealth.lab.replay;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.stegoehealth.model.Progress;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.web.console.ReplayDesk;
import picocli.CommandLine;

/**
 * The hospital console's replays ({@link ReplayDesk}): {@code stego replay} in this process, its options parsed from
 * the console's request exactly as the command line parses them, on the console's cluster and keyring, its progress
 * lines handed to the console and its table returned. Found by the console through {@link java.util.ServiceLoader}
 * (this module depends on the web module, not the other way round).
 */
public final class ConsoleReplays implements ReplayDesk.Provider {

    @Override
    public ReplayDesk.Runner runner(StegoConfig config) {
        return (request, out, progress) -> run(config, request, out, progress);
    }

    static String run(StegoConfig config, ReplayDesk.Request request, Path out, Consumer<String> progress)
            throws Exception {
        List<String> args = new ArrayList<>(request.arguments());
        args.add("--out");
        args.add(out.toString());
        ReplayCommand command = new ReplayCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        StringWriter table = new StringWriter();
        try (PrintStream lines = new PrintStream(new Lines(progress), true, StandardCharsets.UTF_8)) {
            command.replay(config, new PrintWriter(table, true), new Progress(lines));
        }
        StringBuilder kept = new StringBuilder();
        // the table only: not the lines that name files on the console's machine
        table.toString()
                .lines()
                .filter(l -> !l.startsWith("report: ") && !l.startsWith("the same pairs with stego evaluate"))
                .forEach(l -> kept.append(l).append('\n'));
        return kept.toString();
    }

    /** Hands each line written (ended by a line feed or a carriage return) to {@code sink}. */
    static final class Lines extends OutputStream {
        private final Consumer<String> sink;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n' || b == '\r') {
                flushLine();
            } else {
                line.write(b);
            }
        }

        private void flushLine() {
            if (line.size() > 0) {
                sink.accept(line.toString(StandardCharsets.UTF_8));
                line.reset();
            }
        }

        @Override
        public synchronized void close() {
            flushLine();
        }
    }
}
