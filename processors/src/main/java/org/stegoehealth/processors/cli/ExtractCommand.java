package org.stegoehealth.processors.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.stegoehealth.model.FloatImage;
import org.stegoehealth.model.HidingModel;
import org.stegoehealth.model.Installation;
import org.stegoehealth.model.ModelArtifact;
import org.stegoehealth.model.ModelCache;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StegoFormat;
import org.stegoehealth.security.Png;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stego extract FILE...}: the X-ray from stego image files that reached the clinic outside the stego topic (a
 * downloaded or forwarded photo, PNG or JPEG, possibly recompressed on the way). The hospital signs the stego event,
 * not the picture, so a file on its own cannot be authenticated: it is refused unless {@code --unverified} is given,
 * and then the recovered X-ray says UNVERIFIED in its PNG notes and on the console line. The model version is
 * {@code --model}, else the note the embedder writes into every neural stego image ({@link StegoFormat#MODEL_NOTE});
 * the version is looked up among the verified versions this clinic holds ({@code model.cache.dir}, filled by the
 * extractor or {@code stego models pull}) and the installation's bundled models.
 */
@Command(
        name = "extract",
        mixinStandardHelpOptions = true,
        description = {
            "Recover the X-ray from stego image files that arrived by another channel: a downloaded or forwarded photo, PNG or JPEG, possibly recompressed.",
            "The hospital signs the stego event, not the picture, so a file alone cannot be authenticated: it is refused unless --unverified is given. With --unverified each recovered X-ray is written as a PNG whose notes say UNVERIFIED, and its console line says so too.",
            "The model version is --model, else the one the embedder noted in the file (a recompressing channel may strip it); it must be a verified version this clinic holds in model.cache.dir (the extractor's cache, or stego models pull VERSION --to DIR) or a bundled model."
        })
public final class ExtractCommand implements Callable<Integer> {

    /** The note on every recovered X-ray this command writes. */
    public static final String VERIFICATION_NOTE = "Stego-eHealth verification";

    /** What that note says: the file was not authenticated. */
    public static final String UNVERIFIED = "UNVERIFIED: no hospital signature checked (recovered from a file that"
            + " arrived outside the stego topic); reconstructed by a network, lossy, not for primary diagnosis";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Stego image files, PNG or JPEG.")
    List<Path> files;

    @Option(
            names = "--model",
            paramLabel = "VERSION",
            description =
                    "Model version to extract with, or a model artifact directory like the other commands' --model"
                            + " DIR (default: the version noted in each file).")
    String model;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "recovered",
            description = "Where each recovered X-ray goes, as NAME-recovered.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--unverified",
            description =
                    "Recover files that cannot be authenticated (every bare file), marking each output UNVERIFIED.")
    boolean unverified;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description =
                    "Properties file (keys as in StegoConfig): model.cache.dir, max.image.side, inference.tile.size.")
    Path config;

    @Override
    public Integer call() throws IOException {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": no such file");
            }
        }
        Map<Path, Path> targets = new LinkedHashMap<>();
        for (Path file : files) {
            Path earlier = targets.putIfAbsent(target(file.getFileName().toString()), file);
            if (earlier != null) {
                throw new IllegalArgumentException(earlier + " and " + file + " would both be written to "
                        + target(file.getFileName().toString()) + "; rename one or extract them separately");
            }
        }
        if (!unverified) {
            throw new IllegalArgumentException(files.get(0) + ": cannot be authenticated: the hospital signs the stego"
                    + " event, not the picture, so a file carries no signature; refused (pass --unverified to recover it"
                    + " anyway, marked UNVERIFIED)");
        }
        StegoConfig settings = StegoConfig.load(config, Map.of());
        List<ModelCache> places = List.of(
                new ModelCache(settings.modelCacheDir()),
                new ModelCache(Installation.home().resolve("models")));
        Map<String, HidingModel> models = new LinkedHashMap<>();
        List<Path> written = new ArrayList<>();
        PrintWriter stdout = spec.commandLine().getOut();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString();
            InputImages.Decoded image = InputImages.decode(bytes, name, settings.maxImageSide());
            if (image.channels() != 3 || image.bitDepth() != 8) {
                throw new IllegalArgumentException(name + ": " + image.describe() + "; a stego image is 8-bit RGB");
            }
            Optional<String> noted = StegoFormat.modelVersionOf(bytes);
            String version = model != null
                    ? model
                    : noted.orElseThrow(() -> new IllegalArgumentException(name + ": notes no model version (a channel"
                            + " that recompresses or strips metadata removes it); name it with --model VERSION"));
            HidingModel hiding = models.computeIfAbsent(
                    version,
                    v -> v.equals(model) && isArtifact(model)
                            ? ModelArtifact.load(Path.of(model)).toModel().tiled(settings.tiling())
                            : load(v, places, settings));
            FloatImage secret =
                    hiding.extract(List.of(FloatImage.of(image.image()))).get(0).withChannels(hiding.secretChannels());
            Map<String, String> notes = new LinkedHashMap<>();
            notes.put(VERIFICATION_NOTE, UNVERIFIED);
            notes.put(StegoFormat.MODEL_NOTE, hiding.version());
            Path target = write(name, Png.encode(secret.toBufferedImage(), notes));
            written.add(target);
            stdout.printf(
                    "UNVERIFIED %s (%s %dx%d) -> %s: model %s%n",
                    file, image.format(), image.width(), image.height(), target, hiding.version());
        }
        stdout.printf(
                "%d X-ray(s) recovered UNVERIFIED: no signature was checked; treat them as unauthenticated%n",
                written.size());
        stdout.flush();
        return 0;
    }

    /** Whether {@code --model} names a model artifact directory rather than a version. */
    private static boolean isArtifact(String value) {
        return Files.isRegularFile(Path.of(value).resolve(ModelArtifact.METADATA_FILE));
    }

    /** The model {@code version} from the first place that holds it, checked and loaded. */
    private static HidingModel load(String version, List<ModelCache> places, StegoConfig settings) {
        if (!version.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException(
                    "model version '" + version.replaceAll("\\p{Cntrl}", "?") + "' is not a version name");
        }
        for (ModelCache place : places) {
            if (place.contains(version)) {
                ModelArtifact artifact = place.load(version);
                if (!version.equals(artifact.metadata().version())) {
                    throw new IllegalArgumentException(place.dir().resolve(version) + " holds model "
                            + artifact.metadata().version() + ", not " + version);
                }
                return artifact.toModel().tiled(settings.tiling());
            }
        }
        throw new IllegalArgumentException(
                "unknown model version " + version + ": not in " + places.get(0).dir()
                        + " (model.cache.dir) nor among the bundled models in "
                        + places.get(1).dir() + "; fetch it with"
                        + " stego models pull " + version + " --to DIR and set model.cache.dir=DIR");
    }

    /** Where the X-ray recovered from the file {@code fileName} goes: {@code <out>/<stem>-recovered.png}. */
    private Path target(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return out.resolve((dot > 0 ? fileName.substring(0, dot) : fileName) + "-recovered.png");
    }

    /** Writes {@code png} as {@link #target} (via a temporary file, so no half file is left). */
    private Path write(String fileName, byte[] png) throws IOException {
        Files.createDirectories(out);
        Path target = target(fileName);
        Path tmp = Files.createTempFile(out, ".recovering-", ".part");
        try {
            Files.write(tmp, png);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
