package org.stegoehealth.processors.models;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelException;
import org.stegoehealth.model.ModelMetadata;
import org.stegoehealth.schemas.ModelEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.schemas.ModelStatus;
import org.stegoehealth.security.Canonical;
import org.stegoehealth.security.Signer;
import org.stegoehealth.security.Verifier;

/**
 * Builds, signs and verifies model and promotion events. What is signed is a canonical byte string of every field
 * but the weights (which the signed SHA-256 covers) and the signature itself, so a changed field, a swapped
 * checksum or a changed model.json all break the signature. Signed with the keyring's Ed25519 key; verified
 * against every signing key the keyring trusts.
 */
public final class ModelEvents {

    private static final String MODEL_DOMAIN = "stego-ehealth model event v1";
    private static final String PROMOTION_DOMAIN = "stego-ehealth model promotion v1";

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
     * Checks a model event received under {@code key}: the key names the version, the weights match the signed
     * checksum and the checksum in model.json, and the signature verifies.
     *
     * @return the artifact's files, ready to install
     * @throws ModelEventRefusedException with one line saying what is wrong
     */
    public static ModelArtifact.Bytes verify(String key, ModelEvent event, Verifier trust) {
        String version = event.getVersion();
        if (key != null && !key.equals(version)) {
            throw new ModelEventRefusedException("model event keyed " + key + " carries version " + version);
        }
        byte[] weights = bytes(event.getWeights());
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
        checkSignature("model " + version, event.getSignature(), signedBytes(event), trust);
        return new ModelArtifact.Bytes(metadataJson, weights);
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
        return Canonical.of(MODEL_DOMAIN)
                .text(e.getVersion())
                .text(e.getParent())
                .text(ModelArtifact.sha256(e.getMetadataJson().getBytes(StandardCharsets.UTF_8)))
                .text(e.getWeightsSha256())
                .text(e.getStatus().name())
                .text(e.getStatusReason())
                .text(e.getPublishedBy())
                .number(e.getPublishedAt().toEpochMilli())
                .text(e.getSigningKeyId())
                .toByteArray();
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
