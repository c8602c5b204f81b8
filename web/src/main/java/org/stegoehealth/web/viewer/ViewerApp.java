package org.stegoehealth.web.viewer;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.sse.SseClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.web.Sessions;
import org.stegoehealth.web.Templates;
import org.stegoehealth.web.WebServer;

/**
 * The clinic viewer's pages on a {@link WebServer}: the worklist ({@code /worklist}, newest first, paged, filtered by
 * study reference and received date, with live arrivals over server-sent events at {@code /worklist/events}), the
 * study view ({@code /studies/ID}) with its canvas and integrity badge, two studies side by side ({@code
 * /compare?a=ID&b=ID}), the samples the canvas draws ({@code /studies/ID/pixels}) and the PNG export ({@code
 * /studies/ID/export}).
 *
 * <p>Each study view records one {@code VIEW} audit event before the page is sent, and hands the page a single-use
 * ticket: the samples are only served against it, so no pixels leave the server without their audit event. Each
 * export records one {@code EXPORT} event before the file is sent. A failed study shows its reason and never pixels.
 * The first opening of a recovered study sends its REVIEWED receipt to the hospital ({@link Reviews}).
 */
public final class ViewerApp {

    public static final String WORKLIST = "/worklist";
    public static final int PAGE_SIZE = 50;
    static final Duration TICKET_LIFETIME = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(ViewerApp.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Ticket(String sessionToken, String studyId, Instant expires) {}

    private final StudyIndex index;
    private final ModelQuality quality;
    private final Reviews reviews;
    private final Clock clock;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private WebServer server;

    public ViewerApp(StudyIndex index, ModelQuality quality, Reviews reviews, Clock clock) {
        this.index = index;
        this.quality = quality;
        this.reviews = reviews;
        this.clock = clock;
    }

    /** Binds to the server the routes were added to (for its sessions and audit trail). */
    public void bind(WebServer server) {
        this.server = server;
    }

    public void routes(RoutesConfig routes) {
        routes.get(WORKLIST, this::worklist);
        routes.sse(WORKLIST + "/events", this::arrivals);
        routes.get("/studies/{id}", this::study);
        routes.get("/studies/{id}/pixels", this::pixels);
        routes.get("/studies/{id}/export", this::export);
        routes.get("/compare", this::compare);
        routes.exception(
                BadRequest.class,
                (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST)
                        .contentType("text/plain")
                        .result(e.getMessage()));
        routes.exception(
                RecoveredImages.ImageGoneException.class,
                (e, ctx) -> ctx.status(HttpStatus.GONE)
                        .contentType("text/plain")
                        .result("this X-ray is no longer kept at the clinic: " + e.getMessage()));
    }

    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    private Map<String, Object> base(Context ctx, String title) {
        Map<String, Object> m = new HashMap<>();
        m.put("title", title);
        m.put("user", WebServer.session(ctx).user());
        return m;
    }

    private static StudyIndex.Filter filter(Context ctx) {
        return new StudyIndex.Filter(blankToNull(ctx.queryParam("ref")), date(ctx, "from"), date(ctx, "to"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static LocalDate date(Context ctx, String name) {
        String v = blankToNull(ctx.queryParam(name));
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new BadRequest(name + " must be a date like 2026-12-07, not '" + v + "'");
        }
    }

    private static int page(Context ctx) {
        String v = ctx.queryParam("page");
        try {
            return v == null ? 1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest("page must be a number");
        }
    }

    /** The query string of a filter, for links that keep it. */
    static String query(StudyIndex.Filter f) {
        List<String> parts = new ArrayList<>();
        if (f.studyRef() != null) {
            parts.add("ref=" + java.net.URLEncoder.encode(f.studyRef(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (f.from() != null) {
            parts.add("from=" + f.from());
        }
        if (f.to() != null) {
            parts.add("to=" + f.to());
        }
        return String.join("&", parts);
    }

    private Map<String, Object> worklistModel(Context ctx) {
        StudyIndex.Filter f = filter(ctx);
        StudyIndex.Page page = index.page(f, page(ctx), PAGE_SIZE);
        Map<String, Object> m = base(ctx, "Worklist");
        m.put("page", page);
        m.put("filter", f);
        m.put("query", query(f));
        m.put("rows", rows(page.studies()));
        return m;
    }

    private void worklist(Context ctx) {
        Templates.html(ctx, "viewer/worklist.jte", worklistModel(ctx));
    }

    static List<Row> rows(List<Study> studies) {
        List<Row> rows = new ArrayList<>(studies.size());
        studies.forEach(s -> rows.add(Row.of(s)));
        return rows;
    }

    /** A worklist row as the templates show it. */
    public record Row(
            String id,
            String studyRef,
            String messageId,
            String received,
            String method,
            String modelVersion,
            String status,
            String reason,
            boolean failed) {

        static Row of(Study s) {
            return new Row(
                    s.id(),
                    s.studyRef() == null ? "" : s.studyRef(),
                    s.messageId() == null ? "" : s.messageId(),
                    time(s.receivedAt()),
                    s.method() == null ? "" : s.method(),
                    s.modelVersion() == null ? "" : s.modelVersion(),
                    s.status(),
                    s.reason() == null ? "" : s.reason(),
                    s.isFailed());
        }
    }

    /** Live arrivals: each new study the client's filter matches, as a worklist row ({@code arrival} events). */
    private void arrivals(SseClient client) {
        Context ctx = client.ctx();
        String token = WebServer.session(ctx).token();
        StudyIndex.Filter f = filter(ctx);
        client.keepAlive();
        AutoCloseable[] handle = new AutoCloseable[1];
        handle[0] = index.listen(study -> {
            if (client.terminated()) {
                return;
            }
            if (server.sessionOfToken(token).isEmpty()) {
                client.close();
                return;
            }
            if (f.matches(study)) {
                Map<String, Object> m = new HashMap<>();
                m.put("rows", List.of(Row.of(study)));
                client.sendEvent(
                        "arrival", Templates.render("viewer/rowlist.jte", m).replace("\n", " "));
            }
        });
        client.onClose(() -> {
            try {
                handle[0].close();
            } catch (Exception e) {
                LOG.debug("closing an arrivals listener", e);
            }
        });
    }

    private Study find(Context ctx) {
        return index.get(ctx.pathParam("id")).orElseThrow(() -> new NotFoundResponse("no such study"));
    }

    /** What the study page (and each half of the comparison) shows of one study. */
    public record View(Row row, Study study, Badge badge, String ticket, String exportName) {}

    private View view(Context ctx, Study s) {
        if (s.isFailed()) {
            return new View(Row.of(s), s, null, "", "");
        }
        server.audit(ctx, "VIEW", s.messageId(), s.studyRef());
        reviews.opened(s, WebServer.session(ctx).user());
        String ticket = ticket(WebServer.session(ctx), s.id());
        return new View(Row.of(s), s, Badge.of(s, quality), ticket, exportName(s));
    }

    private void study(Context ctx) {
        Study s = find(ctx);
        Map<String, Object> m = base(ctx, s.studyRef() == null ? s.id() : s.studyRef());
        m.put("views", List.of(view(ctx, s)));
        Templates.html(ctx, "viewer/study.jte", m);
    }

    private void compare(Context ctx) {
        String a = ctx.queryParam("a"), b = ctx.queryParam("b");
        if (a == null || b == null) {
            throw new BadRequest("compare needs two studies: /compare?a=ID&b=ID");
        }
        Study sa = index.get(a).orElseThrow(() -> new NotFoundResponse("no such study"));
        Study sb = index.get(b).orElseThrow(() -> new NotFoundResponse("no such study"));
        Map<String, Object> m = base(ctx, "Compare");
        m.put("views", List.of(view(ctx, sa), view(ctx, sb)));
        Templates.html(ctx, "viewer/study.jte", m);
    }

    private String ticket(Sessions.Session session, String studyId) {
        Instant now = clock.instant();
        tickets.values().removeIf(t -> t.expires().isBefore(now));
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String t = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        tickets.put(t, new Ticket(session.token(), studyId, now.plus(TICKET_LIFETIME)));
        return t;
    }

    private void pixels(Context ctx) {
        Study s = find(ctx);
        Ticket t = tickets.remove(String.valueOf(ctx.queryParam("ticket")));
        if (t == null
                || !t.studyId().equals(s.id())
                || !t.sessionToken().equals(WebServer.session(ctx).token())
                || t.expires().isBefore(clock.instant())) {
            ctx.status(HttpStatus.FORBIDDEN).contentType("text/plain").result("open the study to view it");
            return;
        }
        if (s.isFailed()) {
            throw new NotFoundResponse("a failed study has no image");
        }
        ctx.header("X-Width", Integer.toString(s.width()));
        ctx.header("X-Height", Integer.toString(s.height()));
        ctx.contentType("application/octet-stream")
                .result(Pixels.samples(s.png().bytes()));
    }

    static String exportName(Study s) {
        String base = s.studyRef() != null ? s.studyRef() : s.messageId();
        return base.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
    }

    private void export(Context ctx) {
        Study s = find(ctx);
        if (s.isFailed()) {
            throw new NotFoundResponse("a failed study has no image");
        }
        byte[] png = PngText.withText(s.png().bytes(), Badge.of(s, quality).pngText(s));
        server.audit(ctx, "EXPORT", s.messageId(), s.studyRef());
        ctx.header("Content-Disposition", "attachment; filename=\"" + exportName(s) + "\"");
        ctx.contentType("image/png").result(png);
    }
}
