package org.stegoehealth.processors;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * How the inference processors batch: the largest batch per image size, how long a partial batch may wait, the
 * largest image side accepted at all, whether the dead letters they write keep the original bytes, and which images
 * run in the large-image lane.
 *
 * <p>Large images get small batches: per-image throughput of big batches of big images drops on CPUs (fresh large
 * allocations), so the batch size is tuned per size class. A class applies to images whose longer side is at most
 * its bound; {@code *} covers everything larger.
 *
 * <p>Images with a longer side above {@code laneSide} do not batch at all: each runs alone in the processor's
 * large-image lane, off the stream thread, so smaller images keep flowing past it ({@link BatchingProcessor}). The
 * applications set it to the model's tile size ({@code inference.tile.size}): the images that are tiled.
 *
 * @param sizesBySide batch size per upper bound of the longer image side; {@link Integer#MAX_VALUE} is the catch-all
 * @param linger      how long the oldest record of a partial batch waits (wall-clock) before the batch runs anyway
 * @param maxImageSide images with a longer side are refused (dead-lettered) before they are buffered
 * @param redactDeadLetters dead letters carry a SHA-256 and the size of the original value instead of its bytes
 * @param laneSide    images with a longer side above this run one at a time in the large-image lane;
 *                    {@link Integer#MAX_VALUE}: no lane, every image batches on the stream thread
 * @param maxRecordBytes the largest record the application may write ({@code max.message.bytes}): an output image
 *                    that would not fit is a dead letter with the reason, not a failed application
 */
public record BatchSettings(
        NavigableMap<Integer, Integer> sizesBySide,
        Duration linger,
        int maxImageSide,
        boolean redactDeadLetters,
        int laneSide,
        int maxRecordBytes) {

    /** 8 images up to 256 px, 4 up to 512 px, one at a time above. */
    public static final String DEFAULT_SIZES = "256:8,512:4,*:1";

    public BatchSettings {
        if (sizesBySide.isEmpty()) {
            throw new IllegalArgumentException("no batch sizes given");
        }
        sizesBySide.forEach((side, size) -> {
            if (side <= 0 || size <= 0) {
                throw new IllegalArgumentException("batch size " + size + " for side " + side + " must be positive");
            }
        });
        if (linger.isNegative() || linger.isZero()) {
            throw new IllegalArgumentException("linger " + linger + " must be positive");
        }
        if (maxImageSide <= 0) {
            throw new IllegalArgumentException("max image side " + maxImageSide + " must be positive");
        }
        if (laneSide <= 0) {
            throw new IllegalArgumentException("large-image lane side " + laneSide + " must be positive");
        }
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("largest record " + maxRecordBytes + " must be positive");
        }
        sizesBySide = Collections.unmodifiableNavigableMap(new TreeMap<>(sizesBySide));
    }

    /** No large-image lane. */
    public BatchSettings(
            NavigableMap<Integer, Integer> sizesBySide, Duration linger, int maxImageSide, boolean redactDeadLetters) {
        this(sizesBySide, linger, maxImageSide, redactDeadLetters, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** Dead letters with their original bytes, no large-image lane. */
    public BatchSettings(NavigableMap<Integer, Integer> sizesBySide, Duration linger, int maxImageSide) {
        this(sizesBySide, linger, maxImageSide, false);
    }

    /** These settings with images whose longer side exceeds {@code side} running in the large-image lane. */
    public BatchSettings withLaneAbove(int side) {
        return new BatchSettings(sizesBySide, linger, maxImageSide, redactDeadLetters, side, maxRecordBytes);
    }

    /** These settings with output images limited to {@code bytes} (the record size limit). */
    public BatchSettings withMaxRecordBytes(int bytes) {
        return new BatchSettings(sizesBySide, linger, maxImageSide, redactDeadLetters, laneSide, bytes);
    }

    /**
     * Refuses an output image of {@code bytes} that would leave no room in a record ({@link #maxRecordBytes}, less
     * 64 KB for the event's other fields and the record's framing).
     *
     * @throws RecordRejectedException with the sizes and what to change
     */
    public void checkOutputBytes(int bytes, String what) {
        long room = (long) maxRecordBytes - 64 * 1024;
        if (bytes > room) {
            throw new RecordRejectedException(
                    ErrorType.VALIDATION,
                    String.format(
                            java.util.Locale.ROOT,
                            "the %s is %.1f MB, more than a record may hold (max.message.bytes %.1f MB): raise"
                                    + " max.message.bytes on the brokers, the topics, the mirror and the applications,"
                                    + " or send a smaller image",
                            what,
                            bytes / 1048576.0,
                            maxRecordBytes / 1048576.0));
        }
    }

    /** Whether a {@code width x height} image runs alone in the large-image lane. */
    public boolean inLane(int width, int height) {
        return Math.max(width, height) > laneSide;
    }

    /** The default sizes with the given linger and size limit. */
    public static BatchSettings defaults(Duration linger, int maxImageSide) {
        return new BatchSettings(parseSizes(DEFAULT_SIZES), linger, maxImageSide);
    }

    /** The same batch size for every image size (tests, benchmarks). */
    public static BatchSettings uniform(int size, Duration linger, int maxImageSide) {
        return new BatchSettings(new TreeMap<>(Map.of(Integer.MAX_VALUE, size)), linger, maxImageSide);
    }

    /** Batch size for a {@code width x height} image: the class of the smallest bound at least its longer side. */
    public int batchSizeFor(int width, int height) {
        Map.Entry<Integer, Integer> e = sizesBySide.ceilingEntry(Math.max(width, height));
        return e == null ? 1 : e.getValue();
    }

    /**
     * Parses {@code "256:8,512:4,*:1"}: comma-separated {@code maxSide:batchSize}, {@code *} for larger images.
     * Without a {@code *} entry, images larger than every bound run one at a time.
     */
    public static NavigableMap<Integer, Integer> parseSizes(String spec) {
        NavigableMap<Integer, Integer> out = new TreeMap<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "batch size entry '" + p + "' is not maxSide:batchSize (e.g. 256:8 or *:1)");
            }
            String side = p.substring(0, colon).trim();
            String size = p.substring(colon + 1).trim();
            try {
                int bound = side.equals("*") ? Integer.MAX_VALUE : Integer.parseInt(side);
                int n = Integer.parseInt(size);
                if (bound <= 0 || n <= 0) {
                    throw new IllegalArgumentException("batch size entry '" + p + "' must use positive numbers");
                }
                if (out.put(bound, n) != null) {
                    throw new IllegalArgumentException("batch size entry '" + p + "' repeats side " + side);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "batch size entry '" + p + "' is not maxSide:batchSize (e.g. 256:8 or *:1)");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no batch sizes in '" + spec + "'");
        }
        return out;
    }
}
