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
import java.util.Optional;
import java.util.regex.Pattern;
import org.stegoehealth.errors.StegoException;

/**
 * The users who may sign in: a text file, one {@code name:argon2id-hash} or {@code name:argon2id-hash:role} per line
 * ({@code #} starts a comment), kept owner-only. Read at each sign-in (and for the role at each action), so a user
 * added, removed or given another role with {@code stego viewer users} counts at once. A line without a role is a
 * {@link Role#VIEWER}.
 */
public final class Users {

    /** What a user may do: a viewer looks, an operator also acts (promote, roll back, redrive). */
    public enum Role {
        VIEWER,
        OPERATOR;

        /** The role named {@code name} ({@code viewer}, {@code operator}), or a clear error. */
        public static Role parse(String name) {
            for (Role r : values()) {
                if (r.label().equals(name.strip().toLowerCase(java.util.Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException("role '" + name + "' must be viewer or operator");
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Entry(String hash, Role role) {}

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
        Entry entry = read().get(name);
        String hash = entry == null ? null : entry.hash();
        boolean ok = PasswordHash.verify(password, hash == null ? DUMMY : hash);
        return hash != null && ok;
    }

    /** The user names, in file order. */
    public List<String> names() {
        return new ArrayList<>(read().keySet());
    }

    /** The role of {@code name}, empty if there is no such user. */
    public Optional<Role> role(String name) {
        return Optional.ofNullable(read().get(name)).map(Entry::role);
    }

    /** Adds {@code name} as a viewer (or, with {@code replace}, sets a new password); writes the file owner-only. */
    public void add(String name, char[] password, boolean replace) {
        add(name, password, replace, Role.VIEWER);
    }

    /** Adds {@code name} with {@code role} (or, with {@code replace}, sets a new password and role). */
    public void add(String name, char[] password, boolean replace, Role role) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "user name '" + name + "' must be 1 to 64 letters, digits, '.', '_', '@' or '-'");
        }
        if (password.length < 12) {
            throw new IllegalArgumentException("the password of '" + name + "' must have at least 12 characters");
        }
        Map<String, Entry> users = read();
        if (users.containsKey(name) && !replace) {
            throw new IllegalArgumentException(
                    "user '" + name + "' exists in " + file + " (--replace sets a new password)");
        }
        users.put(name, new Entry(PasswordHash.hash(password), role));
        write(users);
    }

    /** Removes {@code name}; false if there was no such user. */
    public boolean remove(String name) {
        Map<String, Entry> users = read();
        if (users.remove(name) == null) {
            return false;
        }
        write(users);
        return true;
    }

    private Map<String, Entry> read() {
        Map<String, Entry> users = new LinkedHashMap<>();
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
            String rest = l.substring(colon + 1);
            int roleColon = rest.lastIndexOf(':');
            Role role = Role.VIEWER;
            if (roleColon >= 0) {
                try {
                    role = Role.parse(rest.substring(roleColon + 1));
                } catch (IllegalArgumentException e) {
                    throw new StegoException("users file " + file + ", line " + n + ": " + e.getMessage());
                }
                rest = rest.substring(0, roleColon);
            }
            users.put(l.substring(0, colon), new Entry(rest, role));
        }
        return users;
    }

    private void write(Map<String, Entry> users) {
        StringBuilder text = new StringBuilder(
                "# Users of the Stego-eHealth viewer and console: NAME:ARGON2ID-HASH[:ROLE] (edit with 'stego viewer"
                        + " users')\n");
        users.forEach((k, v) -> {
            text.append(k).append(':').append(v.hash());
            if (v.role() != Role.VIEWER) {
                text.append(':').append(v.role().label());
            }
            text.append('\n');
        });
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
