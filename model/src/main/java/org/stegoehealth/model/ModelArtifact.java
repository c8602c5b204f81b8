package org.stegoehealth.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A versioned model on disk: a directory holding {@code model.json} ({@link ModelMetadata}) and a weights file
 * whose SHA-256 the metadata records. Artifacts are immutable: writing refuses an existing directory, and
 * loading refuses weights whose checksum does not match.
 */
public final class ModelArtifact {

    public static final String METADATA_FILE = "model.json";
    public static final String WEIGHTS_FILE = "weights.bin";
    private static final int MAGIC = 0x53454857; // "SEHW"
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ModelMetadata metadata;
    private final Map<String, INDArray> weights;

    private ModelArtifact(ModelMetadata metadata, Map<String, INDArray> weights) {
        this.metadata = metadata;
        this.weights = weights;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public Map<String, INDArray> weights() {
        return weights;
    }

    public StegoModel toModel() {
        return new StegoModel(metadata.architecture(), weights, metadata.version());
    }

    /** File under {@code <home>/models} naming the default model's directory. */
    public static final String DEFAULT_POINTER = "DEFAULT";

    /**
     * The model to use: {@code path} when given, else the default model named by {@code models/DEFAULT} under the
     * installation directory (system property {@code stego.home}, else environment {@code STEGO_HOME}, else the
     * working directory).
     */
    public static Path locate(Path path) {
        if (path != null) {
            return path;
        }
        Path models = Installation.home().resolve("models");
        Path pointer = models.resolve(DEFAULT_POINTER);
        try {
            return models.resolve(Files.readString(pointer).trim());
        } catch (IOException e) {
            throw new ModelException(pointer + ": no default model (pass --model DIR)");
        }
    }

    /** Loads and verifies an artifact directory (or its model.json). */
    public static ModelArtifact load(Path path) {
        Path dir = Files.isDirectory(path) ? path : path.getParent();
        Path meta = dir == null ? path : dir.resolve(METADATA_FILE);
        if (!Files.isRegularFile(meta)) {
            throw new ModelException(path + ": not a model (no " + METADATA_FILE + ")");
        }
        ModelMetadata metadata;
        try {
            metadata = JSON.readValue(meta.toFile(), ModelMetadata.class);
        } catch (IOException | RuntimeException e) {
            throw new ModelException(
                    meta + ": corrupt model metadata ("
                            + e.getMessage().lines().findFirst().orElse("") + ")",
                    e);
        }
        if (metadata.architecture() == null || metadata.weightsSha256() == null || metadata.weightsFile() == null) {
            throw new ModelException(meta + ": model metadata lacks architecture, weights file or checksum");
        }
        Path weightsPath = dir.resolve(metadata.weightsFile());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(weightsPath);
        } catch (IOException e) {
            throw new ModelException(weightsPath + ": cannot read model weights (" + e.getMessage() + ")", e);
        }
        String actual = sha256(bytes);
        if (!actual.equalsIgnoreCase(metadata.weightsSha256())) {
            throw new ModelException(weightsPath + ": checksum mismatch (expected " + metadata.weightsSha256()
                    + ", found " + actual + "); refusing a modified or corrupt model");
        }
        Map<String, INDArray> weights = readWeights(bytes, weightsPath);
        for (StegoNetwork.ConvSpec spec : StegoNetwork.layers(metadata.architecture())) {
            INDArray w = weights.get(spec.name() + "_W");
            if (w == null
                    || w.length() != (long) spec.kernel() * spec.kernel() * spec.in() * spec.out()
                    || !weights.containsKey(spec.name() + "_b")) {
                throw new ModelException(
                        weightsPath + ": weights do not match the declared architecture at " + spec.name());
            }
        }
        return new ModelArtifact(metadata, weights);
    }

