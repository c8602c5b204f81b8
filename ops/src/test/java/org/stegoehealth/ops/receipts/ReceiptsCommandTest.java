package org.stegoehealth.ops.receipts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stegoehealth.ops.StegoCli;
import org.stegoehealth.processors.cli.CliRun;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.processors.receipts.ReceiptStatus;
import org.stegoehealth.schemas.ReceiptKind;

class ReceiptsCommandTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");

    private static ReceiptLedger.Reading reading() {
        return new ReceiptLedger.Reading(
                ReceiptStatus.of(
                        List.of(
                                new ReceiptStatus.Sent("m1", "clinic-a", NOW.minusSeconds(3600), "sealed", "sealed-1"),
                                new ReceiptStatus.Sent("m2", "clinic-b", NOW.minusSeconds(1800), "neural", "v1")),
                        List.of(
                                new ReceiptStatus.Receipt(
                                        "m1", "clinic-a", ReceiptKind.RECOVERED, NOW.minusSeconds(3590), null, "ACC-1"),
                                new ReceiptStatus.Receipt(
                                        "m1", "clinic-a", ReceiptKind.REVIEWED, NOW.minusSeconds(60), "dr-lee", null)),
                        NOW,
                        Duration.ofMinutes(10)),
                List.of(
                        "TAMPERED: receipt RECOVERED of m9: signed with key 0a0b0c0d, which is not a trusted signing key"));
    }

    @Test
    void theTable_listsEachStudy_eachClinicsCounts_andTheRefusedReceipts() {
        StringWriter text = new StringWriter();
        ReceiptsCommand.print(new PrintWriter(text), reading(), null);
        String out = text.toString();
        assertTrue(
                out.contains(
                        "clinic-a: 1 sent, 1 acknowledged, 1 reviewed, 0 overdue (no RECOVERED receipt after 10m)"),
                out);
        assertTrue(out.contains("clinic-b: 1 sent, 0 acknowledged, 0 reviewed, 1 overdue"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("m2") && l.endsWith("OVERDUE")), out);
        assertTrue(
                out.lines().anyMatch(l -> l.contains("ACC-1") && l.contains("dr-lee") && l.endsWith("REVIEWED")), out);
        assertTrue(out.contains("refused: 1 receipt(s)"), out);

        StringWriter one = new StringWriter();
        ReceiptsCommand.print(new PrintWriter(one), reading(), "clinic-a");
        assertTrue(!one.toString().contains("clinic-b"), one.toString());
    }

    @Test
    void theJsonDocument_holdsTheSameFigures() {
        Map<String, Object> doc = ReceiptsCommand.document(reading(), "clinic-b");
        assertEquals(
                List.of(Map.of("clinic", "clinic-b", "sent", 1, "acknowledged", 0, "reviewed", 0, "overdue", 1)),
                doc.get("clinics"));
        assertEquals(600L, doc.get("overdueAfterSeconds"));
    }

    @Test
    void aBadOverdueValue_isRefusedInOneLine_beforeAnythingRuns() {
        CliRun run = CliRun.run(new StegoCli(), "receipts", "--overdue", "-5m");
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("--overdue"), run.err());
        assertTrue(run.err().contains("-5m is not allowed"), run.err());
        CliRun soon = CliRun.run(new StegoCli(), "receipts", "--overdue", "soon");
        assertTrue(soon.err().contains("'soon' is not a duration"), soon.err());
        assertEquals("10m", ReceiptsCommand.describe(Duration.ofMinutes(10)));
        assertEquals("90s", ReceiptsCommand.describe(Duration.ofSeconds(90)));
    }
}
