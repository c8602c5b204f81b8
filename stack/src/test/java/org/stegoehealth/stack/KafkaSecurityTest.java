package org.stegoehealth.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.stack.KafkaSecurity.Principal;

class KafkaSecurityTest {

    @TempDir
    Path tmp;

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    @Test
    void generate_makesABrokerCertificateSignedByTheTrustedAuthority_forTheLoopbackAddress() throws Exception {
        KafkaSecurity security = KafkaSecurity.generate(tmp.resolve("security"));
        String password = security.clientConfig(Principal.ADMIN).get("ssl.truststore.password");
        KeyStore trust = load(security.trustStore(), password);
        KeyStore keys = load(security.dir().resolve("broker.p12"), password);

        assertEquals(1, trust.size());
        X509Certificate ca =
                (X509Certificate) trust.getCertificate(trust.aliases().nextElement());
        X509Certificate broker = (X509Certificate) keys.getCertificate("broker");
        broker.verify(ca.getPublicKey());
        broker.checkValidity();
        assertTrue(ca.getBasicConstraints() >= 0, "the authority is a CA");
        assertEquals(-1, broker.getBasicConstraints(), "the broker certificate is not a CA");
        assertTrue(broker.getSubjectAlternativeNames().contains(List.of(7, "127.0.0.1")));
        assertTrue(broker.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "server authentication");
        assertTrue(keys.isKeyEntry("broker"));
        assertEquals(2, keys.getCertificateChain("broker").length);
    }

