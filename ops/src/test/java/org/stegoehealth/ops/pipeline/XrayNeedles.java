package org.stegoehealth.ops.pipeline;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.stegoehealth.model.Images;

/**
 * What of a set of X-rays a cluster must not hold, searched for in every record: a record key, value or header holds
 * (1) any 64-byte window of an X-ray file, so a partial copy is found as well as a whole one; (2) any 64-byte window of
 * the X-ray's decoded 8-bit gray pixel rows, as raw pixels would sit in an uncompressed buffer, a tensor dump or a raw
 * image field; windows with fewer than 16 distinct byte values (black borders, saturated areas) are left out, because
 * such runs occur in any binary data and prove nothing; (3) a study reference (the file name without its extension),
 * as UTF-8 text. Windows are found by rolling hash. Probe records ({@code aborted-UUID}, {@code committed-UUID}) are
 * reported too.
 */
/** What is searched for: windows of files and pixel rows (by rolling hash), study references and probes. */
final class XrayNeedles {

    private static final int WINDOW = 64;
    private static final int MIN_DISTINCT = 16;

    private static final long BASE = 1_000_003L;
    private final Map<Long, List<Map.Entry<byte[], String>>> windows = new HashMap<>();
    private final Map<byte[], String> strings = new LinkedHashMap<>();
    private final long topPower;

    XrayNeedles(List<Path> xrays) throws IOException {
        long power = 1;
        for (int i = 1; i < WINDOW; i++) {
            power *= BASE;
        }
        topPower = power;
        for (Path x : xrays) {
            String name = x.getFileName().toString();
            byte[] file = Files.readAllBytes(x);
            addWindows(file, WINDOW, "file " + name);
            BufferedImage decoded = Images.decode(file, name);
            BufferedImage gray =
                    new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            gray.getGraphics().drawImage(decoded, 0, 0, null);
            byte[] rows = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
            int width = gray.getWidth();
            for (int y = 0; y < gray.getHeight(); y++) {
                byte[] row = Arrays.copyOfRange(rows, y * width, (y + 1) * width);
                addWindows(row, WINDOW / 2, "pixels " + name);
            }
            strings.put(stem(name).getBytes(StandardCharsets.UTF_8), "study " + stem(name));
        }
    }

    private void addWindows(byte[] bytes, int step, String label) {
        for (int at = 0; at + WINDOW <= bytes.length; at += step) {
            byte[] w = Arrays.copyOfRange(bytes, at, at + WINDOW);
            if (distinct(w) >= MIN_DISTINCT) {
                windows.computeIfAbsent(hash(w, 0), k -> new ArrayList<>()).add(Map.entry(w, label));
            }
        }
    }

    private static int distinct(byte[] w) {
        boolean[] seen = new boolean[256];
        int n = 0;
        for (byte b : w) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                n++;
            }
        }
        return n;
    }

    private static long hash(byte[] b, int from) {
        long h = 0;
        for (int i = from; i < from + WINDOW; i++) {
            h = h * BASE + (b[i] & 0xff);
        }
        return h;
    }

    /** Adds to {@code hits}, under the record's topic, what of the X-rays its key, value and headers hold. */
    void search(ConsumerRecord<byte[], byte[]> r, Map<String, Set<String>> hits) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(r.key());
        parts.add(r.value());
        for (Header h : r.headers()) {
            parts.add(h.key().getBytes(StandardCharsets.UTF_8));
            parts.add(h.value());
        }
        for (byte[] part : parts) {
            if (part != null) {
                search(part, hits.computeIfAbsent(r.topic(), t -> new TreeSet<>()));
            }
        }
        hits.values().removeIf(Set::isEmpty);
    }

    private void search(byte[] data, Set<String> found) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        for (Map.Entry<byte[], String> s : strings.entrySet()) {
            if (text.contains(new String(s.getKey(), StandardCharsets.ISO_8859_1))) {
                found.add(s.getValue());
            }
        }
        if (text.contains("aborted-") || text.contains("committed-")) {
            for (String marker : new String[] {"aborted-", "committed-"}) {
                int at = text.indexOf(marker);
                if (at >= 0 && at + marker.length() + 36 <= text.length()) {
                    found.add("probe " + text.substring(at, at + marker.length() + 36));
                }
            }
        }
        if (data.length < WINDOW) {
            return;
        }
        long h = hash(data, 0);
        for (int at = 0; ; at++) {
            List<Map.Entry<byte[], String>> candidates = windows.get(h);
            if (candidates != null) {
                for (Map.Entry<byte[], String> c : candidates) {
                    if (Arrays.equals(c.getKey(), 0, WINDOW, data, at, at + WINDOW)) {
                        found.add(c.getValue());
                    }
                }
            }
            if (at + WINDOW >= data.length) {
                return;
            }
            h = (h - (data[at] & 0xff) * topPower) * BASE + (data[at + WINDOW] & 0xff);
        }
    }

    /** A file name without its extension: the study reference the producers take from it. */
    static String stem(String name) {
        return name.substring(0, name.lastIndexOf('.'));
    }
}
