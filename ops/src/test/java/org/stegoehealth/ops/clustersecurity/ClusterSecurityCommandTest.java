package org.stegoehealth.ops.clustersecurity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.ops.StegoCli;
import org.stegoehealth.processors.cli.CliRun;
import org.stegoehealth.stack.KafkaSecurity;

/** {@code stego cluster-security init}: the files a broker and each user read, made once and kept. */
class ClusterSecurityCommandTest {

    @TempDir
    Path tmp;

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    /** Runs {@code stego cluster-security ARGS}. */
    private static CliRun clusterSecurity(String... args) {
        return CliRun.run(new StegoCli(), concat(new String[] {"cluster-security"}, args));
    }

    /** Runs {@code stego cluster-security init} for a broker on {@code port} and {@code controllerPort}. */
    private static CliRun init(Path dir, String port, String controllerPort, String... more) {
        return clusterSecurity(concat(
                new String[] {"init", "--dir", dir.toString(), "--port", port, "--controller-port", controllerPort},
                more));
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }

    private CliRun init(Path dir) {
        return init(dir, "19094", "19095", "--cluster", "clinic");
    }

    @Test
    void init_writesTheBrokersAndEachClinicUsersFiles_andASecondRunKeepsThePasswords() throws IOException {
        Path dir = tmp.resolve("clinic");
        CliRun first = init(dir);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("Kafka users: admin, extractor, mirror, viewer"), first.out());
        for (String file : new String[] {
            "broker.properties",
            "format-arguments",
            "broker.p12",
            "truststore.p12",
            "extractor.properties",
            "viewer.client.properties",
            "mirror.properties"
        }) {
            assertTrue(Files.isRegularFile(dir.resolve(file)), file);
        }
        assertFalse(Files.exists(dir.resolve("embedder.properties")), "no embedder at a clinic");
        assertEquals(
                "CLIENT://localhost:19094",
                load(dir.resolve("broker.properties")).getProperty("advertised.listeners"));
        Properties extractor = load(dir.resolve("extractor.properties"));
        assertEquals("localhost:19094", extractor.getProperty("bootstrap.servers"));
        assertEquals("SASL_SSL", extractor.getProperty("kafka.security.protocol"));
        String password = extractor.getProperty("kafka.sasl.jaas.config");
        String format = Files.readString(dir.resolve("format-arguments"));

        CliRun second = init(dir);

        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().startsWith("kept"), second.out());
        assertEquals(password, load(dir.resolve("extractor.properties")).getProperty("kafka.sasl.jaas.config"));
        assertEquals(format, Files.readString(dir.resolve("format-arguments")));
    }

    @Test
    void grant_withoutInit_saysToRunInitFirst() {
        CliRun run =
                clusterSecurity("grant", "--dir", tmp.resolve("none").toString(), "--bootstrap-servers", "localhost:1");
        assertNotEquals(0, run.code());
        assertTrue(run.err().contains("stego cluster-security init"), run.err());
    }

    @Test
    void init_certifiesTheGivenHost_andRefusesAnotherOneForKeptCertificates() {
        Path dir = tmp.resolve("hospital");
        CliRun first = init(dir, "9092", "9093", "--host", "kafka.hospital.example");
        assertEquals(0, first.code(), first.err());
        assertTrue(KafkaSecurity.load(dir)
                .certifiedHosts()
                .containsAll(List.of("kafka.hospital.example", "localhost", "127.0.0.1")));

        CliRun other = init(dir, "9092", "9093", "--host", "kafka.clinic.example");

        assertNotEquals(0, other.code());
        assertTrue(other.err().contains("not kafka.clinic.example"), other.err());
    }

    @Test
    void init_refusesAZeroValidity() {
        CliRun run = init(tmp.resolve("x"), "9092", "9093", "--validity-days", "0");
        assertNotEquals(0, run.code());
        assertTrue(run.err().contains("--validity-days"), run.err());
    }
}
