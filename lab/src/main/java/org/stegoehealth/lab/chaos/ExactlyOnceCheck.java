package org.stegoehealth.lab.chaos;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The verdict on one run: every sent message id recovered exactly once, nothing else recovered, no dead letter.
 *
 * @param sent        how many distinct message ids were sent
 * @param lost        sent ids with no recovered record
 * @param duplicated  sent ids with more than one recovered record, and how many each had
 * @param unexpected  recovered ids that were never sent
 * @param deadLetters the dead letters' original keys (null keys as {@code "(no key)"})
 */
public record ExactlyOnceCheck(
        int sent, Set<String> lost, Map<String, Integer> duplicated, Set<String> unexpected, List<String> deadLetters) {

    /**
     * @param sentIds         the message ids published
     * @param recoveredCounts recovered records per message id, as a read_committed consumer counted them
     * @param deadLetterKeys  the original key of every dead letter read
     */
    public static ExactlyOnceCheck of(
            Collection<String> sentIds, Map<String, Integer> recoveredCounts, List<String> deadLetterKeys) {
        Set<String> wanted = Set.copyOf(sentIds);
        Set<String> lost = new TreeSet<>();
        Map<String, Integer> duplicated = new TreeMap<>();
        for (String id : wanted) {
            int n = recoveredCounts.getOrDefault(id, 0);
            if (n == 0) {
                lost.add(id);
            } else if (n > 1) {
                duplicated.put(id, n);
            }
        }
        Set<String> unexpected = new TreeSet<>(recoveredCounts.keySet());
        unexpected.removeAll(wanted);
        List<String> dead =
                deadLetterKeys.stream().map(k -> k == null ? "(no key)" : k).toList();
        return new ExactlyOnceCheck(wanted.size(), lost, duplicated, unexpected, dead);
    }

    /** How many sent ids came out exactly once. */
    public int exactlyOnce() {
        return sent - lost.size() - duplicated.size();
    }

    public boolean passed() {
        return lost.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty() && deadLetters.isEmpty();
    }

    /** One line: the counts, and the first few offending ids when there are any. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(
                "%d of %d recovered exactly once; %d lost, %d duplicated, %d unexpected, %d dead letter(s)",
                exactlyOnce(), sent, lost.size(), duplicated.size(), unexpected.size(), deadLetters.size()));
        appendSome(sb, "lost", lost);
        appendSome(sb, "duplicated", duplicated.keySet());
        appendSome(sb, "unexpected", unexpected);
        appendSome(sb, "dead-lettered", deadLetters);
        return sb.toString();
    }

    private static void appendSome(StringBuilder sb, String what, Collection<String> ids) {
        if (!ids.isEmpty()) {
            sb.append("; ").append(what).append(": ");
            sb.append(String.join(", ", ids.stream().limit(3).toList()));
            if (ids.size() > 3) {
                sb.append(", ...");
            }
        }
    }
}
