package org.stegoehealth.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The public-key documents parties exchange ({@code stego keys export-public} and {@code import-public}): writing
 * one, signed by its party and carrying the fingerprint of what it holds; reading one, checking its format, key
 * types, signature and fingerprint and opening the position keys sealed to the reader; and the fingerprint itself.
 * Where the accepted keys are kept is {@link Keyring}'s business.
 */
final class PublicKeyExchange {

    static final String FORMAT = "stego-ehealth-public-keys/1";

    private PublicKeyExchange() {}

    /** Public signing and receiving keys of a party. */
    record PublicKeys(String party, KeysetHandle signing, KeysetHandle receiving) {}

    /**
     * A document that passed every check: the party's keys, the position keys it sealed to the reader (or null), and
     * the fingerprint of both.
     */
    record Received(PublicKeys keys, KeysetHandle sharedPositions, String fingerprint) {}

    /**
     * The export document of {@code party}: its public keys, with {@code sealedPositions} (its position keys encrypted
     * to {@code positionsFor}) when given, signed by {@code signer}.
     */
    static String document(
            String party,
            String fingerprint,
            KeysetHandle signingPublic,
            KeysetHandle receivingPublic,
            Optional<String> positionsFor,
            Optional<byte[]> sealedPositions,
            Signer signer)
            throws GeneralSecurityException {
        ObjectNode doc = Keyring.JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("party", party);
        doc.put("fingerprint", fingerprint);
        try {
            doc.set(
                    "signing",
                    Keyring.JSON.readTree(TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(signingPublic)));
            doc.set(
                    "receiving",
                    Keyring.JSON.readTree(TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(receivingPublic)));
        } catch (JsonProcessingException e) {
            throw new KeyringException("cannot export the public keys of '" + party + "': " + e.getMessage(), e);
        }
        if (positionsFor.isPresent() && sealedPositions.isPresent()) {
            ObjectNode positions = doc.putObject("positions");
            positions.put("for", positionsFor.get());
            positions.put("sealed", Base64.getEncoder().encodeToString(sealedPositions.get()));
        }
        // signed by this party: nobody can swap the sealed position keys (HPKE alone does not say who sealed them)
        // or any other field without breaking the signature, and swapping the signing keys too changes the fingerprint
        doc.put("signature", Base64.getEncoder().encodeToString(signer.sign(exportedBytes(doc))));
        return Keyring.toJson(doc);
    }

