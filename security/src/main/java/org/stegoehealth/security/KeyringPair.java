package org.stegoehealth.security;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A sending hospital and a receiving clinic whose keyrings have exchanged public keys both ways, as two real parties
 * do with {@code stego keys export-public} and {@code import-public}: the clinic trusts the hospital's signing key,
 * the hospital trusts the clinic's and holds the clinic's receiving and position keys, so it can seal to it. Used by
 * the in-process pipeline, the sealed evaluation and benchmark, and tests.
 */
public record KeyringPair(Keyring hospital, Keyring clinic) {

    /** Creates {@code hospital} and {@code clinic} keyrings under {@code dir} and exchanges their public keys. */
    public static KeyringPair create(Path dir) {
        return create(dir.resolve("hospital"), "hospital", dir.resolve("clinic"), "clinic");
    }

    /**
     * Creates the two keyrings in their directories and exchanges their public keys; each import records the other
     * party's directory as its source.
     */
    public static KeyringPair create(Path hospitalDir, String hospitalName, Path clinicDir, String clinicName) {
        Keyring hospital = Keyring.init(hospitalDir, hospitalName);
        Keyring clinic = Keyring.init(clinicDir, clinicName);
        return exchange(hospital, hospitalDir + " export", clinic, clinicDir + " export");
    }

    /**
     * Exchanges the public keys of two existing keyrings: the clinic imports the hospital's, then the hospital imports
     * the clinic's, position keys included.
     */
    public static KeyringPair exchange(Keyring hospital, String hospitalSource, Keyring clinic, String clinicSource) {
        Keyring c = clinic.importPublic(hospital.exportPublic(Optional.empty()), hospitalSource, false)
                .keyring();
        Keyring h = hospital.importPublic(c.exportPublic(Optional.of(hospital.name())), clinicSource, false)
                .keyring();
        return new KeyringPair(h, c);
    }
}
