package org.stegoehealth.ops.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class StackSelectionTest {

    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty(StackSelection.PROPERTY);
    }

    @Test
    void aStackThatIsNotSelected_startsNothing_andSkipsItsTestsSayingWhy() {
        System.setProperty(StackSelection.PROPERTY, "local");
        StackSelection.Opened opened = StackSelection.open(StackKind.CONTAINERS, "SomeIT", dir);

        assertNull(opened.stack());
        assertEquals(
                "SomeIT: NOT RUN on the containers: stego.it.stack=local selects the local stack only",
                opened.notRunReason());
        TestAbortedException skipped = assertThrows(TestAbortedException.class, opened::require);
        assertTrue(skipped.getMessage().contains(opened.notRunReason()), skipped.getMessage());

        System.setProperty(StackSelection.PROPERTY, "containers");
        assertEquals(
                "SomeIT: NOT RUN on the local stack: stego.it.stack=containers selects the containers only",
                StackSelection.open(StackKind.LOCAL, "SomeIT", dir).notRunReason());
    }

    @Test
    void anUnknownSelection_isAnError() {
        System.setProperty(StackSelection.PROPERTY, "docker");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> StackSelection.open(StackKind.LOCAL, "SomeIT", dir));
        assertEquals("stego.it.stack=docker is not one of auto, both, local, containers", e.getMessage());
    }
}
