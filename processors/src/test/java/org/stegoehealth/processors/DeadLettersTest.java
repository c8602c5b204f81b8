package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stegoehealth.schemas.DeadLetterEvent;

class DeadLettersTest {

    private static final byte[] KEY = "m-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "pixels of an X-ray".getBytes(StandardCharsets.UTF_8);
    private static final InputRecord RECORD = new InputRecord("xray-images", 2, 41, 1000L, KEY, VALUE, 0L, null);

    @Test
    void byDefault_theDeadLetterKeepsTheOriginalBytes_forReplay() {
        DeadLetterEvent d = DeadLetters.of(RECORD, ErrorType.DECODE, "not an image", "app", 5L);

        assertFalse(d.getRedacted());
        assertArrayEquals(VALUE, InputImages.bytes(d.getValue()));
        assertArrayEquals(KEY, InputImages.bytes(d.getKey()));
        assertNull(d.getValueSha256());
        assertNull(d.getValueSize());
    }

    @Test
    void redacted_keepsTheSha256AndSizeOfTheValue_notItsBytes_andWhereTheOriginalIs() {
        DeadLetterEvent d = DeadLetters.of(RECORD, ErrorType.DECODE, "not an image", "app", 5L, true);

        assertTrue(d.getRedacted());
        assertNull(d.getValue());
        assertEquals(DeadLetters.sha256(VALUE), d.getValueSha256());
        assertEquals(64, d.getValueSha256().length());
        assertEquals((long) VALUE.length, d.getValueSize());
        assertArrayEquals(KEY, InputImages.bytes(d.getKey()), "the message id stays");
        assertEquals("xray-images", d.getSourceTopic());
        assertEquals(2, d.getSourcePartition());
        assertEquals(41L, d.getSourceOffset());
        assertEquals("not an image", d.getReason());
        assertFalse(d.toString().contains("pixels of an X-ray"));
    }

    @Test
    void sha256_isTheStandardDigestInLowerCaseHex() {
        assertEquals(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                DeadLetters.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void redactedWithoutAValue_hasNoDigest() {
        InputRecord tombstone = new InputRecord("xray-images", 0, 1, 0L, KEY, null, 0L, null);
        DeadLetterEvent d = DeadLetters.of(tombstone, ErrorType.DESERIALIZATION, "no value", "app", 5L, true);

        assertTrue(d.getRedacted());
        assertNull(d.getValueSha256());
        assertNull(d.getValueSize());
    }

    @Test
    void theSettingIsOffByDefault_andOnlyTrueOrFalse() {
        assertFalse(StegoConfig.defaultsOnly().deadLettersRedact());
        assertFalse(StegoConfig.defaultsOnly().batchSettings().redactDeadLetters());
        StegoConfig on = StegoConfig.defaultsOnly().with(Map.of(StegoConfig.DEAD_LETTERS_REDACT, "true"));
        assertTrue(on.deadLettersRedact());
        assertTrue(on.batchSettings().redactDeadLetters());
        StegoConfig bad = StegoConfig.defaultsOnly().with(Map.of(StegoConfig.DEAD_LETTERS_REDACT, "yes"));
        Exception e = assertThrows(RuntimeException.class, bad::deadLettersRedact);
        assertTrue(e.getMessage().contains(StegoConfig.DEAD_LETTERS_REDACT), e.getMessage());
    }
}
