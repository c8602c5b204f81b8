package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stegoehealth.errors.StegoException;

class ClusterCheckTest {

    private static StegoConfig at(String servers) {
        return StegoConfig.defaultsOnly().with(Map.of(StegoConfig.BOOTSTRAP_SERVERS, servers));
    }

    @Test
    void nothingListening_isOneLineNamingTheAddressAndWhatToCheck_andAnOutage() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String address = "127.0.0.1:" + port;

        StegoException e = assertThrows(
                StegoException.class, () -> ClusterCheck.requireBroker(at(address), Duration.ofSeconds(2)));

        assertTrue(e.getMessage().startsWith("cannot reach the Kafka broker at " + address), e.getMessage());
        assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(StegoException.isOutage(e));
    }

    @Test
    void unknownHost_isNamed() {
        String problem = ClusterCheck.diagnose("no-such-host.invalid:9092", "PLAINTEXT");

        assertTrue(problem.contains("unknown host no-such-host.invalid"), problem);
    }

    @Test
    void aListenerThatIsNoKafkaBroker_isToldApartFromAnAbsentOne() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept()) {
                        client.getInputStream().read();
                    } catch (IOException closed) {
                        // the server closed, or the client went away: accept the next one
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String address = "127.0.0.1:" + server.getLocalPort();

            String problem =
                    ClusterCheck.probe(at(address), Duration.ofSeconds(2)).orElseThrow();

            assertTrue(problem.contains("something listens at " + address), problem);
            assertTrue(problem.contains("SASL"), problem);
            assertFalse(ClusterCheck.speaksTls("127.0.0.1", server.getLocalPort()));
        }
    }

    @Test
    void awaitBroker_saysWhyItWaits_andStopsWhenInterrupted() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        java.util.List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean answer = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread waiter = new Thread(
                () -> answer.set(ClusterCheck.awaitBroker(at("127.0.0.1:" + port), Duration.ofMillis(200), said::add)));
        waiter.start();
        while (said.isEmpty()) {
            Thread.sleep(20);
        }
        waiter.interrupt();
        waiter.join(10_000);

        assertFalse(waiter.isAlive());
        assertFalse(answer.get(), "interrupted: no broker");
        assertTrue(said.get(0).startsWith("cannot reach the Kafka broker at 127.0.0.1:" + port), said.get(0));
    }
}
