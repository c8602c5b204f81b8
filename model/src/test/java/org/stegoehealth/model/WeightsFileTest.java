package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The weights file is read from untrusted bytes: declared sizes are checked against what is there. */
class WeightsFileTest {

    private static final Path SOURCE = Path.of("weights.bin");

    /** A weights file's header from a real one, then one tensor declared as {@code name}, {@code shape}, no data. */
    private static byte[] declaring(int rank, long... shape) throws IOException {
        byte[] real = ModelArtifact.weightBytes(Map.of("w", Nd4j.ones(1)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(real, 0, 8); // magic and format
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeUTF("w");
            out.writeInt(rank);
            for (long s : shape) {
                out.writeLong(s);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aDeclaredTensorLargerThanTheBytesThatFollow_isTruncated_beforeAnythingIsAllocated() throws IOException {
        ModelException e = assertThrows(
                ModelException.class, () -> ModelArtifact.readWeights(declaring(2, 10_000, 10_000), SOURCE));

        assertTrue(
                e.getMessage().startsWith("weights.bin: truncated weights file (w declares 100000000 values, 0"),
                e.getMessage());
    }

    @Test
    void anImplausibleRankOrShape_isRefusedWithTheTensorsName() throws IOException {
        assertTrue(assertThrows(ModelException.class, () -> ModelArtifact.readWeights(declaring(1_000_000_000), SOURCE))
                .getMessage()
                .contains("implausible tensor rank 1000000000 for w"));
        assertTrue(assertThrows(
                        ModelException.class, () -> ModelArtifact.readWeights(declaring(2, 1L << 40, 1L << 40), SOURCE))
                .getMessage()
                .contains("implausible tensor shape for w"));
        assertTrue(assertThrows(ModelException.class, () -> ModelArtifact.readWeights(declaring(1, -4), SOURCE))
                .getMessage()
                .contains("implausible tensor shape for w"));
    }

    @Test
    void aRealWeightsFile_readsBackEqual() throws IOException {
        INDArray w = Nd4j.linspace(1, 6, 6).reshape(2, 3).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        Map<String, INDArray> back = ModelArtifact.readWeights(ModelArtifact.weightBytes(Map.of("w", w)), SOURCE);

        assertEquals(w, back.get("w"));
    }
}
