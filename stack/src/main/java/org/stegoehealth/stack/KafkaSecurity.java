package org.stegoehealth.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.security.Certificates;

/**
 * The security of a secure local stack: TLS and SASL/SCRAM-SHA-512 for clients, one Kafka user per application
 * ({@link Principal}), and the files that hold them, all owner-only in one folder.
 *
 * <p>{@link #generate} makes a certificate authority (its private key stays in memory and is dropped once it has
 * signed), a broker certificate for {@code 127.0.0.1} and {@code localhost} signed by it, a PKCS12 key store for the
 * broker, a PKCS12 trust store holding only the authority for the clients, and a random password per principal.
 * Certificates are made by {@link Certificates} (BouncyCastle's PKIX builders) and stored in PKCS12 key stores.
 *
 * <p>The broker gets two listeners, both TLS: {@code CLIENT} (SASL/SCRAM-SHA-512; also the inter-broker listener,
 * on which the broker authenticates as {@code admin}) and {@code CONTROLLER} (SASL/PLAIN with the {@code admin}
 * credentials written in its owner-only configuration: KRaft keeps SCRAM credentials in the metadata log, which
 * the controller listener must serve before it can read them). Nothing listens in clear.
 */
public final class KafkaSecurity {

    /** SASL mechanism of the client listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    static final String CLIENT_LISTENER = "CLIENT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final String STORE_TYPE = "PKCS12";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRETS_FILE = "secrets.properties";
    private static final String STORE_PASSWORD_KEY = "store.password";
    private static final String PASSWORD_KEY_PREFIX = "password.";
    /** The broker's security settings, written by {@link #writeBrokerFiles}. */
    public static final String BROKER_FILE = "broker.properties";
    /** The storage format's arguments, written by {@link #writeBrokerFiles}. */
    public static final String FORMAT_ARGUMENTS_FILE = "format-arguments";

    /** The Kafka users of a secure stack; what each may do is granted by {@link AccessControl}. */
    public enum Principal {
        /** Super user: creates topics, users and ACLs, publishes models, reads everything. */
        ADMIN,
        /** Hospital producers: write X-rays and covers. */
        PRODUCER,
        /** The embedder: X-rays, covers and models in; stego images and dead letters out. */
        EMBEDDER,
        /** The extractor: stego images and models in; recovered X-rays and dead letters out; never X-rays. */
        EXTRACTOR,
        /**
         * MirrorMaker 2: on the hospital's cluster reads the crossing topics and writes the receipts copied back; on
         * the clinic's writes the crossing topics and reads the receipts; on each, its own bookkeeping topics and
         * worker group. On one cluster it only reads the stego and model topics.
         */
        MIRROR,
        /** The clinic's web viewer: reads recovered X-rays, dead letters and models; writes the audit trail only. */
        VIEWER;

        /** The user name ({@code producer}), also the name of its client configuration file. */
        public String user() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Path dir;
    private final Path keyStore;
    private final Path trustStore;
    private final String storePassword;
    private final Map<Principal, String> passwords;

    private KafkaSecurity(
            Path dir, Path keyStore, Path trustStore, String storePassword, Map<Principal, String> passwords) {
        this.dir = dir;
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.storePassword = storePassword;
        this.passwords = passwords;
    }

    /**
     * Generates a certificate authority, the broker's certificate and key store, the trust store and a password for
     * every principal.
     */
    public static KafkaSecurity generate(Path dir) {
        return generate(dir, EnumSet.allOf(Principal.class));
    }

    /**
     * As {@link #generate(Path)} for a cluster with the Kafka users {@code principals} only ({@code admin} always):
     * each cluster of a two-cluster stack has its own authority, certificate and passwords, so credentials of one are
     * worth nothing at the other.
     */
    public static KafkaSecurity generate(Path dir, Set<Principal> principals) {
        return generate(dir, principals, VALIDITY, Set.of());
    }