    /**
     * Writes a new artifact under {@code parent/<version>}. The checksum in {@code metadata} is replaced by the
     * one computed here.
     *
     * @return the artifact directory
     */
    public static Path write(Path parent, ModelMetadata metadata, Map<String, INDArray> weights) throws IOException {
        Path dir = parent.resolve(metadata.version());
        if (Files.exists(dir)) {
            throw new ModelException(dir + ": a model with this version already exists; versions are immutable");
        }
        byte[] bytes = weightBytes(weights);
        ModelMetadata sealed = new ModelMetadata(
                metadata.version(),
                metadata.created(),
                metadata.architecture(),
                metadata.preprocessing(),
                metadata.training(),
                metadata.data(),
                metadata.validation(),
                WEIGHTS_FILE,
                sha256(bytes));
        Path tmp = Files.createTempDirectory(parent, ".writing-");
        Files.write(tmp.resolve(WEIGHTS_FILE), bytes);
        JSON.writeValue(tmp.resolve(METADATA_FILE).toFile(), sealed);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    /** An artifact's two files, byte for byte, as they travel between machines. */
    public record Bytes(byte[] metadataJson, byte[] weights) {}

    /** Reads an artifact directory's files unchanged, after checking them as {@link #load} does. */
    public static Bytes readBytes(Path dir) {
        ModelMetadata metadata = load(dir).metadata();
        try {
            return new Bytes(
                    Files.readAllBytes(dir.resolve(METADATA_FILE)),
                    Files.readAllBytes(dir.resolve(metadata.weightsFile())));
        } catch (IOException e) {
            throw new ModelException(dir + ": cannot read model files (" + e.getMessage() + ")", e);
        }
    }

    /** Parses {@code model.json} bytes; {@code source} names them in errors. */
    public static ModelMetadata parseMetadata(byte[] json, String source) {
        try {
            ModelMetadata metadata = JSON.readValue(json, ModelMetadata.class);
            if (metadata.version() == null || metadata.architecture() == null || metadata.weightsSha256() == null) {
                throw new ModelException(source + ": model metadata lacks version, architecture or checksum");
            }
            return metadata;
        } catch (IOException e) {
            throw new ModelException(
                    source + ": corrupt model metadata ("
                            + e.getMessage().lines().findFirst().orElse("") + ")",
                    e);
        }
    }

    /**
     * Installs an artifact received as bytes under {@code parent/<version>}, after checking that the metadata names
     * {@code version} and that the weights match its checksum. The directory appears atomically, complete or not at
     * all. Installing the same artifact again is harmless; a different one under an existing version is refused.
     *
     * @return the artifact directory
     */
    public static Path install(Path parent, String version, Bytes files) {
        safeName(version, version);
        ModelMetadata metadata = parseMetadata(files.metadataJson(), "model " + version);
        if (!version.equals(metadata.version())) {
            throw new ModelException("model " + version + ": its metadata names version " + metadata.version());
        }
        String actual = sha256(files.weights());
        if (!actual.equalsIgnoreCase(metadata.weightsSha256())) {
            throw new ModelException("model " + version + ": checksum mismatch (expected " + metadata.weightsSha256()
                    + ", found " + actual + "); refusing a modified or corrupt model");
        }
        Path dir = parent.resolve(version);
        try {
            if (Files.exists(dir)) {
                Bytes existing = readBytes(dir);
                if (!Arrays.equals(existing.weights(), files.weights())) {
                    throw new ModelException(
                            dir + ": a different model with this version already exists; versions" + " are immutable");
                }
                return dir;
            }
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, ".installing-");
            Files.write(tmp.resolve(METADATA_FILE), files.metadataJson());
            String weightsFile = safeName(metadata.weightsFile(), version);
            Files.write(tmp.resolve(weightsFile), files.weights());
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // another reader installed it meanwhile: keep theirs if it is the same artifact
                deleteTree(tmp);
                return install(parent, version, files);
            }
            return dir;
        } catch (IOException e) {
            throw new ModelException(dir + ": cannot install model (" + e.getMessage() + ")", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A version id or file name that is safe as one path element. */
    private static String safeName(String file, String version) {
        if (file == null || file.length() > 200 || !file.matches("[A-Za-z0-9._-]+") || file.startsWith(".")) {
            throw new ModelException("model " + version + ": unsafe file or version name '" + file + "'");
        }
        return file;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes named weights to one file in the artifact's weights format (a run's averaged or best weights). */
    public static void writeWeights(Path file, Map<String, INDArray> weights) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, weightBytes(weights));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a file written by {@link #writeWeights}. */
    public static Map<String, INDArray> readWeights(Path file) throws IOException {
        return readWeights(Files.readAllBytes(file), file);
    }

    /** Short hex digest of the weights, for version ids. */
    public static String fingerprint(Map<String, INDArray> weights) {
        try {
            return sha256(weightBytes(weights)).substring(0, 8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] weightBytes(Map<String, INDArray> weights) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(buffer))) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(weights.size());
            for (Map.Entry<String, INDArray> e : weights.entrySet()) {
                INDArray a = e.getValue();
                out.writeUTF(e.getKey());
                long[] shape = a.shape();
                out.writeInt(shape.length);
                for (long s : shape) {
                    out.writeLong(s);
                }
                float[] data = a.dup('c').data().asFloat();
                for (float f : data) {
                    out.writeFloat(f);
                }
            }
        }
        return buffer.toByteArray();
    }

    /** The highest tensor rank a weights file may declare (the network's are 1 to 4). */
    private static final int MAX_RANK = 8;

    static Map<String, INDArray> readWeights(byte[] bytes, Path source) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new ByteArrayInputStream(bytes)))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                throw new ModelException(source + ": not a Stego-eHealth weights file");
            }
            int count = in.readInt();
            Map<String, INDArray> weights = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                // declared sizes are checked against the bytes that are there before anything is allocated
                if (rank < 0 || rank > MAX_RANK) {
                    throw new ModelException(source + ": implausible tensor rank " + rank + " for " + name);
                }
                long[] shape = new long[rank];
                long n = 1;
                for (int r = 0; r < rank; r++) {
                    shape[r] = in.readLong();
                    if (shape[r] <= 0 || shape[r] > 100_000_000L) {
                        throw new ModelException(source + ": implausible tensor shape for " + name);
                    }
                    n = Math.multiplyExact(n, shape[r]);
                    if (n > 100_000_000L) {
                        throw new ModelException(source + ": implausible tensor shape for " + name);
                    }
                }
                if (n * Float.BYTES > in.available()) {
                    throw new ModelException(source + ": truncated weights file (" + name + " declares " + n
                            + " values, " + in.available() / Float.BYTES + " remain)");
                }
                float[] data = new float[(int) n];
                for (int j = 0; j < n; j++) {
                    data[j] = in.readFloat();
                }
                weights.put(name, Nd4j.create(data, shape, 'c'));
            }
            return weights;
        } catch (IOException e) {
            throw new ModelException(source + ": truncated weights file", e);
        }
    }
}
