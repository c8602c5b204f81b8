package org.stegoehealth.processors;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.stegoehealth.schemas.ReceiptEvent;
import org.stegoehealth.schemas.ReceiptKind;
import org.stegoehealth.security.Canonical;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.SignatureInvalidException;
import org.stegoehealth.security.Signer;
import org.stegoehealth.security.StudyReferences;
import org.stegoehealth.security.TrustedParty;
import org.stegoehealth.security.Verifier;

/**
 * A clinic's signed receipts: made by the extractor (RECOVERED, in the transaction of the recovered X-ray) and by
 * the viewer (REVIEWED, when a clinician first opens a study), verified at the hospital. As for stego events, the
 * clinic's Ed25519 key signs the canonical encoding ({@link Canonical}) of every other field; the study reference
 * travels sealed to the hospital (HPKE, the message id and the hospital's name bound), as it travels sealed to the
 * clinic on the way out.
 */
public final class Receipts {

    private static final String DOMAIN = "stego-ehealth receipt v1";

    private Receipts() {}

    /** The bytes a receipt's signature is made over. */
    public static byte[] signedBytes(ReceiptEvent r) {
        return Canonical.of(DOMAIN)
                .text(r.getMessageId())
                .text(r.getClinic())
                .text(r.getKind().name())
                .number(r.getAt().toEpochMilli())
                .text(r.getReviewer())
                .text(r.getHidingMethod())
                .text(r.getModelVersion())
                .bytes(r.getSealedStudyRef() == null ? null : InputImages.bytes(r.getSealedStudyRef()))
                .text(r.getSigningKeyId())
                .toByteArray();
    }

    /** {@code receipt} with the signer's key id and its signature set. */
    public static ReceiptEvent sign(ReceiptEvent receipt, Signer signer) {
        ReceiptEvent withKey = ReceiptEvent.newBuilder(receipt)
                .setSigningKeyId(signer.keyId())
                .setSignature(null)
                .build();
        withKey.setSignature(ByteBuffer.wrap(signer.sign(signedBytes(withKey))));
        return withKey;
    }

    /**
     * The verifier of receipts at the hospital: only the clinics this keyring imported may sign them, never the
     * hospital's own key; empty when it imported no party.
     */
    public static Optional<Verifier> clinicSigners(Keyring hospital) {
        List<String> clinics = hospital.trusted().stream()
                .map(TrustedParty::name)
                .filter(n -> !n.equals(hospital.name()))
                .toList();
        return clinics.isEmpty()
                ? Optional.empty()
                : Optional.of(hospital.verifier().forSigners("receipts", clinics));
    }

    /**
     * Checks a receipt's signature, and that the clinic it names is the one whose key made it.
     *
     * @param clinics {@link #clinicSigners}; empty refuses every receipt
     * @return the clinic
     * @throws RecordRejectedException TAMPERED with the reason when the receipt does not authenticate
     */
    public static String verify(ReceiptEvent r, Optional<Verifier> clinics) {
        String name = "receipt " + r.getKind() + " of " + printable(r.getMessageId());
        if (clinics.isEmpty()) {
            throw new RecordRejectedException(
                    ErrorType.TAMPERED,
                    name + ": this keyring trusts no clinic (import the clinic's public keys with stego keys"
                            + " import-public)");
        }
        if (r.getSignature() == null) {
            throw new RecordRejectedException(ErrorType.TAMPERED, name + ": unsigned; refused");
        }
        String signer;
        try {
            signer = clinics.get().verify(InputImages.bytes(r.getSignature()), signedBytes(r));
        } catch (SignatureInvalidException e) {
            throw new RecordRejectedException(ErrorType.TAMPERED, name + ": " + e.getMessage(), e);
        }
        if (!signer.equals(r.getClinic())) {
            throw new RecordRejectedException(
                    ErrorType.TAMPERED,
                    name + ": names clinic '" + printable(r.getClinic()) + "' but is signed by '" + signer + "'");
        }
        return signer;
    }

    private static String printable(String s) {
        String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * Makes this clinic's receipts: signed with its keyring's primary signing key, the study reference sealed to the
     * hospital. Thread-safe.
     */
    public static final class Issuer {
        private final Keyring clinic;
        private final String hospital;
        private final StudyReferences studyReferences;

        /**
         * @param clinic this clinic's keyring
         * @param hospital the hospital's keyring name ({@link TransferSecurity#hospital()})
         */
        public Issuer(Keyring clinic, String hospital) {
            this.clinic = clinic;
            this.hospital = hospital;
            this.studyReferences = new StudyReferences(clinic);
        }

        /** The issuer of the clinic {@code security} describes. */
        public static Issuer of(TransferSecurity security) {
            return new Issuer(security.keyring(), security.hospital());
        }

        /** A signed receipt of {@code kind} for one study; {@code reviewer} only for REVIEWED. */
        public ReceiptEvent issue(
                ReceiptKind kind,
                String messageId,
                Instant at,
                String reviewer,
                String hidingMethod,
                String modelVersion,
                String studyRef) {
            return sign(
                    ReceiptEvent.newBuilder()
                            .setMessageId(messageId)
                            .setClinic(clinic.name())
                            .setKind(kind)
                            .setAt(at)
                            .setReviewer(kind == ReceiptKind.REVIEWED ? reviewer : null)
                            .setHidingMethod(hidingMethod)
                            .setModelVersion(modelVersion)
                            .setSealedStudyRef(
                                    studyRef == null
                                            ? null
                                            : ByteBuffer.wrap(studyReferences.seal(hospital, messageId, studyRef)))
                            .build(),
                    clinic.signer());
        }
    }
}
