package org.stegoehealth.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.plugins.jpeg.JPEGQTable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.DataFormat;
import org.nd4j.enums.PadMode;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What happens to a stego image on its way, as SameDiff operations with gradients, so training can put the channel
 * in the loop: resizing down and back up, JPEG with 4:2:0 chroma subsampling, and noise. One training graph serves
 * every batch; a {@link Draw} says what this batch's channel does, through the graph's placeholders:
 *
 * <ul>
 *   <li><b>resize</b>: two matrices that resample the rows and the columns of the image, exactly the bicubic
 *       resampling of {@link FloatImage#resize} down to the scale and back (the identity when not resizing);
 *   <li><b>JPEG</b>: RGB to YCbCr as JFIF defines it, chroma averaged over 2x2 pixels (4:2:0), the 8x8 DCT of every
 *       block as a fixed matrix, division by the quantisation tables the JDK's encoder uses at that quality, a
 *       rounding whose gradient is the identity (straight-through), the inverse DCT, chroma upsampled with the
 *       triangle filter of libjpeg's decoder, and back to RGB; switched on or off per batch;
 *   <li><b>noise</b>: added in the training graph's noise placeholder with the 8-bit rounding noise.
 * </ul>
 *
 * The JPEG simulation needs sides that are multiples of 16 (whole chroma blocks).
 */
public final class Channel {

    /** Placeholder: the row resampling matrix, {@code [H, H]}. */
    public static final String ROWS = "channelRows";
    /** Placeholder: the column resampling matrix, {@code [W, W]}. */
    public static final String COLS = "channelCols";
    /** Placeholder: 1 to pass the batch through JPEG, 0 to leave it, {@code [1]}. */
    public static final String JPEG_ON = "channelJpeg";
    /** Placeholder: the luma quantisation table in natural order, in grey levels, {@code [64]}. */
    public static final String LUMA_TABLE = "channelLumaTable";
    /** Placeholder: the chroma quantisation table in natural order, in grey levels, {@code [64]}. */
    public static final String CHROMA_TABLE = "channelChromaTable";

    /** The placeholders this channel adds to a graph, in the order a training data set feeds them. */
    public static final List<String> PLACEHOLDERS = List.of(ROWS, COLS, JPEG_ON, LUMA_TABLE, CHROMA_TABLE);

    /** JFIF's RGB to centred YCbCr (each row one output component). */
    private static final float[][] TO_YCC = {
        {0.299f, 0.587f, 0.114f}, {-0.168736f, -0.331264f, 0.5f}, {0.5f, -0.418688f, -0.081312f}
    };
    /** JFIF's centred YCbCr to RGB. */
    private static final float[][] TO_RGB = {{1f, 0f, 1.402f}, {1f, -0.344136f, -0.714136f}, {1f, 1.772f, 0f}};

    private Channel() {}

    /**
     * What one batch's channel does: the resampling matrices (rows, columns), whether JPEG is on and with which
     * quantisation tables, and the Gaussian noise's sigma in grey levels (added to the rounding noise by the caller).
     */
    public record Draw(
            String name,
            INDArray rows,
            INDArray cols,
            boolean jpeg,
            int[] lumaTable,
            int[] chromaTable,
            double noiseSigma) {

        /** The placeholder values of {@link #PLACEHOLDERS}, in that order. */
        public INDArray[] feed() {
            return new INDArray[] {
                rows,
                cols,
                Nd4j.createFromArray(new float[] {jpeg ? 1f : 0f}),
                Nd4j.createFromArray(toFloat(lumaTable)),
                Nd4j.createFromArray(toFloat(chromaTable))
            };
        }

        /** The placeholder values by name. */
        public Map<String, INDArray> placeholders() {
            Map<String, INDArray> map = new LinkedHashMap<>();
            INDArray[] values = feed();
            for (int i = 0; i < values.length; i++) {
                map.put(PLACEHOLDERS.get(i), values[i]);
            }
            return map;
        }
    }

    /** Nothing happens on the way (images of {@code height} x {@code width}). */
    public static Draw identity(int height, int width) {
        return new Draw(
                "identity",
                Nd4j.eye(height).castTo(DataType.FLOAT),
                Nd4j.eye(width).castTo(DataType.FLOAT),
                false,
                ones(),
                ones(),
                0);
    }

    /** JPEG at {@code quality} (1 to 100, as {@code Attack}'s {@code jpegQ}) with 4:2:0 chroma. */
    public static Draw jpeg(int height, int width, int quality) {
        Draw id = identity(height, width);
        return new Draw("jpeg" + quality, id.rows(), id.cols(), true, lumaTable(quality), chromaTable(quality), 0);
    }

    /** Resizing by {@code scale} and back, bicubic both ways, as {@code Attack}'s {@code resizeF}. */
    public static Draw resize(int height, int width, double scale) {
        int h = Math.max(1, (int) Math.round(height * scale));
        int w = Math.max(1, (int) Math.round(width * scale));
        return new Draw("resize" + scale, resampling(height, h), resampling(width, w), false, ones(), ones(), 0);
    }

    /** Gaussian noise of {@code sigma} grey levels. */
    public static Draw noise(int height, int width, double sigma) {
        Draw id = identity(height, width);
        return new Draw("noise" + sigma, id.rows(), id.cols(), false, ones(), ones(), sigma);
    }

    /**
     * The matrix that resizes a line of {@code length} samples to {@code scaled} and back with
     * {@link FloatImage#resize}'s bicubic resampling: column j is what becomes of a small step at j on a mid-grey
     * line (the resampler clips to [0, 1], so an impulse on black would lose the kernel's negative lobes).
     */
    static INDArray resampling(int length, int scaled) {
        float base = 0.5f;
        float step = 0.25f;
        float[] grey = new float[length];
        java.util.Arrays.fill(grey, base);
        float[] level = downAndUp(grey, scaled);
        float[][] m = new float[length][length];
        for (int j = 0; j < length; j++) {
            float[] line = grey.clone();
            line[j] += step;
            float[] back = downAndUp(line, scaled);
            for (int i = 0; i < length; i++) {
                m[i][j] = (back[i] - level[i]) / step;
            }
        }
        return Nd4j.createFromArray(m);
    }

    private static float[] downAndUp(float[] line, int scaled) {
        return new FloatImage(line.length, 1, 1, line)
                .resize(scaled, 1)
                .resize(line.length, 1)
                .data();
    }

    /** The luma quantisation table the JDK's JPEG encoder writes at {@code quality}, natural order. */
    public static int[] lumaTable(int quality) {
        return JPEGQTable.K1Luminance.getScaledInstance(linearQuality(quality), true)
                .getTable();
    }

    /** The chroma quantisation table the JDK's JPEG encoder writes at {@code quality}, natural order. */
    public static int[] chromaTable(int quality) {
        return JPEGQTable.K2Chrominance.getScaledInstance(linearQuality(quality), true)
                .getTable();
    }

    /** The JDK's (and libjpeg's) mapping of a quality to the scale of the standard tables. */
    private static float linearQuality(int quality) {
        float q = Math.max(1, Math.min(100, quality)) / 100f;
        return q < 0.5f ? 0.5f / q : 2.0f - q * 2.0f;
    }

    /**
     * {@code image} (NHWC RGB in [0, 1], as sent, {@code side} x {@code side}) through this batch's channel: resized
     * down and back, then JPEG when it is on. The result is not clipped or rounded: the caller adds the rounding
     * noise.
     */
    public static SDVariable apply(SDVariable image, int side) {
        if (side % 16 != 0) {
            throw new IllegalArgumentException(
                    "the simulated channel needs a side that is a multiple of 16, was " + side);
        }
        SameDiff sd = image.getSameDiff();
        SDVariable rows = sd.placeHolder(ROWS, DataType.FLOAT, side, side);
        SDVariable cols = sd.placeHolder(COLS, DataType.FLOAT, side, side);
        SDVariable jpegOn = sd.placeHolder(JPEG_ON, DataType.FLOAT, 1);
        SDVariable luma = sd.placeHolder(LUMA_TABLE, DataType.FLOAT, 64);
        SDVariable chroma = sd.placeHolder(CHROMA_TABLE, DataType.FLOAT, 64);
        SDVariable resized = alongRows(alongColumns(image, cols, side), rows, side);
        SDVariable jpeg = jpeg(resized, luma, chroma);
        return resized.add(jpeg.sub(resized).mul(jpegOn));
    }

    /**
     * {@code out[n, h, i, c] = sum_w m[i, w] x[n, h, w, c]} for {@code side} x {@code side} RGB images, as plain
     * matrix products (ND4J's gradient of a tensor product over the middle axes of an image fails).
     */
    private static SDVariable alongColumns(SDVariable x, SDVariable m, int side) {
        SameDiff sd = x.getSameDiff();
        SDVariable lines = sd.reshape(sd.permute(x, 0, 1, 3, 2), -1, side);
        SDVariable resampled = sd.mmul(lines, m, false, true, false);
        return sd.permute(sd.reshape(resampled, -1, side, NetworkConfig.COVER_CHANNELS, side), 0, 1, 3, 2);
    }

    /** {@code out[n, i, w, c] = sum_h m[i, h] x[n, h, w, c]}, as {@link #alongColumns}. */
    private static SDVariable alongRows(SDVariable x, SDVariable m, int side) {
        SameDiff sd = x.getSameDiff();
        SDVariable lines = sd.reshape(sd.permute(x, 0, 2, 3, 1), -1, side);
        SDVariable resampled = sd.mmul(lines, m, false, true, false);
        return sd.permute(sd.reshape(resampled, -1, side, NetworkConfig.COVER_CHANNELS, side), 0, 3, 1, 2);
    }

    /** JPEG with 4:2:0 chroma of NHWC RGB in [0, 1]; the result is in [0, 1] units, unrounded and unclipped. */
    static SDVariable jpeg(SDVariable rgb, SDVariable lumaTable, SDVariable chromaTable) {
        SameDiff sd = rgb.getSameDiff();
        SDVariable pixels = rgb.mul(255.0);
        // centred components: Y - 128, Cb - 128, Cr - 128
        SDVariable y = pointwise(sd, pixels, new float[][] {TO_YCC[0]}).sub(128.0);
        SDVariable cb = pointwise(sd, pixels, new float[][] {TO_YCC[1]});
        SDVariable cr = pointwise(sd, pixels, new float[][] {TO_YCC[2]});
        SDVariable y2 = blocks(sd, y, lumaTable);
        SDVariable cb2 = upsample(sd, blocks(sd, halve(sd, cb), chromaTable));
        SDVariable cr2 = upsample(sd, blocks(sd, halve(sd, cr), chromaTable));
        SDVariable back = pointwise(sd, sd.concat(3, y2, cb2, cr2), TO_RGB);
        return back.add(128.0).div(255.0);
    }

    /**
     * The same linear map of the channels at every pixel, {@code out[..., k] = sum_c m[k][c] x[..., c]}, as a 1x1
     * convolution.
     */
    private static SDVariable pointwise(SameDiff sd, SDVariable x, float[][] m) {
        INDArray w = Nd4j.createFromArray(m).transpose().dup().reshape(1, 1, m[0].length, m.length);
        Conv2DConfig cfg = Conv2DConfig.builder()
                .kH(1)
                .kW(1)
                .paddingMode(PaddingMode.VALID)
                .dataFormat("NHWC")
                .weightsFormat(WeightsFormat.YXIO)
                .build();
        return sd.cnn().conv2d(x, sd.constant(w), cfg);
    }

    /** The mean of every 2x2 block (4:2:0 subsampling). */
    private static SDVariable halve(SameDiff sd, SDVariable x) {
        return sd.cnn()
                .avgPooling2d(
                        x,
                        Pooling2DConfig.builder()
                                .kH(2)
                                .kW(2)
                                .sH(2)
                                .sW(2)
                                .isNHWC(true)
                                .build());
    }

    /**
     * Twice the size with libjpeg's "fancy" upsampling: each output sample is 3/4 of its nearest input and 1/4 of
     * the next nearest, in each direction, the edges repeated. Done as nearest upsampling then a [1/4, 1/2, 1/4]
     * filter with the edges mirrored, which gives exactly those weights.
     */
    private static SDVariable upsample(SameDiff sd, SDVariable x) {
        SDVariable nearest = sd.cnn().depthToSpace(sd.concat(3, x, x, x, x), 2, DataFormat.NHWC);
        SDVariable padding = sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}}));
        SDVariable padded = sd.nn().pad(nearest, padding, PadMode.SYMMETRIC, 0.0);
        SDVariable vertical = sd.constant(
                Nd4j.createFromArray(new float[] {0.25f, 0.5f, 0.25f}).reshape(3, 1, 1, 1));
        SDVariable horizontal = sd.constant(
                Nd4j.createFromArray(new float[] {0.25f, 0.5f, 0.25f}).reshape(1, 3, 1, 1));
        Conv2DConfig v = Conv2DConfig.builder()
                .kH(3)
                .kW(1)
                .paddingMode(PaddingMode.VALID)
                .dataFormat("NHWC")
                .build();
        Conv2DConfig h = Conv2DConfig.builder()
                .kH(1)
                .kW(3)
                .paddingMode(PaddingMode.VALID)
                .dataFormat("NHWC")
                .build();
        return sd.cnn().depthWiseConv2d(sd.cnn().depthWiseConv2d(padded, vertical, v), horizontal, h);
    }

    /**
     * Every 8x8 block of a one-component image through the DCT, quantisation with {@code table} (natural order),
     * rounding with a straight-through gradient, dequantisation and the inverse DCT.
     */
    private static SDVariable blocks(SameDiff sd, SDVariable x, SDVariable table) {
        float[][] basis = dctBasis();
        // pointwise takes out[k] = sum_p m[k][p] in[p]: the forward DCT is the transposed basis, the inverse the basis
        float[][] forward = new float[64][64];
        for (int p = 0; p < 64; p++) {
            for (int k = 0; k < 64; k++) {
                forward[k][p] = basis[p][k];
            }
        }
        SDVariable pixels = sd.cnn().spaceToDepth(x, 8, DataFormat.NHWC);
        SDVariable coefficients = pointwise(sd, pixels, forward).div(table);
        SDVariable rounded = coefficients.add(
                new StopGradient(sd, sd.math().round(coefficients).sub(coefficients)).outputVariable());
        SDVariable restored = pointwise(sd, rounded.mul(table), basis);
        return sd.cnn().depthToSpace(restored, 8, DataFormat.NHWC);
    }

    /**
     * The orthonormal 8x8 DCT-II as a matrix {@code B[p, k]}: pixel p = 8 y + x, coefficient k = 8 v + u (natural
     * order, the order of the quantisation tables), {@code F[k] = sum_p f[p] B[p, k]} and {@code f = B F}.
     */
    static float[][] dctBasis() {
        float[][] b = new float[64][64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                for (int v = 0; v < 8; v++) {
                    for (int u = 0; u < 8; u++) {
                        double cu = u == 0 ? Math.sqrt(0.125) : 0.5;
                        double cv = v == 0 ? Math.sqrt(0.125) : 0.5;
                        b[8 * y + x][8 * v + u] = (float) (cu
                                * cv
                                * Math.cos((2 * x + 1) * u * Math.PI / 16)
                                * Math.cos((2 * y + 1) * v * Math.PI / 16));
                    }
                }
            }
        }
        return b;
    }

    private static int[] ones() {
        int[] t = new int[64];
        java.util.Arrays.fill(t, 1);
        return t;
    }

    private static float[] toFloat(int[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = values[i];
        }
        return f;
    }
}