    @Test
    void generate_writesOwnerOnlyFiles_andAPasswordPerPrincipal() throws Exception {
        KafkaSecurity security = KafkaSecurity.generate(tmp.resolve("security"));
        security.writeConfigFiles("127.0.0.1:9", "http://127.0.0.1:8/apis/ccompat/v7");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(security.dir())));
        try (var files = Files.list(security.dir())) {
            for (Path f : files.toList()) {
                assertEquals(
                        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
        Set<String> passwords = new HashSet<>();
        for (Principal p : Principal.values()) {
            passwords.add(security.password(p));
            String file = Files.readString(security.configFile(p));
            assertTrue(file.contains("username\\=\"" + p.user() + "\""), file);
            assertTrue(file.contains(security.password(p)));
        }
        assertEquals(Principal.values().length, passwords.size());
    }

    @Test
    void aClusterWithSomeUsers_hasPasswordsAndFilesForThemOnly_andTheAdminAlways() throws Exception {
        KafkaSecurity clinic =
                KafkaSecurity.generate(tmp.resolve("clinic"), Set.of(Principal.EXTRACTOR, Principal.MIRROR));
        KafkaSecurity hospital = KafkaSecurity.generate(tmp.resolve("hospital"), Set.of(Principal.MIRROR));
        assertEquals(Set.of(Principal.ADMIN, Principal.EXTRACTOR, Principal.MIRROR), clinic.principals());
        clinic.writeConfigFiles("127.0.0.1:9", "http://127.0.0.1:8/apis/ccompat/v7");
        assertTrue(Files.exists(clinic.configFile(Principal.EXTRACTOR)));
        assertFalse(Files.exists(clinic.configFile(Principal.PRODUCER)));
        LocalStackException e = assertThrows(LocalStackException.class, () -> clinic.password(Principal.EMBEDDER));
        assertTrue(e.getMessage().contains("no Kafka user 'embedder'"), e.getMessage());
        // each cluster its own secrets: the mirror's password at one is not its password at the other
        assertNotEquals(clinic.password(Principal.MIRROR), hospital.password(Principal.MIRROR));
        assertNotEquals(
                clinic.clientConfig(Principal.MIRROR).get("ssl.truststore.password"),
                hospital.clientConfig(Principal.MIRROR).get("ssl.truststore.password"));
    }

    @Test
    void brokerConfig_hasNoPlaintextListener_andDeniesWhatNoAclAllows() {
        KafkaSecurity security = KafkaSecurity.generate(tmp.resolve("security"));
        var config = security.brokerConfig("127.0.0.1", 9092, 9093);
        assertEquals("CLIENT:SASL_SSL,CONTROLLER:SASL_SSL", config.get("listener.security.protocol.map"));
        assertEquals("false", config.get("allow.everyone.if.no.acl.found"));
        assertEquals("User:admin", config.get("super.users"));
        assertTrue(security.formatArguments().get(1).startsWith("SCRAM-SHA-512=[name=admin,password="));
    }

    @Test
    void save_thenLoad_givesTheSamePasswordsAndStores_forAnotherProcess() throws Exception {
        KafkaSecurity made =
                KafkaSecurity.generate(tmp.resolve("clinic"), LocalStack.CLINIC_USERS, Duration.ofDays(365), Set.of());
        made.save();
        assertTrue(KafkaSecurity.saved(made.dir()));
        assertFalse(KafkaSecurity.saved(tmp.resolve("nothing")));

        KafkaSecurity loaded = KafkaSecurity.load(made.dir());

        assertEquals(made.principals(), loaded.principals());
        for (Principal p : made.principals()) {
            assertEquals(made.clientConfig(p), loaded.clientConfig(p));
        }
        assertThrows(LocalStackException.class, () -> loaded.password(Principal.EMBEDDER), "no embedder at a clinic");
        X509Certificate broker = (X509Certificate) load(
                        loaded.dir().resolve("broker.p12"),
                        loaded.clientConfig(Principal.ADMIN).get("ssl.truststore.password"))
                .getCertificate("broker");
        long days = (broker.getNotAfter().getTime() - broker.getNotBefore().getTime()) / 86_400_000L;
        assertTrue(days >= 364 && days <= 366, "valid for about a year: " + days + " days");
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(made.dir().resolve("secrets.properties"))));
        LocalStackException missing =
                assertThrows(LocalStackException.class, () -> KafkaSecurity.load(tmp.resolve("nothing")));
        assertTrue(missing.getMessage().contains("stego cluster-security init"), missing.getMessage());
    }

    @Test
    void writeBrokerFiles_writesTheListenersAndTheAdminsFormatArguments_ownerOnly() throws Exception {
        KafkaSecurity security = KafkaSecurity.generate(tmp.resolve("hospital"), LocalStack.HOSPITAL_USERS);
        security.writeBrokerFiles("localhost", 9092, 9093);
        security.writeClientFiles("localhost:9092");

        Properties broker = new Properties();
        try (InputStream in = Files.newInputStream(security.dir().resolve(KafkaSecurity.BROKER_FILE))) {
            broker.load(in);
        }
        assertEquals(security.brokerConfig("localhost", 9092, 9093), new HashMap<>(broker));
        assertEquals("CLIENT://localhost:9092,CONTROLLER://localhost:9093", broker.getProperty("listeners"));
        String format = Files.readString(security.dir().resolve(KafkaSecurity.FORMAT_ARGUMENTS_FILE))
                .strip();
        assertEquals(String.join(" ", security.formatArguments()), format);
        assertTrue(format.startsWith("--add-scram SCRAM-SHA-512=[name=admin,password="), format);
        Properties mirror = new Properties();
        try (InputStream in = Files.newInputStream(security.dir().resolve("mirror.client.properties"))) {
            mirror.load(in);
        }
        assertEquals("localhost:9092", mirror.getProperty("bootstrap.servers"));
        assertEquals("SASL_SSL", mirror.getProperty("security.protocol"));
        assertTrue(mirror.getProperty("sasl.jaas.config").contains("username=\"mirror\""));
        for (String file :
                List.of(KafkaSecurity.BROKER_FILE, KafkaSecurity.FORMAT_ARGUMENTS_FILE, "admin.client.properties")) {
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(security.dir().resolve(file))),
                    file);
        }
    }
}