    /**
     * As {@link #generate(Path, Set)}, with the authority and the broker certificate valid for {@code validity}, and
     * the certificate naming {@code hosts} besides {@code 127.0.0.1} and {@code localhost}.
     */
    public static KafkaSecurity generate(Path dir, Set<Principal> principals, Duration validity, Set<String> hosts) {
        Path abs = dir.toAbsolutePath();
        LocalSupport.createPrivateDirectory(abs);
        String storePassword = randomSecret();
        Map<Principal, String> passwords = new EnumMap<>(Principal.class);
        passwords.put(Principal.ADMIN, randomSecret());
        for (Principal p : principals) {
            passwords.computeIfAbsent(p, k -> randomSecret());
        }
        Path keyStore = abs.resolve("broker.p12");
        Path trustStore = abs.resolve("truststore.p12");
        try {
            KeyPair caKeys = Certificates.ecKeys();
            X509Certificate ca = caCertificate(caKeys, validity);
            KeyPair brokerKeys = Certificates.ecKeys();
            X509Certificate broker = brokerCertificate(brokerKeys, ca, caKeys.getPrivate(), validity, hosts);
            KeyStore keys = emptyStore();
            keys.setKeyEntry(
                    "broker", brokerKeys.getPrivate(), storePassword.toCharArray(), new Certificate[] {broker, ca});
            write(keys, keyStore, storePassword);
            KeyStore trust = emptyStore();
            trust.setCertificateEntry("stego-ehealth-local-ca", ca);
            write(trust, trustStore, storePassword);
        } catch (GeneralSecurityException | IOException e) {
            throw new LocalStackException("cannot make the secure stack's certificates in " + abs + ": " + e, e);
        }
        return new KafkaSecurity(abs, keyStore, trustStore, storePassword, passwords);
    }

    /** The folder of the stores and the client configuration files. */
    public Path dir() {
        return dir;
    }

    /** The clients' PKCS12 trust store: the stack's certificate authority only. */
    public Path trustStore() {
        return trustStore;
    }

    /** The Kafka users of this cluster, {@code admin} first. */
    public Set<Principal> principals() {
        return Collections.unmodifiableSet(passwords.keySet());
    }

    /**
     * The password of {@code principal}.
     *
     * @throws LocalStackException when this cluster has no such user
     */
    public String password(Principal principal) {
        String password = passwords.get(principal);
        if (password == null) {
            throw new LocalStackException("this cluster has no Kafka user '" + principal.user() + "'; its users are "
                    + passwords.keySet().stream().map(Principal::user).toList());
        }
        return password;
    }

    /** Kafka client settings of {@code principal}: SASL_SSL, SCRAM-SHA-512, its credentials, the trust store. */
    public Map<String, String> clientConfig(Principal principal) {
        return clientConfig(principal.user(), password(principal));
    }

    /** Kafka client settings for any user name and password (a wrong one is refused by the broker). */
    public Map<String, String> clientConfig(String user, String password) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("security.protocol", "SASL_SSL");
        c.put("sasl.mechanism", MECHANISM);
        c.put("sasl.jaas.config", jaas("org.apache.kafka.common.security.scram.ScramLoginModule", user, password));
        c.put("ssl.truststore.type", STORE_TYPE);
        c.put("ssl.truststore.location", trustStore.toString());
        c.put("ssl.truststore.password", storePassword);
        return c;
    }

    /** {@link #clientConfig(Principal)} as {@code kafka.*} keys of a {@link StegoConfig}. */
    public Map<String, String> stegoConfig(Principal principal) {
        Map<String, String> c = new LinkedHashMap<>();
        clientConfig(principal).forEach((k, v) -> c.put(StegoConfig.KAFKA_PREFIX + k, v));
        return c;
    }

    /** The configuration file of {@code principal} (see {@link #writeConfigFiles}). */
    public Path configFile(Principal principal) {
        return dir.resolve(principal.user() + ".properties");
    }

