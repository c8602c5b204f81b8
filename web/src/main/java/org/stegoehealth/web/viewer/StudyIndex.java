package org.stegoehealth.web.viewer;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The worklist's data: every study the clinic received, newest first, in memory, without pixels (a study reads its
 * PNG through {@link RecoveredImages}). Filled by {@link ClinicFeed} from the clinic's topics (which keep them for
 * their retention, a week by default), so a restart reads it back from Kafka; nothing else stores it. Listeners hear
 * of each new study (live arrivals).
 */
public final class StudyIndex {

    /** Which studies a worklist shows: a study reference substring (case-insensitive) and received dates, in UTC. */
    public record Filter(String studyRef, LocalDate from, LocalDate to) {

        public static final Filter ALL = new Filter(null, null, null);

        public boolean matches(Study s) {
            if (studyRef != null && !studyRef.isBlank()) {
                if (s.studyRef() == null
                        || !s.studyRef()
                                .toLowerCase(Locale.ROOT)
                                .contains(studyRef.strip().toLowerCase(Locale.ROOT))) {
                    return false;
                }
            }
            LocalDate day = s.receivedAt().atZone(ZoneOffset.UTC).toLocalDate();
            return (from == null || !day.isBefore(from)) && (to == null || !day.isAfter(to));
        }
    }

    /** One page of a filtered worklist (pages count from 1). */
    public record Page(List<Study> studies, int page, int pages, int total) {}

    private static final Comparator<Study> NEWEST_FIRST =
            Comparator.comparing(Study::receivedAt).reversed().thenComparing(Study::id);

    private final List<Study> studies = new ArrayList<>();
    private final Map<String, Study> byId = new HashMap<>();
    private final List<Consumer<Study>> listeners = new CopyOnWriteArrayList<>();

    /** Adds {@code study}; one with an id already known (a record read again) is ignored. */
    public void add(Study study) {
        synchronized (this) {
            if (byId.putIfAbsent(study.id(), study) != null) {
                return;
            }
            int at = java.util.Collections.binarySearch(studies, study, NEWEST_FIRST);
            studies.add(at < 0 ? -at - 1 : at, study);
        }
        for (Consumer<Study> l : listeners) {
            l.accept(study);
        }
    }

    public synchronized Optional<Study> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public synchronized int size() {
        return studies.size();
    }

    /** Page {@code page} (from 1; past the end gives the last) of the studies {@code filter} matches, newest first. */
    public synchronized Page page(Filter filter, int page, int pageSize) {
        List<Study> matching = new ArrayList<>();
        for (Study s : studies) {
            if (filter.matches(s)) {
                matching.add(s);
            }
        }
        int pages = Math.max(1, (matching.size() + pageSize - 1) / pageSize);
        int p = Math.min(Math.max(1, page), pages);
        int start = (p - 1) * pageSize;
        return new Page(
                List.copyOf(matching.subList(start, Math.min(matching.size(), start + pageSize))),
                p,
                pages,
                matching.size());
    }

    /** Calls {@code listener} with every study added from now on; the returned handle stops it. */
    public AutoCloseable listen(Consumer<Study> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
