package org.stegoehealth.processors.receipts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.stegoehealth.schemas.ReceiptKind;

/**
 * What each clinic acknowledged, at one instant: for every study sent (a stego event on the hospital's outbound
 * topic), its first RECOVERED and first REVIEWED receipt, and whether it is overdue: sent longer ago than the
 * threshold without a RECOVERED receipt. A receipt counts only for the study sent to the clinic that signed it;
 * repeats (a receipt copied again after a mirror restart) count once, the earliest. Pure: the receipts are already
 * verified ({@link ReceiptLedger}).
 */
public final class ReceiptStatus {

    /** One study sent: a stego event for {@code clinic}. */
    public record Sent(String messageId, String clinic, Instant sentAt, String hidingMethod, String modelVersion) {}

    /** A verified receipt; {@code studyRef} opened with the hospital's key, null when it carried none. */
    public record Receipt(
            String messageId, String clinic, ReceiptKind kind, Instant at, String reviewer, String studyRef) {}

    /** Where a study stands. */
    public enum State {
        /** Sent, no RECOVERED receipt yet, within the threshold. */
        WAITING,
        /** Sent longer ago than the threshold without a RECOVERED receipt. */
        OVERDUE,
        /** The clinic recovered it. */
        ACKNOWLEDGED,
        /** The clinic recovered it and a clinician opened it. */
        REVIEWED
    }

    /**
     * One study sent and what came back.
     *
     * @param recovered the RECOVERED receipt, or null
     * @param reviewed the REVIEWED receipt, or null (a REVIEWED receipt without a RECOVERED one still counts as
     *     reviewed, but the study is acknowledged only by its RECOVERED receipt)
     */
    public record Study(Sent sent, Receipt recovered, Receipt reviewed, State state) {

        /** The study reference from the clinic's receipts, or null when no receipt carried one. */
        public String studyRef() {
            if (recovered != null && recovered.studyRef() != null) {
                return recovered.studyRef();
            }
            return reviewed == null ? null : reviewed.studyRef();
        }
    }

    /** One clinic's counts. */
    public record Clinic(String clinic, int sent, int acknowledged, int reviewed, int overdue) {}

    private final Instant now;
    private final Duration overdueAfter;
    private final List<Study> studies;
    private final List<Clinic> clinics;
    private final int unmatched;

    private ReceiptStatus(
            Instant now, Duration overdueAfter, List<Study> studies, List<Clinic> clinics, int unmatched) {
        this.now = now;
        this.overdueAfter = overdueAfter;
        this.studies = studies;
        this.clinics = clinics;
        this.unmatched = unmatched;
    }

    /**
     * The status at {@code now} of the studies {@code sent}, given the verified {@code receipts}.
     *
     * @param overdueAfter how long a study may go without a RECOVERED receipt
     */
    public static ReceiptStatus of(List<Sent> sent, List<Receipt> receipts, Instant now, Duration overdueAfter) {
        if (overdueAfter.isNegative()) {
            throw new IllegalArgumentException("the overdue threshold cannot be negative");
        }
        // the same X-ray sent again to the same clinic keeps its message id: one study, sent first at the earliest
        Map<String, Sent> byKey = new HashMap<>();
        for (Sent s : sent) {
            byKey.merge(key(s.clinic(), s.messageId()), s, (a, b) -> a.sentAt().isAfter(b.sentAt()) ? b : a);
        }
        Map<String, Receipt> recovered = new HashMap<>();
        Map<String, Receipt> reviewed = new HashMap<>();
        int unmatched = 0;
        for (Receipt r : receipts) {
            String k = key(r.clinic(), r.messageId());
            if (!byKey.containsKey(k)) {
                unmatched++; // sent to another clinic, or sent before the outbound topic's retention
                continue;
            }
            Map<String, Receipt> first = r.kind() == ReceiptKind.RECOVERED ? recovered : reviewed;
            first.merge(k, r, (a, b) -> a.at().isAfter(b.at()) ? b : a);
        }
        List<Study> studies = new ArrayList<>();
        Map<String, int[]> counts = new TreeMap<>();
        for (Map.Entry<String, Sent> e : byKey.entrySet()) {
            Sent s = e.getValue();
            Receipt rec = recovered.get(e.getKey());
            Receipt rev = reviewed.get(e.getKey());
            State state;
            if (rec == null) {
                state = isOverdue(s.sentAt(), now, overdueAfter) ? State.OVERDUE : State.WAITING;
            } else {
                state = rev == null ? State.ACKNOWLEDGED : State.REVIEWED;
            }
            studies.add(new Study(s, rec, rev, state));
            int[] c = counts.computeIfAbsent(s.clinic(), x -> new int[4]);
            c[0]++;
            c[1] += rec != null ? 1 : 0;
            c[2] += rev != null ? 1 : 0;
            c[3] += state == State.OVERDUE ? 1 : 0;
        }
        studies.sort(Comparator.comparing((Study st) -> st.sent().sentAt())
                .reversed()
                .thenComparing(st -> st.sent().clinic())
                .thenComparing(st -> st.sent().messageId()));
        List<Clinic> clinics = new ArrayList<>();
        counts.forEach((clinic, c) -> clinics.add(new Clinic(clinic, c[0], c[1], c[2], c[3])));
        return new ReceiptStatus(now, overdueAfter, List.copyOf(studies), List.copyOf(clinics), unmatched);
    }

    /** Overdue: sent strictly longer than {@code overdueAfter} before {@code now}. */
    static boolean isOverdue(Instant sentAt, Instant now, Duration overdueAfter) {
        return Duration.between(sentAt, now).compareTo(overdueAfter) > 0;
    }

    private static String key(String clinic, String messageId) {
        return clinic + "\u0000" + messageId;
    }

    /** Every study sent, newest first. */
    public List<Study> studies() {
        return studies;
    }

    /** The studies sent to {@code clinic}, newest first. */
    public List<Study> studies(String clinic) {
        return studies.stream().filter(s -> s.sent().clinic().equals(clinic)).toList();
    }

    /** The overdue studies, newest first. */
    public List<Study> overdue() {
        return studies.stream().filter(s -> s.state() == State.OVERDUE).toList();
    }

    /** How many of {@code messageIds} were sent and acknowledged (a RECOVERED receipt) by the clinic sent to. */
    public long acknowledged(Collection<String> messageIds) {
        Set<String> wanted = Set.copyOf(messageIds);
        return studies.stream()
                .filter(s -> s.recovered() != null && wanted.contains(s.sent().messageId()))
                .map(s -> s.sent().messageId())
                .distinct()
                .count();
    }

    /** Each clinic sent to, by name. */
    public List<Clinic> clinics() {
        return clinics;
    }

    /** Verified receipts that match no study on the outbound topic (another clinic's, or older than its retention). */
    public int unmatched() {
        return unmatched;
    }

    public Instant now() {
        return now;
    }

    public Duration overdueAfter() {
        return overdueAfter;
    }
}
