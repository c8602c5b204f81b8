package org.stegoehealth.processors.receipts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stegoehealth.processors.receipts.ReceiptStatus.Receipt;
import org.stegoehealth.processors.receipts.ReceiptStatus.Sent;
import org.stegoehealth.processors.receipts.ReceiptStatus.State;
import org.stegoehealth.schemas.ReceiptKind;

class ReceiptStatusTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private static Sent sent(String id, String clinic, Duration ago) {
        return new Sent(id, clinic, NOW.minus(ago), "neural", "v1");
    }

    private static Receipt receipt(String id, String clinic, ReceiptKind kind, Duration ago) {
        return new Receipt(
                id, clinic, kind, NOW.minus(ago), kind == ReceiptKind.REVIEWED ? "dr-lee" : null, "ACC-" + id);
    }

    private static State state(ReceiptStatus status, String id) {
        return status.studies().stream()
                .filter(s -> s.sent().messageId().equals(id))
                .findFirst()
                .orElseThrow()
                .state();
    }

    @Test
    void aStudyWithoutARecoveredReceipt_isOverdueOnlyOnceOlderThanTheThreshold() {
        ReceiptStatus status = ReceiptStatus.of(
                List.of(
                        sent("young", "a", Duration.ofMinutes(9)),
                        sent("exactly", "a", TEN_MINUTES),
                        sent("old", "a", Duration.ofMinutes(11))),
                List.of(),
                NOW,
                TEN_MINUTES);
        assertEquals(State.WAITING, state(status, "young"));
        assertEquals(State.WAITING, state(status, "exactly"), "overdue means strictly longer than the threshold");
        assertEquals(State.OVERDUE, state(status, "old"));
        assertEquals(
                List.of("old"),
                status.overdue().stream().map(s -> s.sent().messageId()).toList());
        assertEquals(List.of(new ReceiptStatus.Clinic("a", 3, 0, 0, 1)), status.clinics());
    }

    @Test
    void aRecoveredReceipt_acknowledges_andAReviewedOneMarksItReviewed_perClinic() {
        ReceiptStatus status = ReceiptStatus.of(
                List.of(
                        sent("m1", "a", Duration.ofHours(2)),
                        sent("m2", "a", Duration.ofHours(1)),
                        sent("m3", "b", Duration.ofHours(1)),
                        sent("m4", "b", Duration.ofMinutes(1))),
                List.of(
                        receipt("m1", "a", ReceiptKind.RECOVERED, Duration.ofMinutes(110)),
                        receipt("m1", "a", ReceiptKind.REVIEWED, Duration.ofMinutes(100)),
                        receipt("m2", "a", ReceiptKind.RECOVERED, Duration.ofMinutes(50))),
                NOW,
                TEN_MINUTES);
        assertEquals(State.REVIEWED, state(status, "m1"));
        assertEquals(State.ACKNOWLEDGED, state(status, "m2"));
        assertEquals(State.OVERDUE, state(status, "m3"));
        assertEquals(State.WAITING, state(status, "m4"));
        assertEquals(
                List.of(new ReceiptStatus.Clinic("a", 2, 2, 1, 0), new ReceiptStatus.Clinic("b", 2, 0, 0, 1)),
                status.clinics());
        ReceiptStatus.Study m1 = status.studies("a").get(1);
        assertEquals("m1", m1.sent().messageId());
        assertEquals("dr-lee", m1.reviewed().reviewer());
        assertEquals("ACC-m1", m1.studyRef());
        assertEquals(
                List.of("m4", "m2", "m3", "m1"),
                status.studies().stream().map(s -> s.sent().messageId()).toList(),
                "newest first, then by clinic");
    }

    @Test
    void aReceiptCountsOnlyForTheClinicItWasSentTo_andRepeatsCountOnce_theEarliest() {
        ReceiptStatus status = ReceiptStatus.of(
                List.of(sent("m1", "a", Duration.ofHours(1)), sent("m1", "a", Duration.ofMinutes(30))),
                List.of(
                        receipt("m1", "b", ReceiptKind.RECOVERED, Duration.ofMinutes(50)),
                        receipt("m1", "a", ReceiptKind.RECOVERED, Duration.ofMinutes(20)),
                        receipt("m1", "a", ReceiptKind.RECOVERED, Duration.ofMinutes(40)),
                        receipt("gone", "a", ReceiptKind.RECOVERED, Duration.ofMinutes(5))),
                NOW,
                TEN_MINUTES);
        assertEquals(1, status.studies().size(), "the same X-ray sent twice to one clinic is one study");
        ReceiptStatus.Study m1 = status.studies().get(0);
        assertEquals(NOW.minus(Duration.ofHours(1)), m1.sent().sentAt(), "sent first");
        assertEquals(NOW.minus(Duration.ofMinutes(40)), m1.recovered().at(), "the earliest receipt");
        assertNull(m1.reviewed());
        assertEquals(2, status.unmatched(), "clinic b's receipt for a's study, and one for a study not on the topic");
        assertEquals(List.of(new ReceiptStatus.Clinic("a", 1, 1, 0, 0)), status.clinics());
    }

    @Test
    void aReviewedReceiptAlone_doesNotAcknowledge() {
        ReceiptStatus status = ReceiptStatus.of(
                List.of(sent("m1", "a", Duration.ofHours(1))),
                List.of(receipt("m1", "a", ReceiptKind.REVIEWED, Duration.ofMinutes(5))),
                NOW,
                TEN_MINUTES);
        assertEquals(State.OVERDUE, state(status, "m1"));
        assertEquals(List.of(new ReceiptStatus.Clinic("a", 1, 0, 1, 1)), status.clinics());
    }

    @Test
    void aNegativeThreshold_isRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ReceiptStatus.of(List.of(), List.of(), NOW, Duration.ofMinutes(-1)));
        assertTrue(ReceiptStatus.of(List.of(), List.of(), NOW, Duration.ZERO)
                .studies()
                .isEmpty());
        assertFalse(ReceiptStatus.isOverdue(NOW, NOW, Duration.ZERO));
    }
}
