package org.stegoehealth.processors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.KeyringPair;

/**
 * Throwaway keyrings for topology tests: a hospital, the clinic it sends to (keys exchanged both ways, the clinic's
 * position keys shared with the hospital), and a second clinic that trusts the hospital but is not sent to.
 */
final class TestKeys {

    static final String CLINIC = "clinic";
    private static Keyring hospital;
    private static Keyring clinic;
    private static Keyring otherClinic;

    private TestKeys() {}

    private static synchronized void create() {
        if (hospital != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("stego-test-keys");
            KeyringPair pair = KeyringPair.create(dir);
            hospital = pair.hospital();
            clinic = pair.clinic();
            otherClinic = Keyring.init(dir.resolve("other"), "other-clinic")
                    .importPublic(hospital.exportPublic(Optional.empty()), "hospital", false)
                    .keyring();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Keyring hospitalKeyring() {
        create();
        return hospital;
    }

    /** The hospital's embedder settings: neural by default, sending to {@link #CLINIC}. */
    static TransferSecurity hospital() {
        return hospital(HidingMethod.NEURAL);
    }

    static TransferSecurity hospital(HidingMethod method) {
        create();
        return new TransferSecurity(hospital, Optional.of(CLINIC), "hospital", method, 0.5, 0.05, 0, false);
    }

    /** The receiving clinic's extractor settings: signatures required. */
    static TransferSecurity clinic() {
        create();
        return new TransferSecurity(clinic, Optional.empty(), "hospital", HidingMethod.NEURAL, 0.5, 0.05, 0, false);
    }

    static TransferSecurity clinicAllowingUnsigned() {
        create();
        return new TransferSecurity(clinic, Optional.empty(), "hospital", HidingMethod.NEURAL, 0.5, 0.05, 0, true);
    }

    /** Another clinic: trusts the hospital, but nothing is sealed to it. */
    static TransferSecurity otherClinic() {
        create();
        return new TransferSecurity(
                otherClinic, Optional.empty(), "hospital", HidingMethod.NEURAL, 0.5, 0.05, 0, false);
    }
}
