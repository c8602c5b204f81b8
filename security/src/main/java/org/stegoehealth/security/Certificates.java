package org.stegoehealth.security;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * X.509 certificates for TLS servers of Stego-eHealth (the local stack's broker, the clinic's web viewer): P-256 keys,
 * ECDSA with SHA-256, made with BouncyCastle's PKIX builders and kept in the JDK's PKCS12 key stores. A server
 * certificate names its hosts as subject alternative names ({@code 127.0.0.1} as an IP address, others as DNS
 * names) and is valid from an hour back, so a clock a little behind still accepts it.
 */
public final class Certificates {

    /** The key store type of every store written here. */
    public static final String STORE_TYPE = "PKCS12";

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {}

    /** A fresh P-256 key pair. */
    public static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** A self-signed certificate authority that may sign server certificates (path length 0). */
    public static X509Certificate authority(KeyPair keys, String commonName, Duration validity)
            throws GeneralSecurityException {
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    name, serial(), notBefore(now), Date.from(now.plus(validity)), name, keys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return sign(builder, keys.getPrivate());
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot make the certificate of " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * A server certificate for {@code hosts} (the first is the subject's common name), signed by {@code issuer}, or
     * self-signed when {@code issuer} is null ({@code issuerKey} is then the subject's own private key).
     */
    public static X509Certificate server(
            KeyPair keys,
            List<String> hosts,
            String organisation,
            X509Certificate issuer,
            PrivateKey issuerKey,
            Duration validity)
            throws GeneralSecurityException {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one host name");
        }
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + hosts.get(0) + ", O=" + organisation);
        try {
            X509v3CertificateBuilder builder = issuer == null
                    ? new JcaX509v3CertificateBuilder(
                            subject, serial(), notBefore(now), Date.from(now.plus(validity)), subject, keys.getPublic())
                    : new JcaX509v3CertificateBuilder(
                            issuer, serial(), notBefore(now), Date.from(now.plus(validity)), subject, keys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            List<GeneralName> names = new ArrayList<>();
            for (String host : hosts) {
                names.add(
                        host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':')
                                ? new GeneralName(GeneralName.iPAddress, host)
                                : new GeneralName(GeneralName.dNSName, host));
            }
            builder.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            if (issuer != null) {
                builder.addExtension(
                        Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
            }
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return sign(builder, issuerKey);
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot make the certificate of " + subject + ": " + e.getMessage(), e);
        }
    }

    /** An empty PKCS12 key store. */
    public static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(STORE_TYPE);
        store.load(null, null);
        return store;
    }

    /** Writes {@code store} to {@code out} under {@code password}. */
    public static void write(KeyStore store, OutputStream out, String password)
            throws GeneralSecurityException, IOException {
        store.store(out, password.toCharArray());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static Date notBefore(Instant now) {
        return Date.from(now.minus(Duration.ofHours(1)));
    }
}
