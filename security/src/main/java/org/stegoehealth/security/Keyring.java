package org.stegoehealth.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.signature.SignatureConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.stegoehealth.security.PublicKeyExchange.PublicKeys;

/**
 * The keyring of one party (the hospital or a clinic): a directory, readable by its owner only, holding Tink keysets
 * for signing (Ed25519), for receiving (HPKE X25519 + AES-256-GCM) and for keyed positions (HKDF-SHA256 PRF), and
 * the public keys of the parties it trusts.
 *
 * <pre>
 * DIR/keyring.json              name and format of the keyring
 * DIR/signing.json              Ed25519 keyset (private)
 * DIR/receiving.json            HPKE keyset (private)
 * DIR/positions.json            PRF keyset (secret)
 * DIR/trusted/PARTY.json        public signing and receiving keys of PARTY
 * DIR/trusted/PARTY.positions.json  PARTY's position keys, if PARTY shared them sealed to this keyring
 * </pre>
 *
 * This class keeps the keyring's life cycle (create, open, rotate, retire) and what its keys do; the documents by
 * which parties exchange public keys are {@link PublicKeyExchange}'s.
 *
 * <p>Rotation adds a new primary key to a keyset and keeps the old ones enabled, so that what was signed or encrypted
 * with them still verifies and opens. A {@code Keyring} is an immutable snapshot; {@link #rotate} and
 * {@link #importPublic} write the files and return the new snapshot. Thread-safe.
 */
public final class Keyring {

