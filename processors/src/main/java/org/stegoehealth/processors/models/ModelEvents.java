package org.stegoehealth.processors.models;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelException;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.ModelStatus;
import org.stegoehealth.schemas.SealedWeights;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.security.Canonical;
import org.stegoehealth.security.Keyring;
import org.stegoehealth.security.KeyringException;
import org.stegoehealth.security.Signer;
import org.stegoehealth.security.Verifier;

/**
 * Builds, signs and verifies model and promotion events. What is signed is a canonical byte string of every field
 * but the weights (which the signed SHA-256 covers) and the signature itself, so a changed field, a swapped
 * checksum or a changed model.json all break the signature. Signed with the keyring's Ed25519 key; verified with
 * the verifier given, which accepts only the hospital's keys ({@code TransferSecurity.modelSigners}).
 */
public final class ModelEvents {

    private static final String MODEL_DOMAIN = "stego-ehealth model event v1";
    private static final String PROMOTION_DOMAIN = "stego-ehealth model promotion v1";
    private static final String WEIGHTS_DOMAIN = "stego-ehealth model weights v1";

    private ModelEvents() {}

    /** A signed event carrying the artifact in {@code dir} (checked first), fine-tuned from {@code parent}. */
    public static ModelEvent fromArtifact(Path dir, String parent, String publishedBy, Instant at, Signer key) {
        ModelArtifact.Bytes bytes = ModelArtifact.readBytes(dir);
        ModelMetadata metadata = ModelArtifact.parseMetadata(bytes.metadataJson(), dir.toString());
        ModelEvent event = ModelEvent.newBuilder()
                .setVersion(metadata.version())
                .setParent(parent != null ? parent : parentOf(metadata))
                .setMetadataJson(new String(bytes.metadataJson(), StandardCharsets.UTF_8))
                .setWeights(ByteBuffer.wrap(bytes.weights()))
                .setWeightsSha256(ModelArtifact.sha256(bytes.weights()))
                .setStatus(ModelStatus.AVAILABLE)
                .setStatusReason(null)
                .setPublishedBy(publishedBy)
                .setPublishedAt(at)
                .setSigningKeyId(key.keyId())
                .setSignature(ByteBuffer.allocate(0))
                .build();
        return signed(event, key);
    }

    /**
     * The event of a private model: its weights encrypted to each of {@code parties}' receiving keys (HPKE, with
     * {@code keyring}'s public keys of them; its own name may be listed) and removed from the clear, re-signed with
     * {@code keyring}'s key. Only those parties can install the model; anyone else sees the metadata only.
     *
     * @throws org.stegoehealth.security.KeyringException when the keyring holds no public keys of a party
     */
    public static ModelEvent sealed(ModelEvent event, Keyring keyring, Collection<String> parties) {
        byte[] weights = bytes(event.getWeights());
        byte[] context = weightsContext(event);
        List<SealedWeights> copies = new ArrayList<>();
        for (String party : new LinkedHashSet<>(parties)) {
            byte[] ciphertext;
            try {
                ciphertext = keyring.encrypterFor(party).encrypt(weights, context);
            } catch (GeneralSecurityException e) {
                throw new KeyringException(
                        "cannot seal model " + event.getVersion() + " to " + party + ": " + e.getMessage(), e);
            }
            copies.add(SealedWeights.newBuilder()
                    .setParty(party)
                    .setKeyId(keyring.receivingKeyIdOf(party))
                    .setCiphertext(ByteBuffer.wrap(ciphertext))
                    .build());
        }
        ModelEvent sealed = ModelEvent.newBuilder(event)
                .setWeights(ByteBuffer.allocate(0))
                .setSealedWeights(copies)
                .setSigningKeyId(keyring.signer().keyId())
                .build();
        return signed(sealed, keyring.signer());
    }

    /** The same artifact with a new status (a retirement), re-signed. */
    public static ModelEvent withStatus(
            ModelEvent event, ModelStatus status, String reason, String by, Instant at, Signer key) {
        ModelEvent changed = ModelEvent.newBuilder(event)
                .setStatus(status)
                .setStatusReason(reason)
                .setPublishedBy(by)
                .setPublishedAt(at)
                .setSigningKeyId(key.keyId())
                .build();
        return signed(changed, key);
    }

    /** A signed promotion of {@code version}. */
    public static ModelPromotionEvent promotion(String version, String reason, String by, Instant at, Signer key) {
        ModelPromotionEvent event = ModelPromotionEvent.newBuilder()
                .setVersion(version)
                .setReason(reason)
                .setPromotedBy(by)
                .setPromotedAt(at)
                .setSigningKeyId(key.keyId())
                .setSignature(ByteBuffer.allocate(0))
                .build();
        event.setSignature(ByteBuffer.wrap(key.sign(signedBytes(event))));
        return event;
    }

    /** The parent a trainer recorded in model.json ({@code training.parent}), if any. */
    static String parentOf(ModelMetadata metadata) {
        Map<String, Object> training = metadata.training();
        Object parent = training == null ? null : training.get("parent");
        return parent == null ? null : parent.toString();
    }

    private static ModelEvent signed(ModelEvent event, Signer key) {
        event.setSignature(ByteBuffer.wrap(key.sign(signedBytes(event))));
        return event;
    }

