package org.stegoehealth.processors;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.stegoehealth.errors.StegoException;

/**
 * "Is the cluster there?", answered in one line within a bounded time: every command that needs the broker asks
 * first ({@link #requireBroker}), so a wrong address, a stopped broker or a client that speaks plaintext to a TLS
 * listener is one {@code error:} line naming the address and what to check, instead of a minute of client warnings
 * and a metadata time-out; a long-running application asks in a loop ({@link #awaitBroker}) and logs that it waits.
 *
 * <p>When the cluster does not answer, the bootstrap addresses are probed to say why: nothing listening (or an
 * unknown host), a listener that speaks TLS to a plaintext client (a TLS handshake with it gets as far as the
 * broker's certificate), or a listener that accepts connections but refuses this client (SASL expected, or not a
 * Kafka broker).
 */
public final class ClusterCheck {

    /** How long a command waits for the cluster before it gives up with one line. */
    public static final Duration DEFAULT_WITHIN = Duration.ofSeconds(10);

    private static final int PROBE_TIMEOUT_MS = 2_000;

    private ClusterCheck() {}

    /** An unreachable or refusing cluster: an outage, not bad input. */
    public static final class UnreachableException extends StegoException {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean isOutage() {
            return true;
        }
    }

    /**
     * Returns once the cluster of {@code config} answers.
     *
     * @throws UnreachableException within about {@code within} plus a few seconds of probing, with one line saying
     *     which address could not be reached and what to check
     */
    public static void requireBroker(StegoConfig config, Duration within) {
        Optional<String> problem = probe(config, within);
        if (problem.isPresent()) {
            throw new UnreachableException(problem.get(), null);
        }
    }

