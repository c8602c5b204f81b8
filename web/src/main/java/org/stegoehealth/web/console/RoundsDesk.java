package org.stegoehealth.web.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.schemas.TrainingRoundEvent;
import org.stegoehealth.trainer.TrainingCurve;
import org.stegoehealth.web.Templates;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;

/**
 * The periodic trainer's rounds and each version's detail: {@code /rounds} (a fragment the models page loads: every
 * round on the {@code training-rounds} topic, newest first, with base and candidate figures and the gate's decision),
 * {@code /versions/VERSION} (a version's lineage, figures, training and data, the rounds that made it or started from
 * it, and its training curve) and {@code /versions/VERSION/curve.png} (the curve its signed metadata records, drawn as
 * {@code stego train} draws {@code curve.png}).
 */
public final class RoundsDesk {

    public static final String ROUNDS = "/rounds";
    public static final String VERSIONS = "/versions";

    /** The training rounds, read from their topic as {@code stego models history} reads them. */
    @FunctionalInterface
    public interface Source {
        List<TrainingRoundEvent> rounds();
    }

    private final Source source;
    private final ModelRegistry registry;
    private final Users users;

    public RoundsDesk(Source source, ModelRegistry registry, Users users) {
        this.source = source;
        this.registry = registry;
        this.users = users;
    }

    public void routes(RoutesConfig routes) {
        routes.get(ROUNDS, this::rounds);
        routes.get(VERSIONS + "/{version}", this::version);
        routes.get(VERSIONS + "/{version}/curve.png", this::curve);
    }

    /** One round as the tables show it. */
    public record RoundRow(
            String round,
            String finished,
            String base,
            String candidate,
            int steps,
            int trainingXrays,
            int heldOut,
            String cover,
            String secret,
            boolean promoted,
            String reason) {}

    static RoundRow row(TrainingRoundEvent r) {
        return new RoundRow(
                r.getRoundId(),
                ConsoleApp.time(r.getFinishedAt()),
                r.getBaseVersion(),
                r.getCandidateVersion() == null ? "" : r.getCandidateVersion(),
                r.getSteps(),
                r.getTrainingXrays(),
                r.getHeldOutImages(),
                change(r.getBaseCoverPsnr(), r.getCandidateCoverPsnr()),
                change(r.getBaseSecretPsnr(), r.getCandidateSecretPsnr()),
                r.getPromoted(),
                r.getReason());
    }

    private static String change(double base, double candidate) {
        return String.format(Locale.ROOT, "%.2f → %.2f dB", base, candidate);
    }

    /** The rounds, newest first, each round once (the topic is compacted by round id; the latest record counts). */
    List<TrainingRoundEvent> latestRounds() {
        Map<String, TrainingRoundEvent> byId = new LinkedHashMap<>();
        for (TrainingRoundEvent r : source.rounds()) {
            byId.remove(r.getRoundId());
            byId.put(r.getRoundId(), r);
        }
        List<TrainingRoundEvent> rounds = new ArrayList<>(byId.values());
        rounds.sort((a, b) -> b.getFinishedAt().compareTo(a.getFinishedAt()));
        return rounds;
    }

    private void rounds(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        m.put("rounds", latestRounds().stream().map(RoundsDesk::row).toList());
        Templates.html(ctx, "console/rounds.jte", m);
    }

    private ModelRegistry.Version find(String version) {
        return registry.version(version)
                .orElseThrow(() -> new NotFoundResponse("no verified version " + version + " on the model topic"));
    }

    private static int bestStep(ModelRegistry.Version v) {
        Object step = v.metadata().validation() == null
                ? null
                : v.metadata().validation().get("step");
        return step instanceof Number n ? n.intValue() : -1;
    }

    private void version(Context ctx) {
        ModelRegistry.Version v = find(ctx.pathParam("version"));
        Map<String, Object> m = new HashMap<>();
        m.put("title", v.version());
        m.put("user", WebServer.session(ctx).user());
        m.put("operator", users.role(WebServer.session(ctx).user()).orElse(Users.Role.VIEWER) == Users.Role.OPERATOR);
        m.put("version", v.version());
        m.put("parent", v.parent() == null ? "" : v.parent());
        m.put(
                "children",
                registry.versions().stream()
                        .filter(c -> v.version().equals(c.parent()))
                        .map(ModelRegistry.Version::version)
                        .toList());
        m.put("live", v.version().equals(registry.promotedVersion().orElse(null)));
        m.put("created", v.metadata().created() == null ? "" : v.metadata().created());
        m.put("status", v.status().name() + (v.statusReason() == null ? "" : ": " + v.statusReason()));
        m.put("published", ConsoleApp.time(v.publishedAt()) + " by " + v.publishedBy());
        m.put("validation", entries(v.metadata().validation()));
        m.put("training", entries(v.metadata().training()));
        m.put("data", entries(v.metadata().data()));
        List<RoundRow> rounds = latestRounds().stream()
                .filter(r -> v.version().equals(r.getCandidateVersion())
                        || v.version().equals(r.getBaseVersion()))
                .map(RoundsDesk::row)
                .toList();
        m.put("rounds", rounds);
        Object curve =
                v.metadata().training() == null ? null : v.metadata().training().get(TrainingCurve.METADATA_KEY);
        m.put("curve", curve instanceof List<?> l && !l.isEmpty());
        Templates.html(ctx, "console/version.jte", m);
    }

    /** A metadata map as sorted {@code key: value} lines, without the curve's points. */
    static List<String> entries(Map<String, Object> map) {
        List<String> lines = new ArrayList<>();
        if (map != null) {
            new java.util.TreeMap<>(map).forEach((k, val) -> {
                if (!k.equals(TrainingCurve.METADATA_KEY)) {
                    lines.add(k + ": " + val);
                }
            });
        }
        return lines;
    }

    private void curve(Context ctx) {
        ModelRegistry.Version v = find(ctx.pathParam("version"));
        Optional<java.awt.image.BufferedImage> image =
                TrainingCurve.fromMetadata(v.metadata().training(), bestStep(v), v.version());
        if (image.isEmpty()) {
            throw new NotFoundResponse("version " + v.version() + " records no training curve");
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image.get(), "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.header("Cache-Control", "private, max-age=3600"); // a version's metadata never changes
        ctx.contentType("image/png").result(png.toByteArray());
    }
}
