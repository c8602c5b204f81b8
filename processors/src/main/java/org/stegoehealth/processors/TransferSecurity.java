package org.stegoehealth.processors;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.SealedHiding;
import org.stegoehealth.security.TrustedParty;
import org.stegoehealth.security.Verifier;

/**
 * What the streaming applications need to secure the transfer: this party's keyring (the hospital's signs stego
 * events; the clinic's verifies and opens them), the clinic the embedder sends to, the hospital (the only party
 * trusted to sign stego, model and promotion events), the embedder's default hiding method and sealed budget, and
 * whether the extractor accepts unsigned events.
 *
 * @param recipient the receiving clinic's keyring name (embedder); empty at the clinic
 * @param hospital the hospital's keyring name ({@link #hospitalOf}): this keyring's own name at the hospital
 */
public record TransferSecurity(
        Keyring keyring,
        Optional<String> recipient,
        String hospital,
        HidingMethod defaultMethod,
        double sealedBudget,
        double covertBudget,
        int covertCoverSide,
        boolean allowUnsigned) {

    /** Model version recorded on sealed stego events: the method's format, since no model is involved. */
    public static final String SEALED_VERSION = "sealed-1";

    /** Model version recorded on covert stego events. */
    public static final String COVERT_VERSION = "covert-1";

    /** Where an application runs, which decides who the hospital is when {@code hospital.id} is not set. */
    public enum Site {
        /** The embedder, the trainer and model publishing: the hospital is this keyring. */
        HOSPITAL,
        /** The extractor: the hospital is a party this keyring imported, never this keyring. */
        CLINIC,
        /**
         * Tools run at either ({@code stego models list/pull/verify}, {@code stego replay}): the hospital is {@code
         * hospital.id} when set, otherwise this keyring.
         */
        EITHER
    }

    /** The configured security at {@code site}, with the keyring at {@code keyring.dir} opened. */
    public static TransferSecurity from(StegoConfig config, Site site) {
        return of(Keyring.open(config.keyringDir()), config, site);
    }

    /** The configured settings around an already opened keyring (the demo holds two). */
    public static TransferSecurity of(Keyring keyring, StegoConfig config, Site site) {
        return new TransferSecurity(
                keyring,
                config.clinicId(),
                hospitalOf(keyring, config, site),
                config.hidingMethod(),
                config.sealedBudget(),
                config.covertBudget(),
                config.covertCoverSide(),
                config.allowUnsigned());
    }

    /**
     * The hospital's keyring name as {@code keyring} at {@code site} sees it: {@code hospital.id} when set; otherwise
     * this keyring at the hospital (and for tools run at either), and at a clinic the one party its keyring trusts.
     *
     * @throws IllegalArgumentException with one line saying what to set, when the hospital cannot be told or the
     *     setting contradicts the site (a clinic never trusts its own key as the hospital's)
     */
    public static String hospitalOf(Keyring keyring, StegoConfig config, Site site) {
        Optional<String> configured = config.hospitalId();
        String self = keyring.name();
        if (site == Site.HOSPITAL) {
            if (configured.isPresent() && !configured.get().equals(self)) {
                throw new IllegalArgumentException("hospital.id=" + configured.get() + ", but this application runs at"
                        + " the hospital and signs with keyring '" + self + "'; set hospital.id to '" + self
                        + "' or leave it empty");
            }
            return self;
        }
        List<String> trusted =
                keyring.trusted().stream().map(TrustedParty::name).toList();
        if (site == Site.EITHER && (configured.isEmpty() || configured.get().equals(self))) {
            return self;
        }
        if (configured.isPresent()) {
            String hospital = configured.get();
            if (hospital.equals(self)) {
                throw new IllegalArgumentException("hospital.id=" + hospital + " names this clinic's own keyring; a"
                        + " clinic trusts only the hospital's keys, so set hospital.id to the hospital's keyring name");
            }
            if (!trusted.contains(hospital)) {
                throw new IllegalArgumentException("hospital.id=" + hospital + ", but keyring '" + self + "' holds no"
                        + " public keys of '" + hospital + "' (it trusts " + describe(trusted)
                        + "); import them with stego keys import-public");
            }
            return hospital;
        }
        if (trusted.size() == 1) {
            return trusted.get(0);
        }
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("keyring '" + self + "' trusts no hospital: import the hospital's public"
                    + " keys (stego keys import-public) before starting");
        }
        throw new IllegalArgumentException("keyring '" + self + "' trusts " + describe(trusted) + ": set hospital.id"
                + " (STEGO_HOSPITAL_ID) to the hospital's keyring name, the only party trusted to sign stego and model"
                + " events");
    }

    private static String describe(List<String> parties) {
        return parties.isEmpty() ? "no party" : String.join(", ", parties);
    }

    /**
     * Checks what the embedder needs before it starts: a clinic to send to, which every stego event names and is
     * bound to.
     *
     * @throws IllegalArgumentException naming the missing setting
     */
    public TransferSecurity checkedForEmbedder() {
        if (recipient.isEmpty()) {
            throw new IllegalArgumentException("the embedder needs clinic.id, the keyring name of the clinic its stego"
                    + " events are for (STEGO_CLINIC_ID or --clinic)");
        }
        recipient.ifPresent(keyring::receivingKeyIdOf);
        return this;
    }

    /** Whether this keyring is the hospital's (the embedder, or a replay run at the hospital). */
    public boolean atHospital() {
        return hospital.equals(keyring.name());
    }

    /** Verifies stego events: only the hospital's signatures are accepted. */
    public Verifier stegoSigners() {
        return stegoSigners(keyring, hospital);
    }

    /** A verifier of stego events that accepts only {@code hospital}'s signatures. */
    public static Verifier stegoSigners(Keyring keyring, String hospital) {
        return keyring.verifier().forSigners("stego events", Set.of(hospital));
    }

    /** Verifies model and promotion events: only the hospital's model signer (the hospital) is accepted. */
    public Verifier modelSigners() {
        return modelSigners(keyring, hospital);
    }

    /** A verifier of model and promotion events that accepts only {@code hospital}'s signatures. */
    public static Verifier modelSigners(Keyring keyring, String hospital) {
        return keyring.verifier().forSigners("model and promotion events", Set.of(hospital));
    }

    SealedHiding sealedHiding(int maxSide) {
        return new SealedHiding(keyring, sealedBudget, maxSide);
    }

    /** The covert mode of the sealed payload, at the configured budget ({@code covert.budget}). */
    SealedHiding covertHiding(int maxSide) {
        return SealedHiding.covert(keyring, covertBudget, maxSide);
    }

    /** The version label of a keyed method's stego events. */
    static String keyedVersion(HidingMethod method) {
        return method == HidingMethod.COVERT ? COVERT_VERSION : SEALED_VERSION;
    }
}
