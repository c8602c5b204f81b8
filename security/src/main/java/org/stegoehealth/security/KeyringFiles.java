package org.stegoehealth.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Owner-only files and directories of a keyring: directories 0700, files 0600, written atomically. */
final class KeyringFiles {

    static final Set<PosixFilePermission> DIR_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private KeyringFiles() {}

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} (and missing parents) if needed, owner-only. */
    static void createPrivateDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                if (posix(dir)) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
                } else {
                    Files.createDirectory(dir);
                }
            }
            if (posix(dir)) {
                Files.setPosixFilePermissions(dir, DIR_PERMISSIONS);
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeyringException("cannot create keyring directory " + dir + ": a file of that name exists", e);
        } catch (IOException e) {
            throw new KeyringException("cannot create keyring directory " + dir + " (" + describe(e) + ")", e);
        }
    }

    /** Writes {@code text} to {@code file} owner-only, replacing it atomically. */
    static void writePrivate(Path file, String text) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = posix(file)
                    ? Files.createTempFile(
                            dir, ".tmp-", ".json", PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS))
                    : Files.createTempFile(dir, ".tmp-", ".json");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new KeyringException("cannot write keyring file " + file + " (" + describe(e) + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the move succeeded or the write failed and was reported
                }
            }
        }
    }

    /**
     * Reads a keyring file, refusing one that group or others may read or write (as ssh does for private keys).
     */
    static String readPrivate(Path file) {
        try {
            if (posix(file)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                    throw new KeyringException("keyring file " + file + " is accessible by others ("
                            + PosixFilePermissions.toString(perms) + "); restrict it with: chmod 600 " + file);
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KeyringException("keyring file " + file + " is missing", e);
        } catch (IOException e) {
            throw new KeyringException("cannot read keyring file " + file + " (" + describe(e) + ")", e);
        }
    }

    /** Checks that a keyring directory is owner-only. */
    static void checkPrivateDirectory(Path dir) {
        if (!posix(dir)) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                throw new KeyringException("keyring directory " + dir + " is accessible by others ("
                        + PosixFilePermissions.toString(perms) + "); restrict it with: chmod 700 " + dir);
            }
        } catch (IOException e) {
            throw new KeyringException("cannot read keyring directory " + dir + " (" + describe(e) + ")", e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
