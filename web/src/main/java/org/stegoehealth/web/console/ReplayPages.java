package org.stegoehealth.web.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.web.Templates;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;

/**
 * The replays page ({@code /replays}): every replay started from the console with its state; for operators the form
 * that starts one ({@code POST /replays}: a range of the X-ray topic and the versions to compare, checked before
 * anything runs, an audit event {@code REPLAY}); each replay's page ({@code /replays/ID}, its progress read again every
 * 2 s from {@code /replays/ID/panel}) with the table once done; and for operators the report {@code replay} wrote
 * ({@code /replays/ID/report/report.html}, its grids and {@code replay.json}). The grids show X-rays, so viewers get
 * the table but not the report.
 */
public final class ReplayPages {

    public static final String REPLAYS = "/replays";

    private static final Logger LOG = LoggerFactory.getLogger(ReplayPages.class);

    private final ReplayDesk replays;
    private final ModelRegistry registry;
    private final Users users;
    private WebServer server;

    public ReplayPages(ReplayDesk replays, ModelRegistry registry, Users users) {
        this.replays = replays;
        this.registry = registry;
        this.users = users;
    }

    /** Binds to the server the routes were added to (for its audit trail). */
    public void bind(WebServer server) {
        this.server = server;
    }

    public void routes(RoutesConfig routes) {
        routes.get(REPLAYS, this::page);
        routes.post(REPLAYS, this::start);
        routes.get(REPLAYS + "/{id}", this::runPage);
        routes.get(REPLAYS + "/{id}/panel", this::panel);
        routes.get(REPLAYS + "/{id}/report/{file}", this::report);
    }

    private boolean operator(Context ctx) {
        return users.role(WebServer.session(ctx).user()).orElse(Users.Role.VIEWER) == Users.Role.OPERATOR;
    }

    private static void refuse(Context ctx) {
        ctx.status(HttpStatus.FORBIDDEN).contentType("text/plain").result("only an operator may do this");
    }

    private Map<String, Object> base(Context ctx, String title) {
        Map<String, Object> m = new HashMap<>();
        m.put("title", title);
        m.put("user", WebServer.session(ctx).user());
        m.put("operator", operator(ctx));
        return m;
    }

    /** One replay as the list shows it. */
    public record RunRow(String id, String requested, String by, String command, String state, String finished) {}

    static RunRow row(ReplayDesk.Run r) {
        return new RunRow(
                r.id(),
                ConsoleApp.time(r.requested()),
                r.by(),
                r.request().commandLine(),
                r.state().name().toLowerCase(java.util.Locale.ROOT),
                ConsoleApp.time(r.finished()));
    }

    /** The verified versions, newest first, the live one marked: what a replay can compare. */
    public record Choice(String version, String coverPsnr, boolean live) {}

    private List<Choice> choices() {
        String live = registry.promotedVersion().orElse(null);
        List<Choice> choices = new ArrayList<>();
        for (ModelRegistry.Version v : registry.versions()) {
            choices.add(
                    0,
                    new Choice(
                            v.version(),
                            ConsoleApp.dB(v.validation("coverPsnr")),
                            v.version().equals(live)));
        }
        return choices;
    }

    private void page(Context ctx) {
        render(ctx, "", null);
    }

    private void render(Context ctx, String error, Map<String, String> form) {
        Map<String, Object> m = base(ctx, "Replays");
        m.put("available", replays.available());
        m.put("runs", replays.runs().stream().map(ReplayPages::row).toList());
        m.put("choices", choices());
        m.put("error", error);
        m.put("form", form == null ? Map.of("limit", "100") : form);
        m.put("maxLimit", ReplayDesk.MAX_LIMIT);
        Templates.html(ctx, "console/replays.jte", m);
    }

    private void start(Context ctx) {
        if (!operator(ctx)) {
            refuse(ctx);
            return;
        }
        ReplayDesk.Request request;
        try {
            request = ReplayDesk.request(
                    ctx.formParams("version"),
                    ctx.formParam("fromOffset"),
                    ctx.formParam("toOffset"),
                    ctx.formParam("since"),
                    ctx.formParam("until"),
                    ctx.formParam("limit"),
                    registry::has);
            if (!replays.available()) {
                throw new IllegalArgumentException(
                        "replays need the lab module on the console's classpath (the stego launcher has it)");
            }
        } catch (IllegalArgumentException e) {
            Map<String, String> form = new HashMap<>();
            for (String f : List.of("fromOffset", "toOffset", "since", "until", "limit")) {
                String v = ctx.formParam(f);
                form.put(f, v == null ? "" : v);
            }
            ctx.status(HttpStatus.BAD_REQUEST);
            render(ctx, e.getMessage(), form);
            return;
        }
        String by = WebServer.session(ctx).user();
        ReplayDesk.Run run = replays.start(request, by);
        server.audit(ctx, "REPLAY", run.id() + ": " + request.commandLine());
        LOG.info("{} started {} from the console: {}", by, run.id(), request.commandLine());
        ctx.redirect(REPLAYS + "/" + run.id());
    }

    private ReplayDesk.Run find(Context ctx) {
        return replays.run(ctx.pathParam("id")).orElseThrow(() -> new NotFoundResponse("no such replay"));
    }

    private Map<String, Object> runModel(Map<String, Object> m, ReplayDesk.Run run) {
        m.put("run", row(run));
        m.put("progress", run.progress());
        m.put("table", run.table());
        m.put("error", run.error());
        m.put("finished", run.finishedOrFailed());
        m.put("done", run.state() == ReplayDesk.State.DONE);
        return m;
    }

    private void runPage(Context ctx) {
        ReplayDesk.Run run = find(ctx);
        Templates.html(ctx, "console/replay.jte", runModel(base(ctx, run.id()), run));
    }

    private void panel(Context ctx) {
        ReplayDesk.Run run = find(ctx);
        Map<String, Object> m = runModel(new HashMap<>(), run);
        m.put("operator", operator(ctx));
        if (run.finishedOrFailed()) {
            // htmx stops polling on 286
            ctx.status(286);
        }
        Templates.html(ctx, "console/replaypanel.jte", m);
    }

    private void report(Context ctx) {
        if (!operator(ctx)) {
            refuse(ctx);
            return;
        }
        String name = ctx.pathParam("file");
        java.nio.file.Path file = replays.reportFile(ctx.pathParam("id"), name)
                .orElseThrow(() -> new NotFoundResponse("no such report file"));
        String type = name.endsWith(".png")
                ? "image/png"
                : name.endsWith(".json") ? "application/json" : "text/html; charset=utf-8";
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
        ctx.contentType(type).result(ReplayDesk.read(file));
    }
}
