package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * When a file in a drop folder is complete enough to read. A file is a candidate once it has kept the same size and
 * modification time for the settle window; the reader then decodes it, and one that is still truncated is
 * {@linkplain #incomplete marked incomplete} and read again when it changes. Only a file that has stayed incomplete,
 * unchanged, for {@code completeWithin} is {@linkplain #overdue overdue} (to be refused). Files with temporary names
 * ({@link #isTemporary}) are never looked at: a writer renames them into place when they are whole.
 *
 * <p>Time comes from a nanosecond ticker, so tests advance a fake one instead of sleeping. Not thread-safe.
 */
final class DropFolder {

    /** Name endings of files still being written by browsers, copy tools and editors (compared in lower case). */
    static final List<String> TEMPORARY_ENDINGS =
            List.of(".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".swp", "~");

    /** How long a file must stay still, and how long an incomplete one may stay unchanged before it is refused. */
    record Timing(Duration settle, Duration completeWithin) {
        Timing {
            if (settle.isNegative() || completeWithin.compareTo(settle) < 0) {
                throw new IllegalArgumentException("the completion deadline (" + completeWithin.toMillis()
                        + " ms) must be at least the settle" + " time (" + settle.toMillis() + " ms)");
            }
        }
    }

    /** One version of a file (size and modification time), when it was first seen so, and what reading it gave. */
    private record Version(long size, long modified, long seenAtNanos, boolean tried, String incomplete) {
        boolean sameAs(long otherSize, long otherModified) {
            return size == otherSize && modified == otherModified;
        }
    }

    private final Path dir;
    private final Timing timing;
    private final LongSupplier ticker;
    private final Map<Path, Version> files = new LinkedHashMap<>();

    DropFolder(Path dir, Timing timing, LongSupplier ticker) {
        this.dir = dir;
        this.timing = timing;
        this.ticker = ticker;
    }

    /** "300 s", or "250 ms" under a second. */
    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Whether a file name is a hidden file or a temporary name a writer renames when done. */
    static boolean isTemporary(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith(".") || TEMPORARY_ENDINGS.stream().anyMatch(lower::endsWith);
    }

    /**
     * Looks at the folder once and returns the files to read now: those whose size and modification time have not
     * changed for the settle window and whose current version has not been read yet, in name order.
     */
    List<Path> due() throws IOException {
        long now = ticker.getAsLong();
        Set<Path> present = new HashSet<>();
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.sorted().toList()) {
                if (isTemporary(file.getFileName().toString())) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (!attributes.isRegularFile()) {
                    continue;
                }
                present.add(file);
                long size = attributes.size();
                long modified = attributes.lastModifiedTime().toMillis();
                Version known = files.get(file);
                if (known == null || !known.sameAs(size, modified)) {
                    files.put(file, new Version(size, modified, now, false, null));
                }
            }
        }
        files.keySet().retainAll(present);
        List<Path> due = new ArrayList<>();
        files.forEach((file, v) -> {
            if (!v.tried() && now - v.seenAtNanos() >= timing.settle().toNanos()) {
                due.add(file);
            }
        });
        return due;
    }

    /** Whether {@code file}'s current version, as {@link #due} last saw it, is {@code size} bytes long. */
    boolean hasSize(Path file, long size) {
        Version v = files.get(file);
        return v != null && v.size() == size;
    }

    /** Records that the current version of {@code file} was read and handled; it is read again only if it changes. */
    void tried(Path file) {
        files.computeIfPresent(file, (f, v) -> new Version(v.size(), v.modified(), v.seenAtNanos(), true, null));
    }

    /** Records that the current version of {@code file} is not a whole image yet ({@code problem}). */
    void incomplete(Path file, String problem) {
        files.computeIfPresent(file, (f, v) -> new Version(v.size(), v.modified(), v.seenAtNanos(), true, problem));
    }

    /** The files that stayed incomplete and unchanged for the completion deadline, each with its last problem. */
    Map<Path, String> overdue() {
        long now = ticker.getAsLong();
        Map<Path, String> out = new LinkedHashMap<>();
        files.forEach((file, v) -> {
            if (v.incomplete() != null
                    && now - v.seenAtNanos() >= timing.completeWithin().toNanos()) {
                out.put(file, v.incomplete());
            }
        });
        return out;
    }

    /** Stops tracking {@code file} (moved away). */
    void forget(Path file) {
        files.remove(file);
    }
}
