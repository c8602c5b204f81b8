package org.stegoehealth.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.stegoehealth.processors.StegoConfig;

/**
 * The web server settings of a {@link StegoConfig} ({@code viewer.*} keys), each checked with one clear line naming
 * the key and where its value came from.
 */
public record WebSettings(
        String host,
        int port,
        Path usersFile,
        Path keyStore,
        String keyStorePassword,
        List<String> tlsHosts,
        Duration sessionIdle,
        Duration sessionMax,
        long imageCacheBytes,
        Path stateDir) {

    public static WebSettings of(StegoConfig config) {
        String keyStore = config.get(StegoConfig.VIEWER_TLS_KEYSTORE);
        List<String> hosts = Arrays.stream(
                        config.get(StegoConfig.VIEWER_TLS_HOSTS).split(","))
                .map(String::strip)
                .filter(h -> !h.isEmpty())
                .toList();
        if (hosts.isEmpty()) {
            throw invalid(config, StegoConfig.VIEWER_TLS_HOSTS, "names no host");
        }
        int port = integer(config, StegoConfig.VIEWER_PORT, 0, 65535);
        return new WebSettings(
                config.get(StegoConfig.VIEWER_HOST),
                port,
                Path.of(config.get(StegoConfig.VIEWER_USERS_FILE)),
                keyStore.isBlank() ? null : Path.of(keyStore),
                config.get(StegoConfig.VIEWER_TLS_KEYSTORE_PASSWORD),
                hosts,
                Duration.ofMinutes(integer(config, StegoConfig.VIEWER_SESSION_IDLE_MINUTES, 1, 24 * 60)),
                Duration.ofHours(integer(config, StegoConfig.VIEWER_SESSION_MAX_HOURS, 1, 24 * 7)),
                integer(config, StegoConfig.VIEWER_IMAGE_CACHE_MB, 0, 1024 * 1024) * (1L << 20),
                config.stateDir());
    }

    /** The configured key store, or the self-signed certificate kept under {@code <state.dir>/viewer-tls}. */
    public TlsKeys tls() {
        return keyStore != null
                ? TlsKeys.load(keyStore, keyStorePassword)
                : TlsKeys.selfSigned(stateDir.resolve("viewer-tls"), tlsHosts);
    }

    private static int integer(StegoConfig config, String key, int min, int max) {
        String v = config.get(key);
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw invalid(config, key, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(config, key, "is not a whole number");
        }
    }

    private static IllegalArgumentException invalid(StegoConfig config, String key, String what) {
        return new IllegalArgumentException(key + "=" + config.get(key) + " (" + config.sourceOf(key) + ") " + what);
    }
}