    /**
     * Checks a model event received under {@code key}: the key names the version, the signature verifies (before
     * anything else of the event is parsed or opened), the weights match the signed checksum and the checksum in
     * model.json.
     *
     * @return the artifact's files, ready to install
     * @throws ModelEventRefusedException with one line saying what is wrong
     */
    public static ModelArtifact.Bytes verify(String key, ModelEvent event, Verifier trust) {
        return verify(key, event, trust, null);
    }

    /**
     * As {@link #verify(String, ModelEvent, Verifier)}, opening the weights of a sealed (private) model with
     * {@code keyring}'s receiving keys; null refuses sealed events.
     */
    public static ModelArtifact.Bytes verify(String key, ModelEvent event, Verifier trust, Keyring keyring) {
        String version = event.getVersion();
        // keyed by version and checksum; a bare version is the key of events written before checksums were keys
        if (key != null
                && !key.equals(version)
                && !key.startsWith(Topics.modelKeyPrefix(version, event.getWeightsSha256()))) {
            throw new ModelEventRefusedException("model event keyed " + key + " carries version " + version);
        }
        // the signature first (it covers model.json's hash, the weights' checksum and, for a private model, the
        // parties): nothing of an event that does not verify is parsed, hashed at length or opened
        checkSignature("model " + version, event.getSignature(), signedBytes(event), trust);
        byte[] weights = event.getSealedWeights() == null ? bytes(event.getWeights()) : open(event, keyring);
        String actual = ModelArtifact.sha256(weights);
        if (!actual.equalsIgnoreCase(event.getWeightsSha256())) {
            throw new ModelEventRefusedException("model " + version + ": checksum mismatch (event says "
                    + event.getWeightsSha256() + ", weights hash to " + actual + ")");
        }
        byte[] metadataJson = event.getMetadataJson().getBytes(StandardCharsets.UTF_8);
        ModelMetadata metadata;
        try {
            metadata = ModelArtifact.parseMetadata(metadataJson, "model " + version);
        } catch (ModelException e) {
            throw new ModelEventRefusedException(e.getMessage(), e);
        }
        if (!version.equals(metadata.version()) || !actual.equalsIgnoreCase(metadata.weightsSha256())) {
            throw new ModelEventRefusedException("model " + version + ": model.json names version " + metadata.version()
                    + " with checksum " + metadata.weightsSha256());
        }
        return new ModelArtifact.Bytes(metadataJson, weights);
    }

    /** The weights of a sealed event, from the copy sealed to one of {@code keyring}'s receiving keys. */
    private static byte[] open(ModelEvent event, Keyring keyring) {
        String version = event.getVersion();
        List<String> parties =
                event.getSealedWeights().stream().map(SealedWeights::getParty).toList();
        if (keyring == null) {
            throw new ModelEventRefusedException(
                    "model " + version + " is private, sealed to " + parties + "; no keyring to open it");
        }
        Set<String> mine = keyring.receivingKeyIds();
        for (SealedWeights copy : event.getSealedWeights()) {
            if (mine.contains(copy.getKeyId())) {
                try {
                    return keyring.decrypter().decrypt(bytes(copy.getCiphertext()), weightsContext(event));
                } catch (GeneralSecurityException e) {
                    throw new ModelEventRefusedException("model " + version + ": the weights sealed to "
                            + copy.getParty() + " do not open (altered, or sealed for another version)");
                }
            }
        }
        throw new ModelEventRefusedException("model " + version + " is private, sealed to " + parties + "; keyring '"
                + keyring.name() + "' holds none of their receiving keys");
    }

    private static byte[] weightsContext(ModelEvent e) {
        return Canonical.of(WEIGHTS_DOMAIN)
                .text(e.getVersion())
                .text(e.getWeightsSha256())
                .toByteArray();
    }

    /** Checks a promotion's signature; throws {@link ModelEventRefusedException} when it does not verify. */
    public static void verify(ModelPromotionEvent event, Verifier trust) {
        checkSignature("promotion of " + event.getVersion(), event.getSignature(), signedBytes(event), trust);
    }

    private static void checkSignature(String what, ByteBuffer signature, byte[] data, Verifier trust) {
        byte[] sig = bytes(signature);
        if (sig.length == 0) {
            throw new ModelEventRefusedException(what + ": unsigned");
        }
        try {
            trust.verify(sig, data);
        } catch (RuntimeException e) {
            throw new ModelEventRefusedException(what + ": signature does not verify (" + e.getMessage() + ")", e);
        }
    }

    static byte[] signedBytes(ModelEvent e) {
        Canonical signed = Canonical.of(MODEL_DOMAIN)
                .text(e.getVersion())
                .text(e.getParent())
                .text(ModelArtifact.sha256(e.getMetadataJson().getBytes(StandardCharsets.UTF_8)))
                .text(e.getWeightsSha256())
                .text(e.getStatus().name())
                .text(e.getStatusReason())
                .text(e.getPublishedBy())
                .number(e.getPublishedAt().toEpochMilli())
                .text(e.getSigningKeyId());
        if (e.getSealedWeights() != null) {
            // events in clear keep the encoding they were always signed with
            signed.text("sealed");
            for (SealedWeights copy : e.getSealedWeights()) {
                signed.text(copy.getParty()).text(copy.getKeyId());
            }
        }
        return signed.toByteArray();
    }

    static byte[] signedBytes(ModelPromotionEvent e) {
        return Canonical.of(PROMOTION_DOMAIN)
                .text(e.getVersion())
                .text(e.getReason())
                .text(e.getPromotedBy())
                .number(e.getPromotedAt().toEpochMilli())
                .text(e.getSigningKeyId())
                .toByteArray();
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
