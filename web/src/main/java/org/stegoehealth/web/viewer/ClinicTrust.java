package org.stegoehealth.web.viewer;

import java.util.Optional;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.TransferSecurity;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.Verifier;

/**
 * What the clinic trusts, for the integrity badge: the hospital whose signature the extractor checks on every stego
 * image, the fingerprint of its public keys (to compare with the hospital out of band), and the verifier of model
 * events (whose held-out quality the badge quotes).
 *
 * @param signaturesChecked false when the clinic runs with {@code security.allow.unsigned=true}
 * @param hospital the hospital's keyring name; empty when signatures are not checked
 * @param fingerprint SHA-256 over the hospital's public keys as this clinic imported them
 * @param modelSigners verifies model events; empty when signatures are not checked
 * @param keyring the clinic's keyring (to open sealed model events); empty when signatures are not checked
 */
public record ClinicTrust(
        boolean signaturesChecked,
        Optional<String> hospital,
        Optional<String> fingerprint,
        Optional<Verifier> modelSigners,
        Optional<Keyring> keyring) {

    /** The trust of the clinic configured by {@code config}: its keyring at {@code keyring.dir}. */
    public static ClinicTrust of(StegoConfig config) {
        if (config.allowUnsigned()) {
            return new ClinicTrust(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        Keyring keyring = Keyring.open(config.keyringDir());
        String hospital = TransferSecurity.hospitalOf(keyring, config, TransferSecurity.Site.CLINIC);
        Optional<String> fingerprint = keyring.trusted().stream()
                .filter(p -> p.name().equals(hospital))
                .map(p -> p.fingerprint())
                .findFirst();
        return new ClinicTrust(
                true,
                Optional.of(hospital),
                fingerprint,
                Optional.of(TransferSecurity.modelSigners(keyring, hospital)),
                Optional.of(keyring));
    }
}
