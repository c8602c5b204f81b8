package org.stegoehealth.ops.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.ops.StegoCli;
import org.stegoehealth.processors.cli.CliRun;
import org.stegoehealth.security.Keyring;

/** {@code stego keys}: the hospital/clinic key exchange on the command line, and its errors. */
class KeysCommandTest {

    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        CliRun run = CliRun.run(new StegoCli(), args);
        return new String[] {Integer.toString(run.code()), run.err()};
    }

    private static void ok(String... args) {
        String[] r = run(args);
        assertEquals("0", r[0], String.join(" ", args) + ": " + r[1]);
    }

    @Test
    void keys_exchangeBetweenHospitalAndClinic_rotateListAndRetire() {
        String h = tmp.resolve("hospital").toString();
        String c = tmp.resolve("clinic").toString();
        String hPub = tmp.resolve("hospital.pub.json").toString();
        String cPub = tmp.resolve("clinic.pub.json").toString();

        ok("keys", "init", "--name", "hospital", "--keyring", h);
        ok("keys", "init", "--name", "clinic-a", "--keyring", c);
        ok("keys", "export-public", "--keyring", h, "--out", hPub);
        ok("keys", "import-public", "--keyring", c, hPub);
        ok("keys", "export-public", "--keyring", c, "--share-positions-with", "hospital", "--out", cPub);
        ok("keys", "import-public", "--keyring", h, cPub);
        byte[] oldSig = Keyring.open(Path.of(h)).signer().sign("x".getBytes(StandardCharsets.UTF_8));
        ok("keys", "rotate", "--keyring", h, "--purpose", "signing");
        ok("keys", "list", "--keyring", h);

        Keyring hospital = Keyring.open(Path.of(h));
        Keyring clinic = Keyring.open(Path.of(c));
        assertEquals(
                2,
                hospital.keys().stream()
                        .filter(k -> k.purpose().label().equals("signing"))
                        .count());
        assertTrue(hospital.trusted().get(0).positionKeys());
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        assertFalse(
                clinic.verifier().isValid(hospital.signer().sign(data), data),
                "the clinic does not trust the rotated key before it imports it");
        ok("keys", "export-public", "--keyring", h, "--out", hPub);
        // a changed key set is refused until the clinic confirms the fingerprint the hospital reads out
        String[] unconfirmed = run("keys", "import-public", "--keyring", c, hPub);
        assertEquals("2", unconfirmed[0], unconfirmed[1]);
        assertTrue(unconfirmed[1].contains("changes the keys of 'hospital'"), unconfirmed[1]);
        ok("keys", "import-public", "--keyring", c, "--expect-fingerprint", hospital.fingerprint(), hPub);
        assertEquals(
                "hospital",
                Keyring.open(Path.of(c)).verifier().verify(hospital.signer().sign(data), data));
        assertEquals("hospital", Keyring.open(Path.of(c)).verifier().verify(oldSig, data));

        // the hospital retires its first signing key; the clinic drops it at the next import with --replace
        String first = hospital.keys().stream()
                .filter(k -> k.purpose().label().equals("signing") && !k.primary())
                .findFirst()
                .orElseThrow()
                .keyId();
        ok("keys", "retire", "--keyring", h, first);
        String[] primary =
                run("keys", "retire", "--keyring", h, hospital.signer().keyId());
        assertEquals("2", primary[0]);
        assertTrue(primary[1].startsWith("error: key " + hospital.signer().keyId() + " is the primary"), primary[1]);
        ok("keys", "export-public", "--keyring", h, "--out", hPub);
        ok("keys", "import-public", "--keyring", c, "--replace", hPub);
        assertFalse(
                Keyring.open(Path.of(c)).verifier().isValid(oldSig, data),
                "the clinic still trusts the retired key after importing with --replace");
        assertTrue(Keyring.open(Path.of(h)).keys().stream()
                .noneMatch(k -> k.keyId().equals(first)));
    }

    @Test
    void keys_missingKeyring_unknownPurpose_andNotAKeyFile_failWithOneErrorLine() throws Exception {
        String[] none = run("keys", "list", "--keyring", tmp.resolve("none").toString());
        assertEquals("2", none[0]);
        assertTrue(
                none[1].startsWith("error: no keyring in")
                        && none[1].strip().lines().count() == 1,
                none[1]);

        String h = tmp.resolve("hospital").toString();
        ok("keys", "init", "--name", "hospital", "--keyring", h);
        String[] purpose = run("keys", "rotate", "--keyring", h, "--purpose", "everything");
        assertEquals("2", purpose[0]);
        assertTrue(purpose[1].contains("unknown key purpose 'everything'"), purpose[1]);

        Path bogus = Files.writeString(tmp.resolve("bogus.json"), "{\"hello\": 1}");
        String[] notKeys = run("keys", "import-public", "--keyring", h, bogus.toString());
        assertEquals("2", notKeys[0]);
        assertTrue(notKeys[1].contains(bogus.toString()) && notKeys[1].contains("not a public-key file"), notKeys[1]);

        Path random = Files.write(tmp.resolve("random.json"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80});
        String[] binary = run("keys", "import-public", "--keyring", h, random.toString());
        assertEquals("2", binary[0]);
        assertTrue(binary[1].startsWith("error: " + random + " is not a public-key file"), binary[1]);
        String[] missing = run(
                "keys",
                "import-public",
                "--keyring",
                h,
                tmp.resolve("missing.json").toString());
        assertEquals("2", missing[0]);
        assertTrue(missing[1].startsWith("error: " + tmp.resolve("missing.json") + ": no such file"), missing[1]);
    }

    @Test
    void importPublic_aMissingFile_isNamedAsSuch_evenWithoutAKeyring() {
        Path none = tmp.resolve("nope.json");
        String[] r = run(
                "keys", "import-public", "--keyring", tmp.resolve("no-keyring").toString(), none.toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].startsWith("error: " + none + ": no such file"), r[1]);
    }
}
