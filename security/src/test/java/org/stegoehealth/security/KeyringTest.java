package org.stegoehealth.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringTest {

    private static final byte[] DATA = "message 42, stego image bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void signer_signature_verifiesWithTheSameKeyring_andAfterReopening() {
        Keyring keyring = Keyring.init(tmp.resolve("hospital"), "hospital");
        byte[] sig = keyring.signer().sign(DATA);

        assertEquals("hospital", keyring.verifier().verify(sig, DATA));
        assertEquals(
                "hospital", Keyring.open(tmp.resolve("hospital")).verifier().verify(sig, DATA));
        assertTrue(
                keyring.signer().keyId().matches("[0-9a-f]{8}"),
                keyring.signer().keyId());
    }

    @Test
    void forSigners_acceptsOnlyThePartiesNamed_andNamesAnyOtherValidSigner_ownKeyIncluded() {
        Keyring hospital = Keyring.init(tmp.resolve("hospital"), "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic-a")
                .importPublic(hospital.exportPublic(Optional.empty()), "hospital.pub.json", false)
                .keyring();
        Verifier stego = clinic.verifier().forSigners("stego events", Set.of("hospital"));

        assertEquals("hospital", stego.verify(hospital.signer().sign(DATA), DATA));
        assertEquals(Set.of("hospital"), stego.signers());
        assertEquals("clinic-a", clinic.verifier().verify(clinic.signer().sign(DATA), DATA), "unrestricted: any");
        SignatureInvalidException own = assertThrows(
                SignatureInvalidException.class,
                () -> stego.verify(clinic.signer().sign(DATA), DATA));
        assertEquals(
                "signed by 'clinic-a' (key " + clinic.signer().keyId() + "), which is not trusted to sign stego events"
                        + " (trusted to sign them: hospital "
                        + hospital.signer().keyId() + ")",
                own.getMessage());
        KeyringException unknown = assertThrows(
                KeyringException.class, () -> clinic.verifier().forSigners("stego events", Set.of("hospital-x")));
        assertTrue(unknown.getMessage().contains("holds no signing keys of 'hospital-x'"), unknown.getMessage());
    }

    @Test
    void verify_alteredData_missingSignature_orUntrustedKey_areRefusedWithTheReason() {
        Keyring hospital = Keyring.init(tmp.resolve("hospital"), "hospital");
        Keyring stranger = Keyring.init(tmp.resolve("stranger"), "stranger");
        byte[] sig = hospital.signer().sign(DATA);
        byte[] altered = DATA.clone();
        altered[3] ^= 1;

        SignatureInvalidException changed = assertThrows(
                SignatureInvalidException.class, () -> hospital.verifier().verify(sig, altered));
        assertTrue(changed.getMessage().contains("does not match"), changed.getMessage());
        SignatureInvalidException missing = assertThrows(
                SignatureInvalidException.class, () -> hospital.verifier().verify(new byte[0], DATA));
        assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
        SignatureInvalidException untrusted = assertThrows(
                SignatureInvalidException.class,
                () -> hospital.verifier().verify(stranger.signer().sign(DATA), DATA));
        assertTrue(
                untrusted.getMessage().contains(stranger.signer().keyId())
                        && untrusted.getMessage().contains("not a trusted"),
                untrusted.getMessage());
        assertFalse(hospital.verifier().isValid(sig, altered));
    }

    @Test
    void rotate_newPrimarySigns_andSignaturesMadeBeforeStillVerify() {
        Keyring before = Keyring.init(tmp.resolve("hospital"), "hospital");
        byte[] oldSig = before.signer().sign(DATA);

        Keyring after = before.rotate(EnumSet.of(KeyPurpose.SIGNING));

        assertNotEquals(before.signer().keyId(), after.signer().keyId());
        assertEquals("hospital", after.verifier().verify(oldSig, DATA));
        assertEquals("hospital", after.verifier().verify(after.signer().sign(DATA), DATA));
        List<KeyInfo> signing = after.keys().stream()
                .filter(k -> k.purpose() == KeyPurpose.SIGNING)
                .toList();
        assertEquals(2, signing.size());
        assertEquals(
                after.signer().keyId(),
                signing.stream()
                        .filter(KeyInfo::primary)
                        .findFirst()
                        .orElseThrow()
                        .keyId());
    }

    @Test
    void rotate_receiving_whatWasEncryptedBeforeStillOpens() throws GeneralSecurityException {
        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic-a");
        byte[] info = "context".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = clinic.encrypterFor("clinic-a").encrypt(DATA, info);
        String oldId = clinic.receivingKeyIdOf("clinic-a");

        Keyring rotated = clinic.rotate(EnumSet.allOf(KeyPurpose.class));

        assertNotEquals(oldId, rotated.receivingKeyIdOf("clinic-a"));
        assertArrayEquals(DATA, rotated.decrypter().decrypt(sealed, info));
        assertTrue(rotated.receivingKeyIds().contains(oldId));
    }

    @Test
    void retire_oldSigningKey_stopsVerifying_whileThePrimaryIsRefusedAndUnknownIdsAreClear() {
        Keyring before = Keyring.init(tmp.resolve("hospital"), "hospital");
        String oldId = before.signer().keyId();
        byte[] oldSig = before.signer().sign(DATA);
        Keyring rotated = before.rotate(EnumSet.of(KeyPurpose.SIGNING));

        KeyringException primary = assertThrows(
                KeyringException.class, () -> rotated.retire(rotated.signer().keyId()));
        assertTrue(primary.getMessage().contains("rotate --purpose signing"), primary.getMessage());
        KeyringException unknown = assertThrows(KeyringException.class, () -> rotated.retire("0badc0de"));
        assertTrue(unknown.getMessage().contains("has no key 0badc0de"), unknown.getMessage());

        Keyring retired = rotated.retire(oldId);

        assertFalse(retired.verifier().isValid(oldSig, DATA));
        assertEquals("hospital", retired.verifier().verify(retired.signer().sign(DATA), DATA));
        assertTrue(retired.keys().stream().noneMatch(k -> k.keyId().equals(oldId)));
        assertFalse(Keyring.open(tmp.resolve("hospital")).verifier().isValid(oldSig, DATA), "retired on disk");
    }

    @Test
    void files_areReadableByTheOwnerOnly() throws IOException {
        Path dir = tmp.resolve("nested").resolve("keyring");
        Keyring.init(dir, "hospital");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
                assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
    }

    @Test
    void open_keyFileReadableByOthers_missingKeyring_orSecondInit_areClearErrors() throws IOException {
        Path dir = tmp.resolve("hospital");
        Keyring.init(dir, "hospital");

        KeyringException twice = assertThrows(KeyringException.class, () -> Keyring.init(dir, "hospital"));
        assertTrue(twice.getMessage().contains("already exists"), twice.getMessage());

        KeyringException none = assertThrows(KeyringException.class, () -> Keyring.open(tmp.resolve("nothing")));
        assertTrue(
                none.getMessage().contains("no keyring in") && none.getMessage().contains("stego keys init"),
                none.getMessage());

        Files.setPosixFilePermissions(dir.resolve("signing.json"), PosixFilePermissions.fromString("rw-r--r--"));
        KeyringException open = assertThrows(KeyringException.class, () -> Keyring.open(dir));
        assertTrue(
                open.getMessage().contains("signing.json") && open.getMessage().contains("chmod 600"),
                open.getMessage());

        KeyringException badName = assertThrows(KeyringException.class, () -> Keyring.init(tmp.resolve("x"), "../etc"));
        assertTrue(badName.getMessage().contains("not valid"), badName.getMessage());
    }

    @Test
    void exportImport_publicHalves_letTheClinicVerifyAndTheHospitalEncrypt() throws GeneralSecurityException {
        Keyring hospital = Keyring.init(tmp.resolve("hospital"), "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic-a");

        String hospitalPublic = hospital.exportPublic(Optional.empty());
        assertFalse(
                hospitalPublic.contains("ASYMMETRIC_PRIVATE") || hospitalPublic.contains("SYMMETRIC\""),
                "no private key material: " + hospitalPublic);
        Keyring.Imported atClinic = clinic.importPublic(hospitalPublic, "hospital.pub.json", false);
        assertEquals("hospital", atClinic.party().name());
        assertEquals(hospital.fingerprint(), atClinic.party().fingerprint());
        assertEquals(
                "hospital",
                atClinic.keyring().verifier().verify(hospital.signer().sign(DATA), DATA));

        Keyring.Imported atHospital = hospital.importPublic(
                atClinic.keyring().exportPublic(Optional.of("hospital")), "clinic-a.pub.json", false);
        assertTrue(atHospital.party().positionKeys());
        byte[] info = "study".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = atHospital.keyring().encrypterFor("clinic-a").encrypt(DATA, info);
        assertArrayEquals(DATA, clinic.decrypter().decrypt(sealed, info));
        assertThrows(GeneralSecurityException.class, () -> hospital.decrypter().decrypt(sealed, info));
        // the shared position keys compute what the clinic's own keys compute
        byte[] input = "positions".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(
                clinic.positionKeys().computePrimary(input, 32),
                atHospital.keyring().positionKeysOf("clinic-a").computePrimary(input, 32));

        KeyringException unknown = assertThrows(KeyringException.class, () -> hospital.encrypterFor("clinic-b"));
        assertTrue(
                unknown.getMessage().contains("clinic-b")
                        && unknown.getMessage().contains("import-public"),
                unknown.getMessage());
    }

    @Test
    void importPublic_rotatedKeys_needReplaceOrTheExpectedFingerprint_andNothingIsWrittenBefore() {
        Path hospitalDir = tmp.resolve("hospital");
        Keyring hospital = Keyring.init(hospitalDir, "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic-a");
        clinic = clinic.importPublic(hospital.exportPublic(Optional.empty()), "v1", false)
                .keyring();
        byte[] oldSig = hospital.signer().sign(DATA);
        Keyring rotated = hospital.rotate(EnumSet.of(KeyPurpose.SIGNING));
        String v2 = rotated.exportPublic(Optional.empty());
        Keyring before = clinic;

        KeyringException added = assertThrows(KeyringException.class, () -> before.importPublic(v2, "v2", false));
        assertTrue(added.getMessage().contains("changes the keys of 'hospital'"), added.getMessage());
        assertTrue(
                added.getMessage().contains(hospital.fingerprint() + " -> " + rotated.fingerprint()),
                added.getMessage());
        assertEquals(
                1,
                Keyring.open(tmp.resolve("clinic"))
                        .trusted()
                        .get(0)
                        .signingKeyIds()
                        .size(),
                "not written");
        KeyringException wrong = assertThrows(
                KeyringException.class,
                () -> before.importPublic(v2, "v2", false, Optional.of(hospital.fingerprint())));
        assertTrue(wrong.getMessage().contains("not the expected"), wrong.getMessage());

        clinic = clinic.importPublic(
                        v2, "v2", false, Optional.of(rotated.fingerprint().replace(" ", "")))
                .keyring();
        assertEquals("hospital", clinic.verifier().verify(oldSig, DATA));
        assertEquals("hospital", clinic.verifier().verify(rotated.signer().sign(DATA), DATA));

        Keyring impostor = Keyring.init(tmp.resolve("impostor"), "hospital");
        Keyring finalClinic = clinic;
        KeyringException refused = assertThrows(
                KeyringException.class,
                () -> finalClinic.importPublic(impostor.exportPublic(Optional.empty()), "impostor.json", false));
        assertTrue(refused.getMessage().contains("--replace"), refused.getMessage());
        assertThrows(
                KeyringException.class,
                () -> finalClinic.importPublic(finalClinic.exportPublic(Optional.empty()), "self.json", false));
    }

    @Test
    void importPublic_aSwappedReceivingKey_isRefusedWithoutReplace() {
        Keyring hospital = Keyring.init(tmp.resolve("hospital"), "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic-a");
        hospital = hospital.importPublic(clinic.exportPublic(Optional.empty()), "v1", false)
                .keyring();
        Keyring swapped = clinic.rotate(EnumSet.of(KeyPurpose.RECEIVING))
                .retire(clinic.receivingKeyIds().iterator().next().toString());
        Keyring atHospital = hospital;

        KeyringException e = assertThrows(
                KeyringException.class,
                () -> atHospital.importPublic(swapped.exportPublic(Optional.empty()), "v2", false));
        assertTrue(e.getMessage().contains("receiving"), e.getMessage());
        assertTrue(atHospital
                .importPublic(swapped.exportPublic(Optional.empty()), "v2", true)
                .party()
                .fingerprint()
                .equals(swapped.fingerprint()));
    }

    @Test
    void positionKeys_areInTheFingerprint_andASwappedCopyIsRefused() throws Exception {
        Keyring hospital = Keyring.init(tmp.resolve("hospital"), "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic-a");
        Keyring other = Keyring.init(tmp.resolve("other"), "clinic-a");
        hospital = hospital.importPublic(clinic.exportPublic(Optional.empty()), "plain", false)
                .keyring();
        Keyring otherSide = other.importPublic(hospital.exportPublic(Optional.empty()), "h", false)
                .keyring();
        clinic = clinic.importPublic(hospital.exportPublic(Optional.empty()), "h", false)
                .keyring();

        String shared = clinic.exportPublic(Optional.of("hospital"));
        Keyring.Imported imported = hospital.importPublic(shared, "shared", true);
        // the fingerprint the hospital sees covers the position keys: it differs from the plain one
        assertNotEquals(clinic.fingerprint(), imported.party().fingerprint());
        assertEquals(
                com.fasterxml.jackson.databind.json.JsonMapper.builder()
                        .build()
                        .readTree(shared)
                        .path("fingerprint")
                        .asText(),
                imported.party().fingerprint());

        // other position keys, the public keys unchanged: another fingerprint, so a swap cannot go unseen
        Keyring rotatedPositions = clinic.rotate(EnumSet.of(KeyPurpose.POSITIONS));
        assertEquals(clinic.fingerprint(), rotatedPositions.fingerprint());
        String reshared = rotatedPositions.exportPublic(Optional.of("hospital"));
        assertNotEquals(
                imported.party().fingerprint(),
                com.fasterxml.jackson.databind.json.JsonMapper.builder()
                        .build()
                        .readTree(reshared)
                        .path("fingerprint")
                        .asText());
        KeyringException unconfirmed = assertThrows(
                KeyringException.class, () -> imported.keyring().importPublic(reshared, "reshared", false));
        assertTrue(unconfirmed.getMessage().contains("changes the keys of 'clinic-a'"), unconfirmed.getMessage());

        // a man in the middle swaps in position keys of his own, sealed to the hospital: the signature breaks
        String theirs = otherSide.exportPublic(Optional.of("hospital"));
        var json = com.fasterxml.jackson.databind.json.JsonMapper.builder().build();
        var doc = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(shared);
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("positions"))
                .put(
                        "sealed",
                        json.readTree(theirs).path("positions").path("sealed").asText());
        String swapped = doc.toString();
        assertNotEquals(shared, swapped);
        Keyring atHospital = imported.keyring();
        KeyringException e =
                assertThrows(KeyringException.class, () -> atHospital.importPublic(swapped, "swapped", true));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void importPublic_anUnsignedOrAlteredDocument_orAWrongFingerprintField_isRefused() throws Exception {
        Keyring hospital = Keyring.init(tmp.resolve("hospital"), "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic-a");
        var json = com.fasterxml.jackson.databind.json.JsonMapper.builder().build();
        var doc =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(hospital.exportPublic(Optional.empty()));

        var unsigned = doc.deepCopy();
        unsigned.remove("signature");
        assertTrue(assertThrows(KeyringException.class, () -> clinic.importPublic(unsigned.toString(), "u", false))
                .getMessage()
                .contains("not signed"));
        var wrongFingerprint = doc.deepCopy();
        wrongFingerprint.put("fingerprint", "0000 0000 0000 0000 0000 0000 0000 0000");
        assertTrue(
                assertThrows(KeyringException.class, () -> clinic.importPublic(wrongFingerprint.toString(), "f", false))
                        .getMessage()
                        .contains("signature does not verify"));
    }

    @Test
    void partyNamesThatWouldCollideWithKeyringFiles_areRefused_andLeftoverDotFilesAreIgnored() throws IOException {
        KeyringException e =
                assertThrows(KeyringException.class, () -> Keyring.init(tmp.resolve("x"), "clinic-a.positions"));
        assertTrue(e.getMessage().contains("'.positions'"), e.getMessage());

        Keyring clinic = Keyring.init(tmp.resolve("clinic"), "clinic-a");
        Files.writeString(clinic.dir().resolve("trusted").resolve(".tmp-123.json"), "");
        assertEquals("clinic-a", Keyring.open(clinic.dir()).name());
    }
}
