package org.stegoehealth.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGQTable;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.w3c.dom.NodeList;

/** The simulated channel against the real one ({@link Attack}: the JDK's JPEG encoder and decoder, the resizer). */
class ChannelTest {

    private static final Path ROOT = Path.of("..");

    private static FloatImage cover() {
        return Images.squareAt(
                        Images.read(ROOT.resolve("samples/covers/lomiri-16.04__friends_by_Aitzol_Berasategi.jpg")), 128)
                .quantize8();
    }

    /** The image through the simulated channel of {@code draw}, clipped and rounded as a received file is. */
    private static FloatImage simulate(FloatImage image, Channel.Draw draw) {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, -1, -1, 3);
        Channel.apply(in, 128).rename("out");
        Map<String, INDArray> feed = new HashMap<>(draw.placeholders());
        feed.put("in", Tensors.stack(List.of(image)));
        INDArray out = sd.output(feed, "out").get("out");
        FloatImage result = Tensors.unstack(out).get(0);
        float[] d = result.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(0f, Math.min(1f, d[i]));
        }
        return new FloatImage(result.width(), result.height(), result.channels(), d).quantize8();
    }

    @Test
    void identity_leavesTheImageAsItIs() {
        FloatImage image = cover();
        FloatImage out = simulate(image, Channel.identity(128, 128));
        assertEquals(0.0, maxDifference(image, out), 1e-6);
    }

    @Test
    void resize_isExactlyTheBicubicResizeOfTheRealAttack() {
        FloatImage image = cover();
        for (double scale : new double[] {0.5, 0.75, 0.9}) {
            FloatImage real = Attack.parse("resize" + scale).apply(image, 0);
            FloatImage simulated = simulate(image, Channel.resize(128, 128, scale));
            System.out.printf(
                    "resize %.2f: real vs original %.2f dB, simulated vs real %.2f dB, largest difference %.0f levels%n",
                    scale,
                    Metrics.psnr(image, real),
                    Metrics.psnr(real, simulated),
                    255 * maxDifference(real, simulated));
            // values that land near a half grey level may round the other way
            assertTrue(Metrics.psnr(real, simulated) > 50, "resize " + scale + ": " + Metrics.psnr(real, simulated));
        }
    }

    @Test
    void jpeg_isCloseToTheJdksEncoderAndDecoder_at420() {
        FloatImage image = cover();
        for (int quality : new int[] {50, 75, 90, 95}) {
            FloatImage real = Attack.parse("jpeg" + quality).apply(image, 0);
            FloatImage simulated = simulate(image, Channel.jpeg(128, 128, quality));
            double agreement = Metrics.psnr(real, simulated);
            double damage = Metrics.psnr(image, real);
            System.out.printf(
                    "JPEG q%d 4:2:0: real vs original %.2f dB, simulated vs real %.2f dB%n",
                    quality, damage, agreement);
            // the simulation is far closer to the real decoder's output than the real output is to the original
            assertTrue(agreement > 42 && agreement > damage + 5, "q" + quality + ": " + agreement + " vs " + damage);
        }
    }

    @Test
    void quantisationTables_areTheOnesTheJdkWrites() throws Exception {
        for (int quality : new int[] {50, 75, 90, 95}) {
            List<int[]> written = writtenTables(cover(), quality);
            assertArrayEquals(written.get(0), Channel.lumaTable(quality), "luma q" + quality);
            assertArrayEquals(written.get(1), Channel.chromaTable(quality), "chroma q" + quality);
        }
    }

    @Test
    void jpeg_passesAGradientThroughTheRounding() {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.var("in", Tensors.stack(List.of(cover())));
        Channel.apply(in, 128).mean().rename("loss");
        sd.setLossVariables("loss");
        Channel.Draw draw = Channel.jpeg(128, 128, 75);
        Map<String, INDArray> feed = new HashMap<>(draw.placeholders());
        INDArray grad = sd.calculateGradients(feed, "in").get("in");
        // the mean of the output moves with every input pixel: a zero gradient would mean the rounding blocks it
        double expected = 1.0 / grad.length();
        assertEquals(expected, grad.meanNumber().doubleValue(), expected * 0.05);
        assertTrue(grad.minNumber().doubleValue() > 0, "every pixel has a gradient");
    }

    @Test
    void dctBasis_isOrthonormal() {
        float[][] b = Channel.dctBasis();
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j++) {
                double dot = 0;
                for (int p = 0; p < 64; p++) {
                    dot += b[p][i] * b[p][j];
                }
                assertEquals(i == j ? 1.0 : 0.0, dot, 1e-5);
            }
        }
    }

    private static double maxDifference(FloatImage a, FloatImage b) {
        double max = 0;
        for (int i = 0; i < a.data().length; i++) {
            max = Math.max(max, Math.abs(a.data()[i] - b.data()[i]));
        }
        return max;
    }

    /** The quantisation tables (luma, chroma) in the file the JDK's encoder writes at {@code quality}. */
    private static List<int[]> writtenTables(FloatImage image, int quality) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(image.toBufferedImage(), null, null), param);
        } finally {
            writer.dispose();
        }
        ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        try (ImageInputStream in =
                ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            reader.setInput(in);
            IIOMetadataNode tree =
                    (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_jpeg_image_1.0");
            NodeList tables = tree.getElementsByTagName("dqtable");
            List<int[]> result = new ArrayList<>();
            for (int i = 0; i < tables.getLength(); i++) {
                result.add(((JPEGQTable) ((IIOMetadataNode) tables.item(i)).getUserObject()).getTable());
            }
            return result;
        } finally {
            reader.dispose();
        }
    }
}
