package org.stegoehealth.lab.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsolePageCheckTest {

    private static ConsolePageCheck.Comparison of(long embedder, long extractor, int refreshes, double page) {
        return new ConsolePageCheck.Comparison(
                256,
                72,
                embedder,
                extractor,
                refreshes,
                6.0,
                page,
                10.0,
                "400.0 ms",
                "700.0 ms",
                "200.0 ms",
                "300.0 ms",
                1600,
                2100);
    }

    @Test
    void thePageAgreesWhenItCountsEveryXrayAndItsThroughputIsWithinAFifthOfTheBenchmarks() {
        assertTrue(of(72, 72, 3, 10.0).agrees());
        assertTrue(of(72, 72, 3, 8.1).agrees());
        assertTrue(of(72, 72, 3, 11.9).agrees());
        assertFalse(of(72, 72, 3, 7.9).agrees(), "a fifth too slow");
        assertFalse(of(72, 72, 3, 12.1).agrees(), "a fifth too fast");
        assertFalse(of(71, 72, 3, 10.0).agrees(), "an X-ray the embedder's row missed");
        assertFalse(of(72, 144, 3, 10.0).agrees(), "another application's images counted");
        assertFalse(of(72, 72, 0, Double.NaN).agrees(), "no refresh inside the burst");
        assertTrue(of(72, 72, 0, Double.NaN).describe().contains("use more --images"));
        assertTrue(of(72, 72, 3, 10.0).describe().contains("72 sent: agree"));
        assertTrue(of(72, 72, 3, 7.9).describe().contains("DIFFER"));
    }
}
