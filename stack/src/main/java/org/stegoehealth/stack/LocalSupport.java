package org.stegoehealth.stack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/** Loopback ports, waiting and owner-only files, shared by the local broker and registry. */
final class LocalSupport {

    static final String HOST = "127.0.0.1";

    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private LocalSupport() {}

    /** A port free on the loopback address now (another process could still take it before it is bound). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LocalStackException("no free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether {@code probe} answers 200 now: false while nothing listens there yet.
     *
     * @throws LocalStackException naming {@code what} when interrupted
     */
    static boolean answers200(HttpClient http, HttpRequest probe, String what) {
        try {
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while waiting for " + what, e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while starting the local stack", e);
        }
    }

    /** Nanoseconds as seconds with one decimal, for log lines. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    /** Creates {@code dir} and its missing parents, each readable by the owner only, and makes {@code dir} so. */
    static void createPrivateDirectory(Path dir) {
        try {
            Path absolute = dir.toAbsolutePath();
            java.util.Deque<Path> missing = new java.util.ArrayDeque<>();
            for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent()) {
                missing.push(p);
            }
            for (Path p : missing) {
                Files.createDirectory(p);
                if (posix(p)) {
                    Files.setPosixFilePermissions(p, PRIVATE_DIR);
                }
            }
            if (posix(absolute)) {
                Files.setPosixFilePermissions(absolute, PRIVATE_DIR);
            }
        } catch (IOException e) {
            throw new LocalStackException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Opens {@code file} for writing, created or emptied, readable and writable by the owner only. */
    static OutputStream newPrivateFile(Path file) throws IOException {
        if (!Files.exists(file) && posix(file.toAbsolutePath().getParent())) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        }
        if (posix(file)) {
            Files.setPosixFilePermissions(file, PRIVATE_FILE);
        }
        return Files.newOutputStream(file);
    }

    /** Writes {@code text} to an owner-only {@code file}, created or emptied. */
    static void writePrivate(Path file, String text) throws IOException {
        try (OutputStream out = newPrivateFile(file)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Writes {@code properties} to an owner-only {@code file}. */
    static void writePrivate(Path file, Properties properties, String comment) {
        try (OutputStream out = newPrivateFile(file);
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            properties.store(writer, comment);
        } catch (IOException e) {
            throw new LocalStackException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
