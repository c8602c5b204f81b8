package org.stegoehealth.lab.steganalysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.ImageInputException;
import org.stegoehealth.model.Images;
import org.stegoehealth.model.Metrics;
import org.stegoehealth.model.Progress;

/**
 * Can a learned detector tell stego images from clean covers? Each cover photo is brought to a fixed short side
 * (bicubic), rounded to 8 bits and cut into square tiles; every tile is used once clean and once as the cover of a
 * stego image (rounded to 8 bits too), so the two classes differ only by the hiding. {@link ResidualFeatures} feed
 * a {@link LinearDetector} cross-validated with folds grouped by source photo.
 */
public final class Steganalysis {

    /** A clean tile and the photo it was cut from. */
    public record Tile(int photo, String photoName, FloatImage image) {}

    /** How one method fared. */
    public record MethodScore(
            String name,
            double bitsPerChannel,
            double coverPsnr,
            double accuracy,
            double auc,
            double meanPhotoAuc,
            double minimumTotalError,
            int samples,
            int folds) {}

    /** Everything a run measured. */
    public record Result(int photos, int tiles, int size, List<MethodScore> methods) {}

    private Steganalysis() {}

    /**
     * Tiles of each photo: scaled so its shorter side is {@code side}, then up to {@code perPhoto} non-overlapping
     * {@code size x size} tiles of the centred grid, evenly spread over it.
     */
    public static List<Tile> tiles(List<Path> photos, int side, int size, int perPhoto) {
        if (side < size) {
            throw new IllegalArgumentException("cover side " + side + " is smaller than the tile size " + size);
        }
        List<Tile> out = new ArrayList<>();
        for (int p = 0; p < photos.size(); p++) {
            FloatImage img = FloatImage.of(Images.read(photos.get(p))).toRgb();
            double scale = (double) side / Math.min(img.width(), img.height());
            int w = Math.max(side, (int) Math.round(img.width() * scale));
            int h = Math.max(side, (int) Math.round(img.height() * scale));
            FloatImage scaled = img.resize(w, h).quantize8();
            int cols = w / size;
            int rows = h / size;
            int x0 = (w - cols * size) / 2;
            int y0 = (h - rows * size) / 2;
            int n = cols * rows;
            int take = Math.min(n, perPhoto);
            for (int k = 0; k < take; k++) {
                int cell = (int) ((long) k * n / take);
                out.add(new Tile(
                        p,
                        photos.get(p).getFileName().toString(),
                        scaled.crop(x0 + (cell % cols) * size, y0 + (cell / cols) * size, size, size)));
            }
        }
        return out;
    }

