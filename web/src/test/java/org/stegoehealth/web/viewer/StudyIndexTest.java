package org.stegoehealth.web.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StudyIndexTest {

    private static final Instant DAY1 = Instant.parse("2026-12-05T10:00:00Z");

    private static StudyIndex indexOf(int n) {
        StudyIndex index = new StudyIndex();
        // added out of order, as two partitions would deliver them
        for (int i = n - 1; i >= 0; i -= 2) {
            index.add(TestStudies.neural("m" + i, "REF-" + i, DAY1.plusSeconds(3600L * i)));
        }
        for (int i = n - 2; i >= 0; i -= 2) {
            index.add(TestStudies.neural("m" + i, "REF-" + i, DAY1.plusSeconds(3600L * i)));
        }
        return index;
    }

    @Test
    void pagesListNewestFirstAndThePageNumberIsClamped() {
        StudyIndex index = indexOf(120);
        StudyIndex.Page first = index.page(StudyIndex.Filter.ALL, 1, 50);
        assertEquals(3, first.pages());
        assertEquals(120, first.total());
        assertEquals("m119", first.studies().get(0).id());
        assertEquals("m70", first.studies().get(49).id());
        StudyIndex.Page last = index.page(StudyIndex.Filter.ALL, 9, 50);
        assertEquals(3, last.page());
        assertEquals(20, last.studies().size());
        assertEquals("m0", last.studies().get(19).id());
        assertEquals(1, index.page(StudyIndex.Filter.ALL, -4, 50).page());
    }

    @Test
    void filterTakesAPartOfTheStudyReferenceAndInclusiveUtcDates() {
        StudyIndex index = indexOf(72); // 3 days of one study an hour
        assertEquals(
                24,
                index.page(
                                new StudyIndex.Filter(
                                        null, LocalDate.parse("2026-12-06"), LocalDate.parse("2026-12-06")),
                                1,
                                100)
                        .total());
        assertEquals(
                34,
                index.page(new StudyIndex.Filter(null, LocalDate.parse("2026-12-07"), null), 1, 100)
                        .total());
        List<String> refs = new ArrayList<>();
        index.page(new StudyIndex.Filter("ref-7", null, null), 1, 100).studies().forEach(s -> refs.add(s.studyRef()));
        assertEquals(List.of("REF-71", "REF-70", "REF-7"), refs);
        assertEquals(
                0,
                index.page(new StudyIndex.Filter("nothing", null, null), 1, 100).total());
    }

    @Test
    void aStudyReadAgainIsKeptOnceAndListenersHearNewOnesOnly() {
        StudyIndex index = new StudyIndex();
        List<String> heard = new ArrayList<>();
        index.listen(s -> heard.add(s.id()));
        index.add(TestStudies.neural(DAY1));
        index.add(TestStudies.neural(DAY1));
        index.add(TestStudies.tampered(DAY1));
        assertEquals(2, index.size());
        assertEquals(List.of("msg-neural-1", "failed-0-7"), heard);
    }
}
