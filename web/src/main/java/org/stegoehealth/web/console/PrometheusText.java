package org.stegoehealth.web.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The samples of a Prometheus text exposition ({@code /metrics} of the streaming applications). */
public final class PrometheusText {

    /** One sample: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private PrometheusText() {}

    /** Every sample in {@code text}; comment lines and lines that do not parse are skipped. */
    public static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                samples.add(sample(line));
            } catch (RuntimeException e) {
                // not a sample line: skipped
            }
        }
        return samples;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space;
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0 && brace < line.indexOf(' ')) {
            name = line.substring(0, brace);
            int close = line.indexOf('}', brace);
            String inside = line.substring(brace + 1, close);
            int i = 0;
            while (i < inside.length()) {
                int eq = inside.indexOf('=', i);
                if (eq < 0) {
                    break;
                }
                String key =
                        inside.substring(i, eq).strip().replaceFirst("^,", "").strip();
                int start = inside.indexOf('"', eq) + 1;
                StringBuilder value = new StringBuilder();
                int j = start;
                while (j < inside.length() && inside.charAt(j) != '"') {
                    if (inside.charAt(j) == '\\' && j + 1 < inside.length()) {
                        j++;
                    }
                    value.append(inside.charAt(j));
                    j++;
                }
                labels.put(key, value.toString());
                i = j + 1;
            }
            space = close + 1;
        } else {
            space = line.indexOf(' ');
            name = line.substring(0, space);
        }
        String[] rest = line.substring(space).strip().split("\\s+");
        return new Sample(name, labels, Double.parseDouble(rest[0]));
    }

    /** The sum of the samples named {@code name} (NaN if none). */
    public static double sum(List<Sample> samples, String name) {
        double total = 0;
        boolean any = false;
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                total += s.value();
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    /** The first sample named {@code name} with label {@code key=value}, NaN if none. */
    public static double first(List<Sample> samples, String name, String key, String value) {
        for (Sample s : samples) {
            if (s.name().equals(name) && value.equals(s.labels().get(key))) {
                return s.value();
            }
        }
        return Double.NaN;
    }

    /** The value of label {@code key} on the first sample named {@code name}, or null. */
    public static String label(List<Sample> samples, String name, String key) {
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().containsKey(key)) {
                return s.labels().get(key);
            }
        }
        return null;
    }
}
