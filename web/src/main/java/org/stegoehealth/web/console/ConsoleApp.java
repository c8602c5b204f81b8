package org.stegoehealth.web.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.models.ModelPromotions;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.web.Templates;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;

/**
 * The hospital console's pages on a {@link WebServer}: the models page ({@code /models}: every version with its
 * held-out figures and lineage, which one is live, and the history of promotions), and for operators the
 * confirmation pages and actions to promote a version ({@code /models/VERSION/promote}) and to roll back to the one
 * live before ({@code /models/rollback}).
 *
 * <p>Every POST other than sign-in and sign-out is an action: a session whose user is not an {@link
 * Users.Role#OPERATOR} (read from the users file at each request) gets 403 before any action route runs, and the
 * confirmation pages of actions are refused the same way. Each action is one audit event naming what it did.
 */
public final class ConsoleApp {

    public static final String MODELS = "/models";
    public static final String ROLL_BACK = MODELS + "/rollback";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleApp.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ModelDesk models;
    private final Users users;
    private WebServer server;

    public ConsoleApp(ModelDesk models, Users users) {
        this.models = models;
        this.users = users;
    }

    /** Binds to the server the routes were added to (for its audit trail). */
    public void bind(WebServer server) {
        this.server = server;
    }

    public void routes(RoutesConfig routes) {
        routes.before(this::operatorsAct);
        routes.get(MODELS, this::modelsPage);
        routes.get(MODELS + "/{version}/promote", this::confirmPromote);
        routes.post(MODELS + "/{version}/promote", this::promote);
        routes.get(ROLL_BACK, this::confirmRollBack);
        routes.post(ROLL_BACK, this::rollBack);
        routes.exception(
                IllegalArgumentException.class,
                (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST)
                        .contentType("text/plain")
                        .result(e.getMessage()));
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    /** Whether the signed-in user of {@code ctx} is an operator. */
    private boolean operator(Context ctx) {
        return users.role(WebServer.session(ctx).user()).orElse(Users.Role.VIEWER) == Users.Role.OPERATOR;
    }

    /**
     * Runs before every route, after the server's session check: an action (any POST but sign-in and sign-out) by a
     * user who is not an operator is refused with 403 and nothing else runs.
     */
    private void operatorsAct(Context ctx) {
        boolean action = ctx.method().name().equals("POST")
                && !ctx.path().equals(WebServer.SIGN_IN)
                && !ctx.path().equals(WebServer.SIGN_OUT);
        if (action && !operator(ctx)) {
            refuse(ctx);
        }
    }

    private static void refuse(Context ctx) {
        ctx.status(HttpStatus.FORBIDDEN).contentType("text/plain").result("only an operator may do this");
        ctx.skipRemainingHandlers();
    }

    private Map<String, Object> base(Context ctx, String title) {
        Map<String, Object> m = new HashMap<>();
        m.put("title", title);
        m.put("user", WebServer.session(ctx).user());
        m.put("operator", operator(ctx));
        return m;
    }

    /** One version as the models page shows it. */
    public record VersionRow(
            String version,
            String parent,
            String created,
            String coverPsnr,
            String secretPsnr,
            String status,
            String statusReason,
            String publishedBy,
            String publishedAt,
            String training,
            String data,
            boolean live,
            boolean promotable) {}

    /** One promotion as the history shows it. */
    public record PromotionRow(String at, String version, String by, String reason, boolean live) {}

    static String dB(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f dB", v);
    }

    static String summary(Map<String, Object> map) {
        if (map == null || map.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(map).forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    private List<VersionRow> versionRows(Optional<ModelPromotionEvent> live) {
        String liveVersion = live.map(ModelPromotionEvent::getVersion).orElse(null);
        List<VersionRow> rows = new ArrayList<>();
        List<ModelRegistry.Version> versions = new ArrayList<>(models.registry().versions());
        java.util.Collections.reverse(versions); // newest first
        for (ModelRegistry.Version v : versions) {
            boolean isLive = v.version().equals(liveVersion);
            rows.add(new VersionRow(
                    v.version(),
                    v.parent() == null ? "" : v.parent(),
                    v.metadata().created() == null ? "" : v.metadata().created(),
                    dB(v.validation("coverPsnr")),
                    dB(v.validation("secretPsnr")),
                    v.status().name(),
                    v.statusReason() == null ? "" : v.statusReason(),
                    v.publishedBy() == null ? "" : v.publishedBy(),
                    time(v.publishedAt()),
                    summary(v.metadata().training()),
                    summary(v.metadata().data()),
                    isLive,
                    !isLive && v.status() != org.stegoehealth.schemas.ModelStatus.RETIRED));
        }
        return rows;
    }

    private List<PromotionRow> historyRows(Optional<ModelPromotionEvent> live) {
        List<PromotionRow> rows = new ArrayList<>();
        List<ModelPromotionEvent> history = new ArrayList<>(models.registry().promotionHistory());
        java.util.Collections.reverse(history); // newest first
        for (ModelPromotionEvent p : history) {
            rows.add(new PromotionRow(
                    time(p.getPromotedAt()),
                    p.getVersion(),
                    p.getPromotedBy(),
                    p.getReason(),
                    live.isPresent() && live.get().equals(p)));
        }
        return rows;
    }

    private void modelsPage(Context ctx) {
        Optional<ModelPromotionEvent> live = models.registry().promotion();
        Map<String, Object> m = base(ctx, "Models");
        m.put("versions", versionRows(live));
        m.put("history", historyRows(live));
        m.put("live", live.map(ModelPromotionEvent::getVersion).orElse(""));
        m.put("rollBackTo", models.rollBackTarget().orElse(""));
        m.put("refused", models.registry().refusedCount());
        m.put("done", Optional.ofNullable(ctx.queryParam("done")).orElse(""));
        Templates.html(ctx, "console/models.jte", m);
    }

    private void confirm(Context ctx, String action, String version, String path, String question) {
        Map<String, Object> m = base(ctx, action);
        m.put("action", action);
        m.put("version", version);
        m.put("path", path);
        m.put("question", question);
        Templates.html(ctx, "console/confirm.jte", m);
    }

    private void confirmPromote(Context ctx) {
        if (!operator(ctx)) {
            refuse(ctx);
            return;
        }
        String version = ctx.pathParam("version");
        ModelRegistry.Version v = ModelPromotions.promotable(models.registry(), version);
        String live = models.registry().promotedVersion().orElse("none");
        confirm(
                ctx,
                "Promote",
                v.version(),
                MODELS + "/" + v.version() + "/promote",
                "Embedders switch from " + live + " to " + v.version() + " at their next batch.");
    }

    private void confirmRollBack(Context ctx) {
        if (!operator(ctx)) {
            refuse(ctx);
            return;
        }
        String target = models.rollBackTarget()
                .orElseThrow(() ->
                        new IllegalArgumentException("no earlier promotion of another version to roll back" + " to"));
        String live = models.registry().promotedVersion().orElse("none");
        confirm(
                ctx,
                "Roll back",
                target,
                ROLL_BACK,
                "Embedders switch from " + live + " back to " + target + " at their next batch.");
    }

    private void promote(Context ctx) {
        String version = ctx.pathParam("version");
        String by = WebServer.session(ctx).user();
        ModelPromotionEvent e = models.promote(version, ctx.formParam("reason"), by);
        server.audit(ctx, "PROMOTE", "version " + e.getVersion() + "; reason: " + e.getReason());
        LOG.info("{} promoted {} from the console: {}", by, e.getVersion(), e.getReason());
        ctx.redirect(MODELS + "?done=promoted+" + e.getVersion());
    }

    private void rollBack(Context ctx) {
        String by = WebServer.session(ctx).user();
        String from = models.registry().promotedVersion().orElse("none");
        ModelPromotionEvent e = models.rollBack(ctx.formParam("reason"), by);
        server.audit(ctx, "ROLL_BACK", "version " + e.getVersion() + " (was " + from + "); reason: " + e.getReason());
        LOG.info("{} rolled back from {} to {} from the console: {}", by, from, e.getVersion(), e.getReason());
        ctx.redirect(MODELS + "?done=rolled+back+to+" + e.getVersion());
    }
}
