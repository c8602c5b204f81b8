package org.stegoehealth.processors.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The usage help of every {@code stego} command. Descriptions wrap at spaces only (and after the commas of a long
 * list), so a URL ({@code http://localhost:8081}), a path or a property name ({@code dead.letters.redact}) always
 * stays whole on one line; picocli's own wrapping also breaks after {@code :}, {@code .} and {@code /}. Each string
 * of a {@code description} is one paragraph, fitted to the help width.
 */
public final class StegoHelp extends Help {

    /** Installs this help on a command line and all its subcommands. */
    public static final IHelpFactory FACTORY = StegoHelp::new;

    private StegoHelp(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
    }

    @Override
    public Layout createDefaultLayout(
            List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
        Layout layout = super.createDefaultLayout(options, positionals, scheme);
        TextTable table = new SpaceWrappedTable(scheme, layout.textTable().columns());
        return new Layout(scheme, table, layout.optionRenderer(), layout.parameterRenderer());
    }

    @Override
    public String description(Object... params) {
        String[] paragraphs = commandSpec().usageMessage().description();
        int width = commandSpec().usageMessage().width();
        StringBuilder text = new StringBuilder();
        for (String paragraph : paragraphs) {
            String formatted = params.length == 0 ? paragraph : String.format(paragraph, params);
            for (String line : formatted.split("%n|\\R", -1)) {
                for (String wrapped : wrap(line, width, 0)) {
                    text.append(wrapped).append(System.lineSeparator());
                }
            }
        }
        return text.toString();
    }

    /**
     * {@code text} cut into lines of at most {@code width} characters at spaces; the lines after the first start
     * with {@code hangingIndent} spaces. A word longer than a line stands on a line of its own.
     */
    static List<String> wrap(String text, int width, int hangingIndent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split(" +")) {
            int room = width - (lines.isEmpty() ? 0 : hangingIndent);
            if (line.length() > 0 && line.length() + 1 + word.length() > room) {
                lines.add((lines.isEmpty() ? "" : " ".repeat(hangingIndent)) + line);
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add((lines.isEmpty() ? "" : " ".repeat(hangingIndent)) + line);
        return lines;
    }

    /** A table whose wrapping columns break lines at spaces only. */
    private static final class SpaceWrappedTable extends TextTable {

        private final ColorScheme scheme;

        SpaceWrappedTable(ColorScheme scheme, Column[] columns) {
            super(scheme, columns);
            this.scheme = scheme;
        }

        @Override
        public Cell putValue(int row, int col, Ansi.Text value) {
            Column column = columns()[col];
            if (column.overflow != Column.Overflow.WRAP
                    || value == null
                    || value.plainString().isEmpty()) {
                return super.putValue(row, col, value);
            }
            String plain = value.plainString();
            int room = column.width - column.indent;
            Cell last = null;
            int start = 0;
            boolean first = true;
            while (start < plain.length()) {
                int available = first ? room : room - indentWrappedLines;
                int end = plain.length();
                if (end - start > available) {
                    // at a space, or after a comma of a long list (jpeg95,jpeg90,...)
                    int space = plain.lastIndexOf(' ', start + available);
                    int afterComma = plain.lastIndexOf(',', start + available - 1) + 1;
                    int cut = Math.max(space, afterComma);
                    end = cut > start ? cut : start + available;
                }
                Ansi.Text piece = value.substring(start, end);
                if (!first) {
                    addEmptyRow();
                    row++;
                    piece = scheme.ansi().new Text(" ".repeat(indentWrappedLines), scheme).concat(piece);
                }
                last = super.putValue(row, col, piece);
                start = end;
                while (start < plain.length() && plain.charAt(start) == ' ') {
                    start++;
                }
                first = false;
            }
            return last;
        }
    }
}
