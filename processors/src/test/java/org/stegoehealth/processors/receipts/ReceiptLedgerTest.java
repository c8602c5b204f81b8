package org.stegoehealth.processors.receipts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.processors.Receipts;
import org.stegoehealth.schemas.InMemorySchemaRegistry;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.ReceiptKind;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.KeyringPair;

class ReceiptLedgerTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void onlyReceiptsSignedByTheClinicTheyName_count_andTheOthersAreRefusedWithTheirReason() {
        KeyringPair pair = KeyringPair.create(dir.resolve("pair"));
        Keyring stranger = Keyring.init(dir.resolve("stranger"), pair.clinic().name())
                .importPublic(pair.hospital().exportPublic(Optional.empty()), "hospital", false)
                .keyring();
        String clinic = pair.clinic().name();
        ReceiptLedger ledger = new ReceiptLedger(
                new Properties(),
                new Topics("t.", new InMemorySchemaRegistry(), 1),
                pair.hospital(),
                Clock.fixed(NOW, ZoneOffset.UTC));
        Receipts.Issuer genuine =
                new Receipts.Issuer(pair.clinic(), pair.hospital().name());
        // a stranger's keyring under the clinic's very name: its key is not the one the hospital imported
        Receipts.Issuer forger = new Receipts.Issuer(stranger, pair.hospital().name());
        Instant at = NOW.minusSeconds(60);
        ReceiptEvent good = genuine.issue(ReceiptKind.RECOVERED, "m1", at, null, "neural", "v1", "ACC-1");
        ReceiptEvent forged = forger.issue(ReceiptKind.RECOVERED, "m2", at, null, "neural", "v1", null);
        ReceiptEvent tampered = ReceiptEvent.newBuilder(
                        genuine.issue(ReceiptKind.RECOVERED, "m3", at, null, "neural", "v1", null))
                .setMessageId("m2")
                .build();
        List<ReceiptStatus.Sent> sent = List.of(
                new ReceiptStatus.Sent("m1", clinic, NOW.minusSeconds(3600), "neural", "v1"),
                new ReceiptStatus.Sent("m2", clinic, NOW.minusSeconds(3600), "neural", "v1"));

        ReceiptLedger.Reading reading =
                ledger.assess(sent, List.of(good, forged, tampered), List.of(), Duration.ofMinutes(10));

        assertEquals(
                List.of(new ReceiptStatus.Clinic(clinic, 2, 1, 0, 1)),
                reading.status().clinics());
        assertEquals(
                "ACC-1",
                reading.status().studies(clinic).stream()
                        .filter(s -> s.sent().messageId().equals("m1"))
                        .findFirst()
                        .orElseThrow()
                        .studyRef());
        assertEquals(2, reading.refused().size(), reading.refused().toString());
        assertTrue(
                reading.refused().get(0).startsWith("TAMPERED: receipt RECOVERED of m2: signed with key"),
                reading.refused().get(0));
        assertTrue(
                reading.refused().get(1).contains("does not match the signed data"),
                reading.refused().get(1));
    }
}
