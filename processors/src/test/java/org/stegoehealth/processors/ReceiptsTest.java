package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.ReceiptKind;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.StudyReferences;
import org.stegoehealth.security.Verifier;

class ReceiptsTest {

    private static final Instant AT = Instant.parse("2026-12-07T08:00:00Z");

    private final Optional<Verifier> atHospital = Receipts.clinicSigners(TestKeys.hospitalKeyring());

    private static ReceiptEvent reviewed(Keyring clinic) {
        return new Receipts.Issuer(clinic, "hospital")
                .issue(ReceiptKind.REVIEWED, "m-1", AT, "dr-lee", "sealed", "sealed-1", "ACC-1");
    }

    private String refusal(ReceiptEvent r) {
        RecordRejectedException e = assertThrows(RecordRejectedException.class, () -> Receipts.verify(r, atHospital));
        assertEquals(ErrorType.TAMPERED, e.type());
        return e.getMessage();
    }

    @Test
    void aReceiptSignedByTheClinic_verifiesAtTheHospital_andItsStudyReferenceOpensThereOnly() {
        ReceiptEvent r = reviewed(TestKeys.clinic().keyring());
        assertEquals("clinic", Receipts.verify(r, atHospital));
        assertEquals("dr-lee", r.getReviewer());
        byte[] sealed = TestImages.bytes(r.getSealedStudyRef());
        assertEquals("ACC-1", new StudyReferences(TestKeys.hospitalKeyring()).open("m-1", sealed));
        assertThrows(
                RuntimeException.class,
                () -> new StudyReferences(TestKeys.clinic().keyring()).open("m-1", sealed));
        ReceiptEvent recovered = new Receipts.Issuer(TestKeys.clinic().keyring(), "hospital")
                .issue(ReceiptKind.RECOVERED, "m-2", AT, "ignored", "neural", "v1", null);
        assertNull(recovered.getReviewer(), "only a REVIEWED receipt names a reviewer");
        assertNull(recovered.getSealedStudyRef());
        assertEquals("clinic", Receipts.verify(recovered, atHospital));
    }

    @Test
    void aChangedField_isTampered() {
        ReceiptEvent r = reviewed(TestKeys.clinic().keyring());
        assertTrue(refusal(ReceiptEvent.newBuilder(r).setMessageId("m-2").build())
                .contains("does not match the signed data"));
        refusal(ReceiptEvent.newBuilder(r).setKind(ReceiptKind.RECOVERED).build());
        refusal(ReceiptEvent.newBuilder(r).setAt(AT.plusSeconds(1)).build());
        refusal(ReceiptEvent.newBuilder(r).setReviewer("someone-else").build());
        refusal(ReceiptEvent.newBuilder(r)
                .setSealedStudyRef(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build());
        assertTrue(
                refusal(ReceiptEvent.newBuilder(r).setSignature(null).build()).contains("unsigned"));
    }

    @Test
    void aReceiptSignedByAWrongKey_isRefused_aStrangerTheHospitalItselfOrAnotherClinicsName() {
        // a clinic the hospital never imported
        assertTrue(refusal(reviewed(TestKeys.otherClinic().keyring())).contains("not a trusted signing key"));
        // the hospital's own key is not a clinic's
        ReceiptEvent byHospital = Receipts.sign(
                reviewed(TestKeys.clinic().keyring()),
                TestKeys.hospitalKeyring().signer());
        assertTrue(refusal(byHospital).contains("signed by 'hospital'"), refusal(byHospital));
        assertTrue(refusal(byHospital).contains("not trusted to sign receipts"), refusal(byHospital));
        // the clinic's genuine key, naming another clinic
        ReceiptEvent renamed = Receipts.sign(
                ReceiptEvent.newBuilder(reviewed(TestKeys.clinic().keyring()))
                        .setClinic("other-clinic")
                        .build(),
                TestKeys.clinic().keyring().signer());
        assertTrue(refusal(renamed).contains("names clinic 'other-clinic' but is signed by 'clinic'"));
        // a hospital that imported no clinic accepts no receipt
        assertThrows(
                RecordRejectedException.class,
                () -> Receipts.verify(reviewed(TestKeys.clinic().keyring()), Optional.empty()));
    }
}
