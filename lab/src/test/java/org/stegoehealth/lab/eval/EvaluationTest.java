package org.stegoehealth.lab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.stegoehealth.model.Baseline;

class EvaluationTest {

    @Test
    void baselines_graySecretGetsSpreadLsb_paperModeKeepsReplicatedLsb() {
        assertEquals(
                List.of(
                        "spread-lsb-1-1-1",
                        "spread-lsb-2-1-1",
                        "spread-lsb-2-2-1",
                        "spread-lsb-2-2-2",
                        "spread-lsb-3-3-2",
                        "dct-qim"),
                Evaluation.baselinesFor(1).stream().map(Baseline::name).toList());
        assertEquals(
                List.of("lsb-1", "lsb-2", "lsb-3", "lsb-4"),
                Evaluation.baselinesFor(3).stream().map(Baseline::name).toList());
        assertEquals(
                List.of(1.0, 4.0 / 3, 5.0 / 3, 2.0, 8.0 / 3, 10 / 64.0 * 4 / 6 / 3),
                Evaluation.baselinesFor(1).stream()
                        .map(Baseline::bitsPerChannel)
                        .toList());
    }

    @Test
    void label_namesRowsForPeople() {
        assertEquals("spread LSB 2-2-1", Evaluation.label("spread-lsb-2-2-1"));
        assertEquals("3-bit LSB", Evaluation.label("lsb-3"));
        assertEquals("DCT-QIM (robust)", Evaluation.label("dct-qim"));
    }
}