    public static final String FORMAT = "stego-ehealth-keyring/1";
    public static final String PUBLIC_FORMAT = PublicKeyExchange.FORMAT;
    private static final String META_FILE = "keyring.json";
    private static final String TRUSTED_DIR = "trusted";
    private static final String POSITIONS_SUFFIX = ".positions.json";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static {
        try {
            SignatureConfig.register();
            HybridConfig.register();
            PrfConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The outcome of an import: the updated keyring and the party whose keys were imported. */
    public record Imported(Keyring keyring, TrustedParty party) {}

    private final Path dir;
    private final String name;
    private final Map<KeyPurpose, KeysetHandle> keysets;
    private final Map<String, PublicKeys> trusted;
    private final Map<String, KeysetHandle> sharedPositions;
    private final Signer signer;
    private final Verifier verifier;
    private final HybridDecrypt decrypter;

    private Keyring(
            Path dir,
            String name,
            Map<KeyPurpose, KeysetHandle> keysets,
            Map<String, PublicKeys> trusted,
            Map<String, KeysetHandle> sharedPositions) {
        this.dir = dir;
        this.name = name;
        this.keysets = Collections.unmodifiableMap(new EnumMap<>(keysets));
        this.trusted = Collections.unmodifiableMap(new TreeMap<>(trusted));
        this.sharedPositions = Collections.unmodifiableMap(new TreeMap<>(sharedPositions));
        try {
            KeysetHandle signing = keysets.get(KeyPurpose.SIGNING);
            this.signer = new Signer(
                    name,
                    signing.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class),
                    signing.getPrimary().getId());
            List<Verifier.Party> parties = new ArrayList<>();
            parties.add(verifierParty(name, signing.getPublicKeysetHandle()));
            for (PublicKeys p : this.trusted.values()) {
                parties.add(verifierParty(p.party(), p.signing()));
            }
            this.verifier = new Verifier(parties);
            this.decrypter =
                    keysets.get(KeyPurpose.RECEIVING).getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
        } catch (GeneralSecurityException e) {
            throw new KeyringException("keyring " + dir + " holds keys Tink cannot use: " + e.getMessage(), e);
        }
    }

    private static Verifier.Party verifierParty(String party, KeysetHandle publicSigning)
            throws GeneralSecurityException {
        return new Verifier.Party(
                party,
                Set.copyOf(ids(publicSigning)),
                publicSigning.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // creating and opening

    /**
     * Creates a keyring named {@code name} in {@code dir} (created owner-only if missing) with fresh signing,
     * receiving and position keysets.
     *
     * @throws KeyringException if a keyring already exists there, the name is not valid, or files cannot be written
     */
    public static Keyring init(Path dir, String name) {
        checkName(name, "keyring name");
        if (Files.exists(dir.resolve(META_FILE))) {
            throw new KeyringException("a keyring already exists in " + dir + "; use 'stego keys rotate' to renew its"
                    + " keys, or choose another directory");
        }
        KeyringFiles.createPrivateDirectory(dir);
        KeyringFiles.createPrivateDirectory(dir.resolve(TRUSTED_DIR));
        try {
            for (KeyPurpose purpose : KeyPurpose.values()) {
                writeKeyset(dir, purpose, KeysetHandle.generateNew(purpose.parameters()));
            }
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot generate keys for keyring " + dir + ": " + e.getMessage(), e);
        }
        ObjectNode meta = JSON.createObjectNode();
        meta.put("format", FORMAT);
        meta.put("name", name);
        meta.put("createdAt", Instant.now().toString());
        // written last: a directory without it is not a keyring, so an interrupted init can simply be run again
        KeyringFiles.writePrivate(dir.resolve(META_FILE), toJson(meta));
        return open(dir);
    }

    /**
     * Opens the keyring in {@code dir}.
     *
     * @throws KeyringException naming the directory or file when the keyring is missing, unreadable, accessible by
     *     others, or damaged
     */
    public static Keyring open(Path dir) {
        if (!Files.isDirectory(dir) || !Files.exists(dir.resolve(META_FILE))) {
            throw new KeyringException("no keyring in " + dir + " (create one with 'stego keys init --name NAME', or"
                    + " point keyring.dir / STEGO_KEYRING_DIR at an existing one)");
        }
        KeyringFiles.checkPrivateDirectory(dir);
        JsonNode meta = parseJson(KeyringFiles.readPrivate(dir.resolve(META_FILE)), dir.resolve(META_FILE));
        if (!FORMAT.equals(meta.path("format").asText())) {
            throw new KeyringException("keyring file " + dir.resolve(META_FILE) + " is not a " + FORMAT + " keyring");
        }
        String name = meta.path("name").asText();
        checkName(name, "keyring name in " + dir.resolve(META_FILE));
        Map<KeyPurpose, KeysetHandle> keysets = new EnumMap<>(KeyPurpose.class);
        for (KeyPurpose purpose : KeyPurpose.values()) {
            Path file = dir.resolve(purpose.fileName());
            try {
                keysets.put(
                        purpose,
                        TinkJsonProtoKeysetFormat.parseKeyset(
                                KeyringFiles.readPrivate(file), InsecureSecretKeyAccess.get()));
            } catch (GeneralSecurityException e) {
                throw new KeyringException(
                        "keyring file " + file + " is not a valid Tink keyset: " + e.getMessage(), e);
            }
        }
        Map<String, PublicKeys> trusted = new TreeMap<>();
        Map<String, KeysetHandle> positions = new TreeMap<>();
        Path trustedDir = dir.resolve(TRUSTED_DIR);
        if (Files.isDirectory(trustedDir)) {
            KeyringFiles.checkPrivateDirectory(trustedDir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(trustedDir, "*.json")) {
                for (Path file : files) {
                    String fileName = file.getFileName().toString();
                    if (fileName.startsWith(".")) {
                        continue; // a leftover of an interrupted write, never a key file
                    }
                    if (fileName.endsWith(POSITIONS_SUFFIX)) {
                        String party = fileName.substring(0, fileName.length() - POSITIONS_SUFFIX.length());
                        try {
                            positions.put(
                                    party,
                                    TinkJsonProtoKeysetFormat.parseKeyset(
                                            KeyringFiles.readPrivate(file), InsecureSecretKeyAccess.get()));
                        } catch (GeneralSecurityException e) {
                            throw new KeyringException(
                                    "keyring file " + file + " is not a valid Tink keyset: " + e.getMessage(), e);
                        }
                    } else {
                        PublicKeys keys = PublicKeyExchange.parse(KeyringFiles.readPrivate(file), file.toString());
                        trusted.put(keys.party(), keys);
                    }
                }
            } catch (IOException e) {
                throw new KeyringException("cannot list " + trustedDir + " (" + e.getMessage() + ")", e);
            }
        }
        return new Keyring(dir, name, keysets, trusted, positions);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // using

    /** The directory the keyring lives in. */
    public Path dir() {
        return dir;
    }

    /** The party this keyring belongs to, e.g. {@code hospital} or {@code clinic-a}. */
    public String name() {
        return name;
    }

    /** Signs with this party's primary Ed25519 key. */
    public Signer signer() {
        return signer;
    }

    /** Verifies with every public signing key this party trusts (its own and imported ones, all versions). */
    public Verifier verifier() {
        return verifier;
    }

    /**
     * Encrypts to {@code party}'s primary receiving (HPKE) key; {@code party} may be this keyring's own name.
     *
     * @throws KeyringException if this keyring holds no public keys of {@code party}
     */
    public HybridEncrypt encrypterFor(String party) {
        try {
            return receivingKeys(party).getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot encrypt to '" + party + "': " + e.getMessage(), e);
        }
    }

    /** Id of the receiving key that {@link #encrypterFor(String)} encrypts to. */
    public String receivingKeyIdOf(String party) {
        return KeyIds.format(receivingKeys(party).getPrimary().getId());
    }

    private KeysetHandle receivingKeys(String party) {
        try {
            if (party.equals(name)) {
                return keysets.get(KeyPurpose.RECEIVING).getPublicKeysetHandle();
            }
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot read the public receiving keys of " + dir + ": " + e.getMessage(), e);
        }
        PublicKeys keys = trusted.get(party);
        if (keys == null) {
            throw new KeyringException("keyring '" + name + "' (" + dir + ") holds no public keys of '" + party
                    + "' (import them with 'stego keys import-public FILE'; known: " + knownParties() + ")");
        }
        return keys.receiving();
    }

    /** Opens what was encrypted to this party's receiving keys, rotated-out ones included. */
    public HybridDecrypt decrypter() {
        return decrypter;
    }

    /** Ids of this party's receiving keys (all versions), to tell whether a ciphertext was meant for this keyring. */
    public Set<String> receivingKeyIds() {
        return formatted(ids(keysets.get(KeyPurpose.RECEIVING)));
    }

    /** This party's own position keys (PRF, all versions, addressable by key id). */
    public PrfSet positionKeys() {
        return prfSet(keysets.get(KeyPurpose.POSITIONS), "own position keys");
    }

    /**
     * The position keys {@code party} shared with this keyring (sealed to it on export), or this party's own when
     * {@code party} is its own name.
     *
     * @throws KeyringException if {@code party} has not shared position keys with this keyring
     */
    public PrfSet positionKeysOf(String party) {
        if (party.equals(name)) {
            return positionKeys();
        }
        KeysetHandle keys = sharedPositions.get(party);
        if (keys == null) {
            throw new KeyringException("keyring '" + name + "' holds no position keys of '" + party + "' (on the"
                    + " side of '" + party + "', run 'stego keys export-public --share-positions-with " + name
                    + "' and import the file here)");
        }
        return prfSet(keys, "position keys of " + party);
    }

    private PrfSet prfSet(KeysetHandle keys, String what) {
        try {
            return keys.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot use the " + what + " of keyring " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Every key of this keyring's own keysets, without secret material. */
    public List<KeyInfo> keys() {
        List<KeyInfo> out = new ArrayList<>();
        keysets.forEach((purpose, handle) -> {
            for (int i = 0; i < handle.size(); i++) {
                KeysetHandle.Entry e = handle.getAt(i);
                out.add(new KeyInfo(
                        purpose,
                        KeyIds.format(e.getId()),
                        e.isPrimary(),
                        e.getStatus().toString()));
            }
        });
        return out;
    }

    /** The parties whose public keys this keyring imported, by name. */
    public List<TrustedParty> trusted() {
        List<TrustedParty> out = new ArrayList<>();
        trusted.values().forEach(p -> out.add(describe(p)));
        return out;
    }

    private TrustedParty describe(PublicKeys p) {
        return new TrustedParty(
                p.party(),
                List.copyOf(formatted(ids(p.signing()))),
                List.copyOf(formatted(ids(p.receiving()))),
                sharedPositions.containsKey(p.party()),
                PublicKeyExchange.fingerprint(p.signing(), p.receiving(), sharedPositions.get(p.party())));
    }

    /** SHA-256 over this keyring's public keys, to compare with what another party imported. */
    public String fingerprint() {
        return fingerprint(false);
    }

    /**
     * As {@link #fingerprint()}, covering this keyring's position keys too when {@code withPositions}: the
     * fingerprint of an export that shares them, which the receiving party sees after importing it.
     */
    private String fingerprint(boolean withPositions) {
        try {
            return PublicKeyExchange.fingerprint(
                    keysets.get(KeyPurpose.SIGNING).getPublicKeysetHandle(),
                    keysets.get(KeyPurpose.RECEIVING).getPublicKeysetHandle(),
                    withPositions ? keysets.get(KeyPurpose.POSITIONS) : null);
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot read the public keys of " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // changing

    /**
     * Adds a new primary key to each keyset in {@code purposes}; the previous keys stay enabled, so what they signed
     * or what was encrypted to them still verifies and opens.
     *
     * @return the keyring after the rotation
     */
    public Keyring rotate(Set<KeyPurpose> purposes) {
        try {
            for (KeyPurpose purpose : purposes) {
                KeysetHandle rotated = KeysetHandle.newBuilder(keysets.get(purpose))
                        .addEntry(KeysetHandle.generateEntryFromParameters(purpose.parameters())
                                .withRandomId()
                                .makePrimary())
                        .build();
                writeKeyset(dir, purpose, rotated);
            }
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot rotate keys of keyring " + dir + ": " + e.getMessage(), e);
        }
        return open(dir);
    }

    /**
     * Removes the key {@code keyId} (as {@link #keys()} prints it) from this keyring, for a key that is compromised or
     * no longer wanted: a retired signing key no longer verifies here, and what was encrypted to a retired receiving
     * key no longer opens. The primary key of a keyset cannot be retired; rotate first. Other parties drop it when
     * they import this keyring's public keys again with {@code --replace}.
     *
     * @return the keyring after the change
     * @throws KeyringException for an unknown key id or a primary key
     */
    public Keyring retire(String keyId) {
        int id;
        try {
            id = KeyIds.parse(keyId);
        } catch (IllegalArgumentException e) {
            throw new KeyringException(e.getMessage() + " (see 'stego keys list')");
        }
        for (Map.Entry<KeyPurpose, KeysetHandle> keyset : keysets.entrySet()) {
            KeysetHandle handle = keyset.getValue();
            for (int i = 0; i < handle.size(); i++) {
                if (handle.getAt(i).getId() != id) {
                    continue;
                }
                String purpose = keyset.getKey().label();
                if (handle.getAt(i).isPrimary()) {
                    throw new KeyringException("key " + keyId + " is the primary " + purpose + " key of keyring '"
                            + name + "'; run 'stego keys rotate --purpose " + purpose + "' first, then retire it");
                }
                try {
                    writeKeyset(
                            dir,
                            keyset.getKey(),
                            KeysetHandle.newBuilder(handle).deleteAt(i).build());
                } catch (GeneralSecurityException e) {
                    throw new KeyringException(
                            "cannot retire key " + keyId + " of keyring " + dir + ": " + e.getMessage(), e);
                }
                return open(dir);
            }
        }
        throw new KeyringException(
                "keyring '" + name + "' (" + dir + ") has no key " + keyId + " (see 'stego keys list')");
    }

    /**
     * This party's public keys as a JSON document to hand to other parties. With {@code sharePositionsWith}, the
     * document also carries this party's position keys, encrypted to that (already imported) party's receiving key.
     */
    public String exportPublic(Optional<String> sharePositionsWith) {
        Optional<byte[]> sealedPositions = sharePositionsWith.map(this::sealedPositionKeys);
        try {
            return PublicKeyExchange.document(
                    name,
                    fingerprint(sharePositionsWith.isPresent()),
                    keysets.get(KeyPurpose.SIGNING).getPublicKeysetHandle(),
                    keysets.get(KeyPurpose.RECEIVING).getPublicKeysetHandle(),
                    sharePositionsWith,
                    sealedPositions,
                    signer);
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot export the public keys of " + dir + ": " + e.getMessage(), e);
        }
    }

    /** This keyring's position keys, encrypted to the (already imported) party {@code recipient}. */
    private byte[] sealedPositionKeys(String recipient) {
        if (recipient.equals(name)) {
            throw new KeyringException("position keys are shared with another party, not with '" + name + "' itself");
        }
        try {
            byte[] secret = TinkJsonProtoKeysetFormat.serializeKeyset(
                            keysets.get(KeyPurpose.POSITIONS), InsecureSecretKeyAccess.get())
                    .getBytes(StandardCharsets.UTF_8);
            return encrypterFor(recipient).encrypt(secret, PublicKeyExchange.positionsContext(name, recipient));
        } catch (GeneralSecurityException e) {
            throw new KeyringException("cannot export the public keys of " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Trusts the public keys in {@code document} (as written by {@link #exportPublic}); position keys sealed to this
     * keyring are opened and kept. Importing a party again replaces its keys if the new document still holds every
     * signing key already trusted (a rotation); otherwise only with {@code replace}.
     *
     * @param source where the document came from, for error messages
     */
    public Imported importPublic(String document, String source, boolean replace) {
        return importPublic(document, source, replace, Optional.empty());
    }

    /** The party whose public keys {@code document} holds (checked as an import would, nothing written). */
    public static String partyOf(String document, String source) {
        return PublicKeyExchange.parse(document, source).party();
    }

    /**
     * As {@link #importPublic(String, String, boolean)}. The document must be signed by the party it names and carry
     * the fingerprint of what it holds. A document that changes any key of a party already trusted (a key added,
     * dropped or swapped, position keys included) is refused unless {@code replace}, or unless its fingerprint is
     * {@code expectedFingerprint} (as read out by the party over another channel); a wrong expected fingerprint is
     * refused in any case. Nothing is written when it is refused.
     */
    public Imported importPublic(
            String document, String source, boolean replace, Optional<String> expectedFingerprint) {
        PublicKeyExchange.Received received = PublicKeyExchange.receive(document, source, name, decrypter);
        PublicKeys keys = received.keys();
        String party = keys.party();
        KeysetHandle sharedPositionKeys = received.sharedPositions();
        String fingerprint = received.fingerprint();
        if (expectedFingerprint.isPresent()
                && !PublicKeyExchange.sameFingerprint(expectedFingerprint.get(), fingerprint)) {
            throw new KeyringException(source + " holds keys of '" + party + "' with fingerprint " + fingerprint
                    + ", not the expected " + expectedFingerprint.get() + "; refusing it");
        }
        PublicKeys known = trusted.get(party);
        if (known != null && !replace && expectedFingerprint.isEmpty()) {
            PublicKeyExchange.checkUnchanged(known, sharedPositions.get(party), received, source);
        }
        Path trustedDir = dir.resolve(TRUSTED_DIR);
        KeyringFiles.createPrivateDirectory(trustedDir);
        KeyringFiles.writePrivate(trustedDir.resolve(party + ".json"), PublicKeyExchange.trustedDocument(keys));
        if (sharedPositionKeys != null) {
            try {
                KeyringFiles.writePrivate(
                        trustedDir.resolve(party + POSITIONS_SUFFIX),
                        TinkJsonProtoKeysetFormat.serializeKeyset(sharedPositionKeys, InsecureSecretKeyAccess.get()));
            } catch (GeneralSecurityException e) {
                throw new KeyringException("cannot store the position keys of '" + party + "': " + e.getMessage(), e);
            }
        }
        Keyring updated = open(dir);
        return new Imported(updated, updated.describe(updated.trusted.get(party)));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    private static void writeKeyset(Path dir, KeyPurpose purpose, KeysetHandle handle) throws GeneralSecurityException {
        KeyringFiles.writePrivate(
                dir.resolve(purpose.fileName()),
                TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get()));
    }

    static List<Integer> ids(KeysetHandle handle) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            ids.add(handle.getAt(i).getId());
        }
        return ids;
    }

    static Set<String> formatted(Iterable<Integer> ids) {
        Set<String> out = new LinkedHashSet<>();
        ids.forEach(id -> out.add(KeyIds.format(id)));
        return out;
    }

    private String knownParties() {
        return trusted.isEmpty() ? "none" : String.join(", ", trusted.keySet());
    }

    static void checkName(String name, String what) {
        if (name != null && (name + ".json").endsWith(POSITIONS_SUFFIX)) {
            throw new KeyringException(what + " '" + name + "' is not valid: names ending in '.positions' would"
                    + " collide with the keyring's position-key files");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new KeyringException(what + " '" + name + "' is not valid (1-64 of a-z, 0-9, '.', '_', '-',"
                    + " starting with a letter or digit)");
        }
    }

    static JsonNode parseJson(String text, Path source) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new KeyringException(source + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new KeyringException(source + " is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    static String toJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Keyring{" + name + " at " + dir + "}";
    }
}
