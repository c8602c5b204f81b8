package org.stegoehealth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.security.SealedException.Reason;

class StudyReferencesTest {

    @TempDir
    Path tmp;

    @Test
    void seal_opensAtTheClinicOnly_andNotOnAnotherMessage() {
        Keyring hospital = Keyring.init(tmp.resolve("h"), "hospital");
        Keyring clinic = Keyring.init(tmp.resolve("a"), "clinic-a");
        Keyring other = Keyring.init(tmp.resolve("b"), "clinic-b");
        hospital = hospital.importPublic(clinic.exportPublic(Optional.empty()), "a", false)
                .keyring();

        byte[] sealed = new StudyReferences(hospital).seal("clinic-a", "m-1", "ACC-2026-0042");

        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("ACC-2026"), "no clear text");
        assertEquals("ACC-2026-0042", new StudyReferences(clinic).open("m-1", sealed));
        assertEquals(
                Reason.TAMPERED,
                assertThrows(SealedException.class, () -> new StudyReferences(clinic).open("m-2", sealed))
                        .reason());
        assertEquals(
                Reason.NOT_FOR_THIS_KEY,
                assertThrows(SealedException.class, () -> new StudyReferences(other).open("m-1", sealed))
                        .reason());
        byte[] flipped = Arrays.copyOf(sealed, sealed.length);
        flipped[flipped.length - 1] ^= 1;
        assertEquals(
                Reason.TAMPERED,
                assertThrows(SealedException.class, () -> new StudyReferences(clinic).open("m-1", flipped))
                        .reason());
    }

    @Test
    void canonical_differentFieldSplits_encodeDifferently() {
        assertNotEquals(
                Arrays.toString(Canonical.of("d").text("ab").text("c").toByteArray()),
                Arrays.toString(Canonical.of("d").text("a").text("bc").toByteArray()));
        assertNotEquals(
                Arrays.toString(Canonical.of("d").text(null).toByteArray()),
                Arrays.toString(Canonical.of("d").text("").toByteArray()));
        assertNotEquals(
                Arrays.toString(Canonical.of("d1").text("x").toByteArray()),
                Arrays.toString(Canonical.of("d2").text("x").toByteArray()));
    }
}
