package org.stegoehealth.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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

    private static final System.Logger LOG = System.getLogger(KeyringFiles.class.getName());
    private static volatile boolean toldNoModes;

    private static boolean posix(Path p) {
        boolean posix = p.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!posix && !toldNoModes) {
            toldNoModes = true;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the file system of " + p + " has no POSIX permissions: keyring files are not checked for"
                            + " owner-only access there; keep the keyring on a file system that has them");
        }
        return posix;
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
            // on disk before the rename: a power cut leaves the old file or the new one, never an empty keyset
            try (java.nio.channels.FileChannel channel =
                    java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
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
            if (Files.isSymbolicLink(file)) {
                throw new KeyringException("keyring file " + file + " is a symbolic link; keyring files must be"
                        + " regular files of their own");
            }
            if (posix(file)) {
                checkOwner(file);
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
                if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                    throw new KeyringException("keyring file " + file + " is accessible by others ("
                            + PosixFilePermissions.toString(perms) + "); restrict it with: chmod 600 " + file);
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new KeyringException("keyring file " + file + " is damaged (not UTF-8 text)", e);
        } catch (NoSuchFileException e) {
            throw new KeyringException("keyring file " + file + " is missing", e);
        } catch (IOException e) {
            throw new KeyringException("cannot read keyring file " + file + " (" + describe(e) + ")", e);
        }
    }

    /** Checks that a keyring directory is owner-only. */
    static void checkPrivateDirectory(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            throw new KeyringException(
                    "keyring directory " + dir + " is a symbolic link; point keyring.dir at the" + " directory itself");
        }
        if (!posix(dir)) {
            return;
        }
        try {
            checkOwner(dir);
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                throw new KeyringException("keyring directory " + dir + " is accessible by others ("
                        + PosixFilePermissions.toString(perms) + "); restrict it with: chmod 700 " + dir);
            }
        } catch (IOException e) {
            throw new KeyringException("cannot read keyring directory " + dir + " (" + describe(e) + ")", e);
        }
    }

    /** Refuses a keyring file or directory that another user owns (and so could have written). */
    private static void checkOwner(Path path) throws IOException {
        String self = System.getProperty("user.name");
        String owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
        // a user without a name (a container's numeric uid) cannot be compared by name: the modes still are
        if (self != null && !self.equals("?") && !owner.equals(self) && !owner.matches("\\d+")) {
            throw new KeyringException("keyring " + (Files.isDirectory(path) ? "directory " : "file ") + path
                    + " is owned by " + owner + ", not by " + self + " who runs this; keyring files must be the"
                    + " user's own");
        }
    }

    /** Forces a directory's entries (a rename into it) to disk, where the platform allows. */
    private static void syncDirectory(Path dir) {
        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory for syncing; the file itself was forced
        }
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