    /**
     * Waits until the cluster answers, logging the reason it does not every {@code every} through {@code log}
     * (long-running applications start before their broker as often as after it).
     *
     * @return false when interrupted
     */
    public static boolean awaitBroker(StegoConfig config, Duration every, java.util.function.Consumer<String> log) {
        while (true) {
            long started = System.nanoTime();
            Optional<String> problem = probe(config, every);
            if (problem.isEmpty()) {
                return true;
            }
            log.accept(problem.get());
            long left = every.toNanos() - (System.nanoTime() - started);
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Empty when the cluster of {@code config} answers within {@code within}; otherwise the one-line reason. */
    public static Optional<String> probe(StegoConfig config, Duration within) {
        String servers = config.bootstrapServers();
        // the common case, a broker that is not there at all, needs no client and no waiting
        Optional<String> absent = nothingListening(config);
        if (absent.isPresent()) {
            return absent;
        }
        Properties p = StreamsConfigs.admin(config);
        int ms = (int) Math.max(1_000, within.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Integer.toString(PROBE_TIMEOUT_MS));
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Integer.toString(PROBE_TIMEOUT_MS));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "stego-cluster-check");
        String protocol = p.getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                .toUpperCase(Locale.ROOT);
        try (Admin admin = Admin.create(p)) {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms))
                        .clusterId()
                        .get(ms + 1_000L, TimeUnit.MILLISECONDS);
                return Optional.empty();
            } catch (ExecutionException e) {
                return Optional.of(explain(e.getCause(), servers, protocol));
            } catch (java.util.concurrent.TimeoutException e) {
                return Optional.of(diagnose(servers, protocol));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for the Kafka broker at " + servers);
            } finally {
                admin.close(Duration.ZERO);
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            // the client could not even be created: a malformed address or setting
            return Optional.of("cannot connect to the Kafka broker at " + servers + ": " + rootMessage(e));
        }
    }

    private static String explain(Throwable cause, String servers, String protocol) {
        if (cause instanceof SslAuthenticationException) {
            return "the TLS handshake with the Kafka broker at " + servers + " failed (" + rootMessage(cause)
                    + "): check kafka.ssl.truststore.location and that the broker's listener speaks TLS";
        }
        if (cause instanceof AuthenticationException) {
            return "the Kafka broker at " + servers + " refused this client's credentials (" + rootMessage(cause)
                    + "): check kafka.sasl.mechanism and kafka.sasl.jaas.config in the --config file";
        }
        if (cause instanceof AuthorizationException) {
            return "the Kafka broker at " + servers + " does not allow this client to describe the cluster ("
                    + rootMessage(cause) + "): check its ACLs for this user";
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return diagnose(servers, protocol);
        }
        return "the Kafka broker at " + servers + " did not answer: " + rootMessage(cause);
    }

    /** Why no broker of {@code servers} answered a client speaking {@code protocol}: a probe of each address. */
    static String diagnose(String servers, String protocol) {
        List<String> reasons = new ArrayList<>();
        for (String server : servers.split(",")) {
            reasons.add(diagnoseOne(server.strip(), protocol));
        }
        return String.join("; ", reasons);
    }

    /**
     * Why no bootstrap address of {@code config} accepts a TCP connection, or empty when one does: a check cheap
     * enough for a running application to make every few seconds.
     */
    public static Optional<String> nothingListening(StegoConfig config) {
        String[] servers = config.bootstrapServers().split(",");
        List<String> absent = new ArrayList<>();
        for (String server : servers) {
            unreachable(server.strip()).ifPresent(absent::add);
        }
        return absent.size() == servers.length ? Optional.of(String.join("; ", absent)) : Optional.empty();
    }

    /** Why nothing can be reached at {@code server} (HOST:PORT) over TCP, or empty when something listens there. */
    private static Optional<String> unreachable(String server) {
        int colon = server.lastIndexOf(':');
        int port = -1;
        try {
            port = colon > 0 ? Integer.parseInt(server.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            // reported below
        }
        if (port < 0) {
            return Optional.of("'" + server + "' is not HOST:PORT: check bootstrap.servers");
        }
        String host = server.substring(0, colon).replace("[", "").replace("]", "");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("cannot reach the Kafka broker at " + server + ": unknown host " + host
                    + " (check bootstrap.servers, --bootstrap-servers or STEGO_BOOTSTRAP_SERVERS)");
        } catch (IOException e) {
            return Optional.of("cannot reach the Kafka broker at " + server + " (" + rootMessage(e)
                    + "): check that the broker runs and that bootstrap.servers (--bootstrap-servers, "
                    + "STEGO_BOOTSTRAP_SERVERS) names it");
        }
    }

    private static String diagnoseOne(String server, String protocol) {
        Optional<String> absent = unreachable(server);
        if (absent.isPresent()) {
            return absent.get();
        }
        int colon = server.lastIndexOf(':');
        String host = server.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(server.substring(colon + 1));
        boolean clientTls = protocol.endsWith("SSL");
        boolean listenerTls = speaksTls(host, port);
        if (listenerTls && !clientTls) {
            return "the Kafka broker at " + server + " expects TLS (SSL or SASL_SSL) but this client speaks " + protocol
                    + ": set kafka.security.protocol and kafka.ssl.truststore.location in a --config file";
        }
        if (!listenerTls && clientTls) {
            return "the Kafka broker at " + server + " does not speak TLS but this client is set to " + protocol
                    + ": check kafka.security.protocol and the broker's listener";
        }
        if (!protocol.startsWith("SASL")) {
            return "something listens at " + server + " but does not answer as a Kafka broker for a " + protocol
                    + " client: it may expect SASL authentication (kafka.security.protocol=SASL_SSL or"
                    + " SASL_PLAINTEXT, kafka.sasl.jaas.config) or not be a Kafka broker";
        }
        return "the Kafka broker at " + server + " accepts connections but did not answer in time: check its"
                + " listener, kafka.sasl.mechanism and kafka.sasl.jaas.config";
    }

    /**
     * Whether the listener at {@code host:port} speaks TLS: a handshake with the JDK's default trust either succeeds
     * or fails on the broker's certificate, both of which only a TLS server gets to. Nothing is sent but the hello.
     */
    static boolean speaksTls(String host, int port) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
            plain.setSoTimeout(PROBE_TIMEOUT_MS);
            try (SSLSocket tls =
                    (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(plain, host, port, false)) {
                tls.startHandshake();
                return true;
            }
        } catch (SSLHandshakeException e) {
            return hasCause(e, CertificateException.class);
        } catch (IOException | java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
