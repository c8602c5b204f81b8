package org.stegoehealth.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {

    @TempDir
    Path dir;

    @Test
    void hashVerifiesOnlyItsPasswordAndCarriesItsParameters() {
        String hash = PasswordHash.hash("correct horse battery".toCharArray());
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertTrue(PasswordHash.verify("correct horse battery".toCharArray(), hash));
        assertFalse(PasswordHash.verify("correct horse batterY".toCharArray(), hash));
        assertFalse(PasswordHash.verify("x".toCharArray(), "$argon2id$v=19$m=1,t=1,p=1$AA$AA"));
        assertFalse(PasswordHash.verify("x".toCharArray(), "plain"));
    }

    @Test
    void addedUserSignsInWithTheirPasswordOnlyAndTheFileIsOwnerOnly() throws Exception {
        Users users = new Users(dir.resolve("conf/viewer-users"));
        users.add("dr.smith", "a long enough secret".toCharArray(), false);
        assertTrue(users.check("dr.smith", "a long enough secret".toCharArray()));
        assertFalse(users.check("dr.smith", "a long enough secreT".toCharArray()));
        assertFalse(users.check("nobody", "a long enough secret".toCharArray()));
        assertEquals(List.of("dr.smith"), users.names());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users.file())));
        assertFalse(Files.readString(users.file()).contains("a long enough secret"));
    }

    @Test
    void existingUserNeedsReplaceShortPasswordAndOddNameAreRefused() {
        Users users = new Users(dir.resolve("users"));
        users.add("nurse", "first password!".toCharArray(), false);
        assertThrows(IllegalArgumentException.class, () -> users.add("nurse", "second password".toCharArray(), false));
        users.add("nurse", "second password".toCharArray(), true);
        assertTrue(users.check("nurse", "second password".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> users.add("eve", "short".toCharArray(), false));
        assertThrows(IllegalArgumentException.class, () -> users.add("a:b", "long enough pass".toCharArray(), false));
        assertTrue(users.remove("nurse"));
        assertFalse(users.check("nurse", "second password".toCharArray()));
    }
}
