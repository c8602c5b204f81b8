package org.stegoehealth.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.stegoehealth.errors.StegoException;
import org.stegoehealth.security.Certificates;

/**
 * The HTTPS server's key and certificate: a configured PKCS12 key store, or a self-signed certificate made once and
 * kept (owner-only) in a folder, valid for a year for the configured host names. Browsers warn about a self-signed
 * certificate until the clinic trusts it or configures one of its own.
 *
 * @param store the key store holding one private key entry with its chain
 * @param password the store's (and key's) password
 * @param certificate the server's certificate, to show its SHA-256 fingerprint and for clients that pin it
 */
public record TlsKeys(KeyStore store, String password, X509Certificate certificate) {

    static final String ALIAS = "stego-viewer";
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(365);

    /** Loads the PKCS12 key store {@code file}. */
    public static TlsKeys load(Path file, String password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(Certificates.STORE_TYPE);
            store.load(in, password.toCharArray());
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return new TlsKeys(store, password, (X509Certificate) store.getCertificate(alias));
                }
            }
            throw new StegoException("key store " + file + " holds no private key entry");
        } catch (IOException | GeneralSecurityException e) {
            throw new StegoException("cannot read the key store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The self-signed certificate in {@code dir} ({@code server.p12} with its password in {@code server.password}),
     * made there first if absent.
     */
    public static TlsKeys selfSigned(Path dir, List<String> hosts) {
        Path store = dir.resolve("server.p12");
        Path passwordFile = dir.resolve("server.password");
        try {
            if (Files.exists(store) && Files.exists(passwordFile)) {
                return load(store, Files.readString(passwordFile).strip());
            }
            Files.createDirectories(dir);
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String password = HexFormat.of().formatHex(secret);
            KeyPair keys = Certificates.ecKeys();
            X509Certificate cert = Certificates.server(
                    keys, hosts, "Stego-eHealth viewer", null, keys.getPrivate(), SELF_SIGNED_VALIDITY);
            KeyStore ks = Certificates.emptyStore();
            ks.setKeyEntry(ALIAS, keys.getPrivate(), password.toCharArray(), new Certificate[] {cert});
            try (OutputStream out = privateFile(store)) {
                Certificates.write(ks, out, password);
            }
            try (OutputStream out = privateFile(passwordFile)) {
                out.write(password.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            return new TlsKeys(ks, password, cert);
        } catch (IOException | GeneralSecurityException e) {
            throw new StegoException("cannot make the viewer's certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the certificate, colon-separated hex, as browsers show it. */
    public String fingerprint() {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OutputStream privateFile(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX: the folder's permissions apply
        }
        return out;
    }
}