    /**
     * Writes one owner-only Stego-eHealth configuration file per principal of this cluster ({@code producer.properties}, ...): the
     * broker and registry addresses and the principal's {@code kafka.*} settings, for {@code stego <command>
     * --config FILE}.
     */
    public void writeConfigFiles(String bootstrapServers, String schemaRegistryUrl) {
        for (Principal p : passwords.keySet()) {
            Properties props = new Properties();
            props.setProperty(StegoConfig.BOOTSTRAP_SERVERS, bootstrapServers);
            props.setProperty(StegoConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
            props.putAll(stegoConfig(p));
            LocalSupport.writePrivate(
                    configFile(p), props, "Kafka principal '" + p.user() + "' of the secure local stack");
        }
    }

    /**
     * Saves the key stores' and every user's password to the owner-only {@code secrets.properties} of {@link #dir()},
     * so that {@link #load} can give them to another process: a broker container, the job that creates the users.
     */
    public void save() {
        Properties p = new Properties();
        p.setProperty(STORE_PASSWORD_KEY, storePassword);
        passwords.forEach((principal, password) -> p.setProperty(PASSWORD_KEY_PREFIX + principal.user(), password));
        LocalSupport.writePrivate(dir.resolve(SECRETS_FILE), p, "passwords of this Kafka cluster's users and stores");
    }

    /** Whether {@code dir} holds a cluster's security saved by {@link #save}. */
    public static boolean saved(Path dir) {
        return Files.isRegularFile(dir.resolve(SECRETS_FILE));
    }

    /**
     * The security {@link #save} saved in {@code dir}.
     *
     * @throws LocalStackException when {@code dir} holds none, or it names an unknown user
     */
    public static KafkaSecurity load(Path dir) {
        Path abs = dir.toAbsolutePath();
        Path file = abs.resolve(SECRETS_FILE);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new LocalStackException(
                    "cannot read this cluster's passwords from " + file + " (" + e + ");"
                            + " make them first with `stego cluster-security init --dir " + abs + "`",
                    e);
        }
        Map<Principal, String> passwords = new EnumMap<>(Principal.class);
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(PASSWORD_KEY_PREFIX)) {
                String user = key.substring(PASSWORD_KEY_PREFIX.length());
                Principal principal = Arrays.stream(Principal.values())
                        .filter(v -> v.user().equals(user))
                        .findFirst()
                        .orElseThrow(() -> new LocalStackException("unknown Kafka user '" + user + "' in " + file));
                passwords.put(principal, p.getProperty(key));
            }
        }
        String storePassword = p.getProperty(STORE_PASSWORD_KEY);
        if (storePassword == null || !passwords.containsKey(Principal.ADMIN)) {
            throw new LocalStackException(file + " has no store or admin password");
        }
        return new KafkaSecurity(
                abs, abs.resolve("broker.p12"), abs.resolve("truststore.p12"), storePassword, passwords);
    }

    /** The host names and addresses the broker certificate is valid for. */
    public Set<String> certifiedHosts() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore keys = KeyStore.getInstance(STORE_TYPE);
            keys.load(in, storePassword.toCharArray());
            Set<String> hosts = new LinkedHashSet<>();
            for (List<?> name : ((X509Certificate) keys.getCertificate("broker")).getSubjectAlternativeNames()) {
                hosts.add(String.valueOf(name.get(1)));
            }
            return hosts;
        } catch (GeneralSecurityException | IOException e) {
            throw new LocalStackException("cannot read the broker certificate in " + keyStore + ": " + e, e);
        }
    }

    /**
     * Writes what a broker of this cluster needs on top of its plain settings, for a broker started from files (a
     * container): {@code broker.properties} ({@link #brokerConfig}) and {@code format-arguments}, the arguments that
     * add the admin's credentials when its storage is formatted. Both owner-only: they hold passwords.
     */
    public void writeBrokerFiles(String host, int port, int controllerPort) {
        Properties p = new Properties();
        brokerConfig(host, port, controllerPort).forEach(p::setProperty);
        LocalSupport.writePrivate(dir.resolve(BROKER_FILE), p, "security settings of this cluster's broker");
        try {
            LocalSupport.writePrivate(dir.resolve(FORMAT_ARGUMENTS_FILE), String.join(" ", formatArguments()) + "\n");
        } catch (IOException e) {
            throw new LocalStackException("cannot write " + dir.resolve(FORMAT_ARGUMENTS_FILE) + ": " + e, e);
        }
    }

    /**
     * Writes one owner-only Kafka client file per user, {@code admin.client.properties}, ...: {@code bootstrap.servers}
     * and the user's TLS and SASL settings, for Kafka's own tools ({@code kafka-topics.sh --command-config}).
     */
    public void writeClientFiles(String bootstrapServers) {
        for (Principal principal : passwords.keySet()) {
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", bootstrapServers);
            clientConfig(principal).forEach(p::setProperty);
            LocalSupport.writePrivate(
                    dir.resolve(principal.user() + ".client.properties"),
                    p,
                    "Kafka client settings of user '" + principal.user() + "'");
        }
    }

    /** Arguments of {@code kafka-storage format} that add the admin's SCRAM credentials to the new cluster. */
    List<String> formatArguments() {
        return List.of(
                "--add-scram",
                MECHANISM + "=[name=" + Principal.ADMIN.user() + ",password=" + password(Principal.ADMIN) + "]");
    }

    /**
     * Broker settings on top of the plain ones: the two listeners on {@code host}, TLS from the key store, SASL, and
     * the standard authorizer with {@code admin} as its only super user and no access without an ACL.
     */
    Map<String, String> brokerConfig(String host, int port, int controllerPort) {
        String admin = Principal.ADMIN.user();
        String adminPassword = password(Principal.ADMIN);
        String client = CLIENT_LISTENER.toLowerCase(Locale.ROOT);
        String controller = CONTROLLER_LISTENER.toLowerCase(Locale.ROOT);
        Map<String, String> c = new LinkedHashMap<>();
        c.put(
                "listeners",
                CLIENT_LISTENER + "://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://" + host + ":"
                        + controllerPort);
        c.put("advertised.listeners", CLIENT_LISTENER + "://" + host + ":" + port);
        c.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SASL_SSL");
        c.put("inter.broker.listener.name", CLIENT_LISTENER);
        c.put("controller.listener.names", CONTROLLER_LISTENER);
        c.put("sasl.enabled.mechanisms", MECHANISM);
        c.put("listener.name." + client + ".sasl.enabled.mechanisms", MECHANISM);
        c.put(
                "listener.name." + client + "." + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                jaas("org.apache.kafka.common.security.scram.ScramLoginModule", admin, adminPassword));
        c.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        c.put("listener.name." + controller + ".sasl.enabled.mechanisms", "PLAIN");
        c.put(
                "listener.name." + controller + ".plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + admin
                        + "\" password=\"" + adminPassword + "\" user_" + admin + "=\"" + adminPassword + "\";");
        c.put("sasl.mechanism.controller.protocol", "PLAIN");
        c.put("ssl.keystore.type", STORE_TYPE);
        c.put("ssl.keystore.location", keyStore.toString());
        c.put("ssl.keystore.password", storePassword);
        c.put("ssl.key.password", storePassword);
        c.put("ssl.truststore.type", STORE_TYPE);
        c.put("ssl.truststore.location", trustStore.toString());
        c.put("ssl.truststore.password", storePassword);
        c.put("ssl.client.auth", "none");
        c.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        c.put("super.users", "User:" + admin);
        c.put("allow.everyone.if.no.acl.found", "false");
        return c;
    }

    private static String jaas(String module, String user, String password) {
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** 192 random bits as hex: safe inside JAAS quotes and the format tool's {@code [name=..,password=..]}. */
    private static String randomSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static X509Certificate caCertificate(KeyPair keys, Duration validity) throws GeneralSecurityException {
        return Certificates.authority(keys, "Stego-eHealth local stack CA", validity);
    }

    private static X509Certificate brokerCertificate(
            KeyPair keys, X509Certificate ca, PrivateKey caKey, Duration validity, Set<String> hosts)
            throws GeneralSecurityException {
        Set<String> names = new LinkedHashSet<>(List.of(LocalSupport.HOST, "localhost"));
        names.addAll(hosts);
        return Certificates.server(keys, List.copyOf(names), "Stego-eHealth local stack", ca, caKey, validity);
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        return Certificates.emptyStore();
    }

    private static void write(KeyStore store, Path file, String password) throws GeneralSecurityException, IOException {
        try (OutputStream out = LocalSupport.newPrivateFile(file)) {
            store.store(out, password.toCharArray());
        }
    }
}
