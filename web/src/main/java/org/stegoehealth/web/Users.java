package org.stegoehealth.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.stegoehealth.errors.StegoException;

/**
 * The users who may sign in: a text file, one {@code name:argon2id-hash} per line ({@code #} starts a comment), kept
 * owner-only. Read at each sign-in, so a user added or removed with {@code stego viewer users} counts at once.
 */
public final class Users {

    /** A user name: letters, digits and {@code . _ @ -}, 1 to 64 characters. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    /** Hash checked for an unknown name, so a refusal takes as long whether or not the name exists. */
    private static final String DUMMY = PasswordHash.hash("unknown user".toCharArray());

    private final Path file;

    public Users(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Whether {@code name} is a user and {@code password} is theirs. */
    public boolean check(String name, char[] password) {
        String hash = read().get(name);
        boolean ok = PasswordHash.verify(password, hash == null ? DUMMY : hash);
        return hash != null && ok;
    }

    /** The user names, in file order. */
    public List<String> names() {
        return new ArrayList<>(read().keySet());
    }

    /** Adds {@code name} (or, with {@code replace}, sets a new password); writes the file owner-only. */
    public void add(String name, char[] password, boolean replace) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "user name '" + name + "' must be 1 to 64 letters, digits, '.', '_', '@' or '-'");
        }
        if (password.length < 12) {
            throw new IllegalArgumentException("the password of '" + name + "' must have at least 12 characters");
        }
        Map<String, String> users = read();
        if (users.containsKey(name) && !replace) {
            throw new IllegalArgumentException(
                    "user '" + name + "' exists in " + file + " (--replace sets a new password)");
        }
        users.put(name, PasswordHash.hash(password));
        write(users);
    }

    /** Removes {@code name}; false if there was no such user. */
    public boolean remove(String name) {
        Map<String, String> users = read();
        if (users.remove(name) == null) {
            return false;
        }
        write(users);
        return true;
    }

    private Map<String, String> read() {
        Map<String, String> users = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return users;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StegoException("cannot read the users file " + file + ": " + e.getMessage(), e);
        }
        int n = 0;
        for (String line : lines) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            if (colon <= 0 || !NAME.matcher(l.substring(0, colon)).matches()) {
                throw new StegoException("users file " + file + ", line " + n + ": expected NAME:HASH");
            }
            users.put(l.substring(0, colon), l.substring(colon + 1));
        }
        return users;
    }

    private void write(Map<String, String> users) {
        StringBuilder text = new StringBuilder(
                "# Users of the Stego-eHealth viewer: NAME:ARGON2ID-HASH (edit with 'stego viewer users')\n");
        users.forEach((k, v) -> text.append(k).append(':').append(v).append('\n'));
        try {
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), ".users", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's permissions apply
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    abs,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StegoException("cannot write the users file " + file + ": " + e.getMessage(), e);
        }
    }
}