    /** Gray secrets of the tile size, cycled to one per tile. */
    public static List<FloatImage> secrets(List<Path> files, int size, int count) {
        if (files.isEmpty()) {
            throw new ImageInputException("no secret images");
        }
        List<FloatImage> distinct = new ArrayList<>();
        for (int i = 0; i < Math.min(count, files.size()); i++) {
            distinct.add(
                    Images.squareAt(Images.read(files.get(i)), size).toGray().quantize8());
        }
        List<FloatImage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(distinct.get(i % distinct.size()));
        }
        return out;
    }

    /** Runs the detector against every method on the same tiles. */
    public static Result run(
            List<Tile> tiles, List<FloatImage> secrets, List<StegoGenerator> methods, int batch, Progress progress) {
        return run(tiles, secrets, methods, batch, false, progress);
    }

    /**
     * @param aware the selection-channel-aware detector: every image's features weighted by its samples'
     *     probability of change at the method's rate ({@link SelectionChannel}), clean tiles included
     */
    public static Result run(
            List<Tile> tiles,
            List<FloatImage> secrets,
            List<StegoGenerator> methods,
            int batch,
            boolean aware,
            Progress progress) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("no tiles: the cover photos are smaller than one tile");
        }
        int n = tiles.size();
        long total = (long) n * (methods.size() + 1);
        long done = 0;
        double[][] clean = new double[n][];
        for (int i = 0; i < n; i++) {
            clean[i] = ResidualFeatures.of(tiles.get(i).image());
            progress.update("steganalysis", ++done, total, "features of the clean tiles");
        }
        int[] labels = new int[2 * n];
        int[] groups = new int[2 * n];
        for (int i = 0; i < n; i++) {
            labels[n + i] = 1;
            groups[i] = tiles.get(i).photo();
            groups[n + i] = tiles.get(i).photo();
        }
        List<MethodScore> scores = new ArrayList<>();
        for (StegoGenerator method : methods) {
            double[][] x = new double[2 * n][];
            System.arraycopy(clean, 0, x, 0, n);
            double psnr = 0;
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                List<FloatImage> covers =
                        tiles.subList(start, end).stream().map(Tile::image).toList();
                List<StegoGenerator.Hidden> hidden = method.hide(covers, secrets.subList(start, end), start);
                for (int j = 0; j < hidden.size(); j++) {
                    FloatImage cover = covers.get(j);
                    FloatImage st = hidden.get(j).stego();
                    if (st.width() > cover.width() || st.height() > cover.height()) {
                        throw new IllegalArgumentException(method.name() + " needs a larger image than a "
                                + cover.width() + " px tile for its payload: use a larger --size");
                    }
                    boolean cropped = st.width() != cover.width() || st.height() != cover.height();
                    if (cropped) {
                        // the method used a crop of the tile: compare with that crop of the clean tile
                        cover = hidden.get(j).clean();
                    }
                    if (aware) {
                        double rate = method.bitsPerChannel();
                        x[start + j] = ResidualFeatures.of(cover, SelectionChannel.probabilities(cover, rate));
                        x[n + start + j] = ResidualFeatures.of(st, SelectionChannel.probabilities(st, rate));
                    } else {
                        if (cropped) {
                            x[start + j] = ResidualFeatures.of(cover);
                        }
                        x[n + start + j] = ResidualFeatures.of(st);
                    }
                    psnr += Metrics.psnr(cover, st);
                }
                done += end - start;
                progress.update("steganalysis", done, total, method.name());
            }
            LinearDetector.Scores s = LinearDetector.crossValidate(x, labels, groups);
            MethodScore score = new MethodScore(
                    method.name(),
                    method.bitsPerChannel(),
                    psnr / n,
                    s.accuracy(),
                    s.auc(),
                    s.meanFoldAuc(),
                    s.minimumTotalError(),
                    2 * n,
                    s.folds());
            progress.message(String.format(
                    "%-18s accuracy %.3f  AUC %.3f  P_E %.3f",
                    method.name(), score.accuracy(), score.auc(), score.minimumTotalError()));
            scores.add(score);
        }
        return new Result(
                (int) tiles.stream().mapToInt(Tile::photo).distinct().count(),
                n,
                tiles.get(0).image().width(),
                scores);
    }

    public static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                "%d clean tiles of %d photos at %dx%d, each also as a stego image; folds grouped by " + "photo (%d)%n",
                r.tiles(),
                r.photos(),
                r.size(),
                r.size(),
                r.methods().isEmpty() ? 0 : r.methods().get(0).folds()));
        sb.append(String.format(
                "%-18s | %6s | %10s | %8s | %6s | %9s | %5s%n",
                "method", "bpc", "cover PSNR", "accuracy", "AUC", "photo AUC", "P_E"));
        sb.append("-".repeat(18))
                .append("-+-")
                .append("-".repeat(6))
                .append("-+-")
                .append("-".repeat(10))
                .append("-+-")
                .append("-".repeat(8))
                .append("-+-")
                .append("-".repeat(6))
                .append("-+-")
                .append("-".repeat(9))
                .append("-+-")
                .append("-".repeat(5))
                .append('\n');
        for (MethodScore m : r.methods()) {
            sb.append(String.format(
                    "%-18s | %6.3f | %7.2f dB | %8.3f | %6.3f | %9.3f | %5.3f%n",
                    m.name(),
                    m.bitsPerChannel(),
                    m.coverPsnr(),
                    m.accuracy(),
                    m.auc(),
                    m.meanPhotoAuc(),
                    m.minimumTotalError()));
        }
        sb.append("accuracy 0.5 and AUC 0.5: the detector cannot tell; 1.0: it always can. AUC: all photos' "
                + "held-out scores pooled;\nphoto AUC: mean of each held-out photo's own AUC; P_E: the minimum total error"
                + " (P_FA + P_MD) / 2 over thresholds, 0.5 when the detector cannot tell\n");
        return sb.toString();
    }

    public static Map<String, Object> json(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("photos", r.photos());
        m.put("tiles", r.tiles());
        m.put("size", r.size());
        m.put("features", "residual co-occurrences, " + ResidualFeatures.DIMENSION + " dimensions");
        m.put("classifier", "L2-regularised logistic regression (LIBLINEAR), C chosen by inner grouped CV");
        Map<String, Object> methods = new LinkedHashMap<>();
        for (MethodScore s : r.methods()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("bitsPerChannel", s.bitsPerChannel());
            x.put("coverPsnr", s.coverPsnr());
            x.put("accuracy", s.accuracy());
            x.put("auc", s.auc());
            x.put("meanPhotoAuc", s.meanPhotoAuc());
            x.put("minimumTotalError", s.minimumTotalError());
            x.put("samples", s.samples());
            x.put("folds", s.folds());
            methods.put(s.name(), x);
        }
        m.put("methods", methods);
        return m;
    }
}
