package org.stegoehealth.web.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The viewer's in-memory share of the recovered PNGs: a byte budget, least recently used out first. */
class RecoveredImagesTest {

    private static final TopicPartition P0 = new TopicPartition("recovered", 0);
    private static final TopicPartition P1 = new TopicPartition("recovered", 1);

    @Test
    void overTheBudget_theLeastRecentlyUsedImageLeavesFirst() {
        RecoveredImages.Cache cache = new RecoveredImages.Cache(300);
        cache.put(P0, 1, new byte[100]);
        cache.put(P0, 2, new byte[100]);
        cache.put(P1, 1, new byte[100]);
        assertEquals(300, cache.bytes());
        cache.get(P0, 1); // opened again: now the most recent
        cache.put(P0, 3, new byte[100]);
        assertEquals(3, cache.size());
        assertEquals(300, cache.bytes());
        assertNull(cache.get(P0, 2), "the least recently used image left");
        assertArrayEquals(new byte[100], cache.get(P0, 1));
        assertArrayEquals(new byte[100], cache.get(P1, 1), "same offset, other partition: another image");
    }

    @Test
    void anImageLargerThanTheBudget_isNotKept_andAZeroBudgetKeepsNothing() {
        RecoveredImages.Cache small = new RecoveredImages.Cache(50);
        small.put(P0, 1, new byte[40]);
        small.put(P0, 2, new byte[60]);
        assertNull(small.get(P0, 2));
        assertEquals(40, small.bytes(), "the larger image evicted nothing");

        RecoveredImages.Cache none = new RecoveredImages.Cache(0);
        none.put(P0, 1, new byte[1]);
        assertEquals(0, none.size());
        assertThrows(IllegalArgumentException.class, () -> new RecoveredImages.Cache(-1));
    }

    @Test
    void theSameRecordPutAgain_isCountedOnce() {
        RecoveredImages.Cache cache = new RecoveredImages.Cache(1000);
        cache.put(P0, 7, new byte[100]);
        cache.put(P0, 7, new byte[100]);
        assertEquals(100, cache.bytes());
        assertEquals(1, cache.size());
    }
}
