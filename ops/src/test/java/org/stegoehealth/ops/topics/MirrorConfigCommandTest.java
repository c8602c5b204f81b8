package org.stegoehealth.ops.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.ops.StegoCli;
import org.stegoehealth.processors.cli.CliRun;

/** {@code stego topics mirror-config} for clusters that take SASL/SCRAM over TLS. */
class MirrorConfigCommandTest {

    @TempDir
    Path tmp;

    @Test
    void eachClustersTlsAndSaslSettings_goUnderItsOwnPrefix_andNothingElseOfTheirFiles() throws IOException {
        Path hospital = tmp.resolve("hospital-mirror.properties");
        Files.writeString(hospital, """
                bootstrap.servers=hospital:9093
                schema.registry.url=http://registry:8080/apis/ccompat/v7
                kafka.security.protocol=SASL_SSL
                kafka.sasl.mechanism=SCRAM-SHA-512
                kafka.sasl.jaas.config=ScramLoginModule required username="mirror" password="h";
                kafka.ssl.truststore.location=/etc/stego/hospital-ca.p12
                """);
        Path clinic = tmp.resolve("clinic-mirror.properties");
        Files.writeString(clinic, """
                bootstrap.servers=ignored:1
                kafka.security.protocol=SASL_SSL
                kafka.sasl.jaas.config=ScramLoginModule required username="mirror" password="c";
                kafka.ssl.truststore.location=/etc/stego/clinic-ca.p12
                kafka.max.poll.records=7
                """);
        CliRun run = CliRun.run(
                new StegoCli(),
                "topics",
                "mirror-config",
                "--config",
                hospital.toString(),
                "--clinic-bootstrap-servers",
                "clinic:9093",
                "--clinic-config",
                clinic.toString());
        assertEquals(0, run.code(), run.err());
        Properties p = new Properties();
        p.load(new StringReader(run.out()));
        assertEquals("hospital:9093", p.getProperty("hospital.bootstrap.servers"));
        assertEquals("clinic:9093", p.getProperty("clinic.bootstrap.servers"));
        assertEquals("SASL_SSL", p.getProperty("hospital.security.protocol"));
        assertEquals("SASL_SSL", p.getProperty("clinic.security.protocol"));
        assertEquals("SCRAM-SHA-512", p.getProperty("hospital.sasl.mechanism"));
        assertTrue(p.getProperty("hospital.sasl.jaas.config").contains("password=\"h\""));
        assertTrue(p.getProperty("clinic.sasl.jaas.config").contains("password=\"c\""));
        assertEquals("/etc/stego/clinic-ca.p12", p.getProperty("clinic.ssl.truststore.location"));
        assertFalse(p.containsKey("clinic.max.poll.records"), "only TLS and SASL settings are taken");
        assertFalse(run.out().contains("registry"), run.out());
    }

    @Test
    void withoutClientSettings_bothClustersStayPlaintext() {
        CliRun run = CliRun.run(
                new StegoCli(),
                "topics",
                "mirror-config",
                "--bootstrap-servers",
                "h:9092",
                "--clinic-bootstrap-servers",
                "c:9092");
        assertEquals(0, run.code(), run.err());
        assertFalse(run.out().contains("security.protocol"), run.out());
    }
}