    /**
     * Reads an export document addressed to the keyring {@code reader}: refuses one of the reader itself, one its
     * party did not sign, one whose fingerprint field does not match its keys; opens position keys sealed to the
     * reader with {@code decrypter}.
     */
    static Received receive(String document, String source, String reader, HybridDecrypt decrypter) {
        PublicKeys keys = parse(document, source);
        String party = keys.party();
        if (party.equals(reader)) {
            throw new KeyringException(source + " holds the public keys of '" + party + "', this keyring itself");
        }
        JsonNode doc = Keyring.parseJson(document, Path.of(source));
        checkExportSignature(doc, keys, source);
        JsonNode positions = doc.path("positions");
        KeysetHandle sharedPositionKeys = null;
        if (!positions.isMissingNode() && reader.equals(positions.path("for").asText())) {
            try {
                byte[] sealed =
                        Base64.getDecoder().decode(positions.path("sealed").asText());
                String keyset =
                        new String(decrypter.decrypt(sealed, positionsContext(party, reader)), StandardCharsets.UTF_8);
                sharedPositionKeys = TinkJsonProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get());
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new KeyringException(
                        "cannot open the position keys that " + source + " shares with '" + reader
                                + "' (sealed to another key of '" + reader + "', or altered): " + e.getMessage(),
                        e);
            }
        }
        String fingerprint = fingerprint(keys.signing(), keys.receiving(), sharedPositionKeys);
        if (!fingerprint.equals(doc.path("fingerprint").asText())) {
            throw new KeyringException(source + ": its fingerprint field ("
                    + doc.path("fingerprint").asText() + ") does not match the keys it holds (" + fingerprint
                    + "); refusing it");
        }
        return new Received(keys, sharedPositionKeys, fingerprint);
    }

    /**
     * Refuses a document that changes any key of a party already trusted (a key added, dropped or swapped, position
     * keys included), naming what changes.
     */
    static void checkUnchanged(PublicKeys known, KeysetHandle knownPositions, Received received, String source) {
        PublicKeys keys = received.keys();
        String party = known.party();
        String before = fingerprint(known.signing(), known.receiving(), knownPositions);
        boolean sharedBefore = knownPositions != null;
        boolean sharedNow = received.sharedPositions() != null;
        if (before.equals(received.fingerprint()) && sharedBefore == sharedNow) {
            return;
        }
        throw new KeyringException(source + " changes the keys of '" + party + "' that this keyring trusts"
                + " (signing " + Keyring.formatted(Keyring.ids(known.signing())) + " -> "
                + Keyring.formatted(Keyring.ids(keys.signing()))
                + ", receiving " + Keyring.formatted(Keyring.ids(known.receiving())) + " -> "
                + Keyring.formatted(Keyring.ids(keys.receiving())) + ", position keys "
                + (sharedBefore ? "shared" : "none") + " -> " + (sharedNow ? "shared" : "none") + "; fingerprint "
                + before + " -> " + received.fingerprint() + "); check the new fingerprint with '" + party
                + "' and import again with --replace or --expect-fingerprint");
    }

    static byte[] positionsContext(String from, String to) {
        return ("stego-ehealth position keys from " + from + " to " + to).getBytes(StandardCharsets.UTF_8);
    }

    static String trustedDocument(PublicKeys keys) {
        ObjectNode doc = Keyring.JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("party", keys.party());
        try {
            doc.set(
                    "signing",
                    Keyring.JSON.readTree(TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(keys.signing())));
            doc.set(
                    "receiving",
                    Keyring.JSON.readTree(TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(keys.receiving())));
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new KeyringException(
                    "cannot serialise the public keys of '" + keys.party() + "': " + e.getMessage(), e);
        }
        return Keyring.toJson(doc);
    }

    static PublicKeys parse(String document, String source) {
        JsonNode doc = Keyring.parseJson(document, Path.of(source));
        if (!FORMAT.equals(doc.path("format").asText())) {
            throw new KeyringException(source + " is not a public-key file of Stego-eHealth (expected format " + FORMAT
                    + "; write one with 'stego keys export-public')");
        }
        String party = doc.path("party").asText();
        Keyring.checkName(party, "party name in " + source);
        KeysetHandle signing = publicKeyset(doc, "signing", source);
        KeysetHandle receiving = publicKeyset(doc, "receiving", source);
        for (int i = 0; i < signing.size(); i++) {
            if (!(signing.getAt(i).getKey() instanceof Ed25519PublicKey)) {
                throw new KeyringException(source + ": signing keys must be Ed25519 public keys");
            }
        }
        for (int i = 0; i < receiving.size(); i++) {
            if (!(receiving.getAt(i).getKey() instanceof HpkePublicKey)) {
                throw new KeyringException(source + ": receiving keys must be HPKE public keys");
            }
        }
        return new PublicKeys(party, signing, receiving);
    }

    private static KeysetHandle publicKeyset(JsonNode doc, String field, String source) {
        JsonNode node = doc.get(field);
        if (node == null || !node.isObject()) {
            throw new KeyringException(source + " has no '" + field + "' keyset");
        }
        try {
            return TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(node.toString());
        } catch (GeneralSecurityException e) {
            throw new KeyringException(
                    source + ": the '" + field + "' keyset is not a public Tink keyset (" + e.getMessage() + ")", e);
        }
    }

    /**
     * SHA-256 over every public key (id and key bytes) and, when {@code positions} is given, each position key's id
     * and a PRF output of it on a fixed label (the keys themselves are secret): any key added, dropped or swapped
     * changes it.
     */
    static String fingerprint(KeysetHandle signing, KeysetHandle receiving, KeysetHandle positions) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (KeysetHandle handle : List.of(signing, receiving)) {
                for (int i = 0; i < handle.size(); i++) {
                    KeysetHandle.Entry e = handle.getAt(i);
                    sha.update(ByteBuffer.allocate(4).putInt(e.getId()).array());
                    sha.update(publicBytes(e.getKey()));
                }
            }
            if (positions != null) {
                Map<Integer, com.google.crypto.tink.prf.Prf> prfs = new TreeMap<>(positions
                        .getPrimitive(RegistryConfiguration.get(), PrfSet.class)
                        .getPrfs());
                for (Map.Entry<Integer, com.google.crypto.tink.prf.Prf> e : prfs.entrySet()) {
                    sha.update(ByteBuffer.allocate(4).putInt(e.getKey()).array());
                    sha.update(e.getValue().compute(POSITIONS_FINGERPRINT_LABEL, 16));
                }
            }
            String hex = HexFormat.of().formatHex(sha.digest(), 0, 16);
            return String.join(" ", hex.split("(?<=\\G.{4})"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot fingerprint position keys: " + e.getMessage(), e);
        }
    }

    private static final byte[] POSITIONS_FINGERPRINT_LABEL =
            "stego-ehealth position key fingerprint".getBytes(StandardCharsets.UTF_8);

    /** Fingerprints compare without regard to spaces or case, as people read them out. */
    static boolean sameFingerprint(String a, String b) {
        return a.replace(" ", "").equalsIgnoreCase(b.replace(" ", ""));
    }

    /** The signed bytes of an export document: each field, length-prefixed, in a fixed order. */
    private static byte[] exportedBytes(JsonNode doc) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String field : List.of(
                doc.path("format").asText(),
                doc.path("party").asText(),
                doc.path("fingerprint").asText(),
                doc.path("signing").toString(),
                doc.path("receiving").toString(),
                doc.path("positions").path("for").asText(),
                doc.path("positions").path("sealed").asText())) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** Refuses an export document that its own party did not sign (or that was changed after it was signed). */
    static void checkExportSignature(JsonNode doc, PublicKeys keys, String source) {
        String signature = doc.path("signature").asText("");
        if (signature.isEmpty()) {
            throw new KeyringException(source + " is not signed by '" + keys.party() + "' (ask for a new export:"
                    + " 'stego keys export-public' signs it)");
        }
        try {
            keys.signing()
                    .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class)
                    .verify(Base64.getDecoder().decode(signature), exportedBytes(doc));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyringException(source + ": its signature does not verify with the signing keys it holds;"
                    + " it was changed after '" + keys.party() + "' exported it, refusing it");
        }
    }

    private static byte[] publicBytes(Key key) {
        if (key instanceof Ed25519PublicKey k) {
            return k.getPublicKeyBytes().toByteArray();
        }
        if (key instanceof HpkePublicKey k) {
            return k.getPublicKeyBytes().toByteArray();
        }
        throw new KeyringException(
                "unexpected public key type " + key.getClass().getSimpleName());
    }
}
