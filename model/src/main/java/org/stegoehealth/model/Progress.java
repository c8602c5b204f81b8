package org.stegoehealth.model;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A one-line progress bar on a terminal, or a line every few seconds when the output is a log file.
 */
public final class Progress {

    private final PrintStream out;
    private final boolean interactive;
    private final long started = System.nanoTime();
    private long lastPrint;
    private int lastLength;

    public Progress(PrintStream out) {
        this.out = out;
        this.interactive = System.console() != null;
    }

    /** Shows {@code done / total} with an ETA and a caller-supplied status text. */
    public synchronized void update(String what, long done, long total, String status) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!last && now - lastPrint < (interactive ? 200_000_000L : 10_000_000_000L)) {
            return;
        }
        lastPrint = now;
        double frac = total == 0 ? 1 : Math.min(1.0, (double) done / total);
        int width = 24;
        int filled = (int) Math.round(frac * width);
        double elapsed = (now - started) / 1e9;
        String eta = done == 0 ? "?" : format(Duration.ofSeconds((long) (elapsed / frac - elapsed)));
        String line = String.format(
                "%s [%s%s] %d/%d %3.0f%% %s elapsed, ETA %s%s",
                what,
                "#".repeat(filled),
                ".".repeat(width - filled),
                done,
                total,
                frac * 100,
                format(Duration.ofSeconds((long) elapsed)),
                eta,
                status == null || status.isEmpty() ? "" : "  " + status);
        if (interactive) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            if (last) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Prints a message on its own line without breaking the bar. */
    public synchronized void message(String text) {
        if (interactive && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            lastLength = 0;
        }
        out.println(text);
        out.flush();
    }

    public static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format("%dm%02ds", s / 60, s % 60);
    }
}
