package org.stegoehealth.web;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.schemas.AuditEvent;

/**
 * An HTTPS-only web server (Javalin on Jetty 12) with sign-in from a {@link Users} file, expiring {@link Sessions}
 * and an {@link AuditTrail}. Every route an application adds is behind the session check: without a live session a
 * page request is sent to the sign-in page and anything else gets 401 with no content of the route. Only the
 * sign-in page and the static assets (scripts, styles) are served without one.
 *
 * <p>The session cookie is {@code HttpOnly}, {@code Secure} and {@code SameSite=Strict}; a POST whose {@code Origin}
 * is another site is refused. Pages carry a content security policy that allows scripts, styles and connections from
 * the server itself only, and are not cached.
 */
public final class WebServer implements AutoCloseable {

    public static final String SESSION_COOKIE = "stego_session";
    public static final String SIGN_IN = "/sign-in";
    public static final String SIGN_OUT = "/sign-out";
    /** Path prefixes served without a session: static assets only, never data. */
    public static final List<String> PUBLIC_PREFIXES = List.of("/static/", "/webjars/");

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final String SESSION_ATTRIBUTE = "stego.session";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
            + " blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    /**
     * What a web application is.
     *
     * @param application its name in audit events ({@code stego-viewer})
     * @param title its name on pages ({@code Clinic viewer})
     * @param home where a signed-in user lands
     */
    public record Settings(String host, int port, TlsKeys tls, String application, String title, String home) {}

    private final Settings settings;
    private final Users users;
    private final Sessions sessions;
    private final AuditTrail audit;
    private final Clock clock;
    private final SignInThrottle throttle;
    private final Javalin app;

    public WebServer(
            Settings settings,
            Users users,
            Sessions sessions,
            AuditTrail audit,
            Clock clock,
            Consumer<RoutesConfig> routes) {
        this.settings = settings;
        this.users = users;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
        this.throttle = new SignInThrottle(clock);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.staticFiles.enableWebjars();
            config.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/web/static";
                files.location = Location.CLASSPATH;
            });
            config.jetty.addConnector((server, http) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(settings.tls().store());
                ssl.setKeyStorePassword(settings.tls().password());
                ssl.setKeyManagerPassword(settings.tls().password());
                HttpConfiguration https = new HttpConfiguration(http);
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                secure.setSniHostCheck(false);
                https.addCustomizer(secure);
                ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(https));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                return connector;
            });
            config.routes.before(this::guard);
            config.routes.get(SIGN_IN, this::signInPage);
            config.routes.post(SIGN_IN, this::signIn);
            config.routes.post(SIGN_OUT, this::signOut);
            config.routes.get("/", ctx -> ctx.redirect(settings.home()));
            routes.accept(config.routes);
        });
    }

    public WebServer start() {
        app.start();
        return this;
    }

    /** The port listened on (the actual one when the settings asked for 0). */
    public int port() {
        return app.port();
    }

    /** The server's base URL, e.g. {@code https://127.0.0.1:8443}. */
    public String url() {
        String host = settings.host().equals("0.0.0.0") ? "localhost" : settings.host();
        return "https://" + host + ":" + port();
    }

    /** The Javalin app, for tests that walk its routes. */
    public Javalin javalin() {
        return app;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        app.stop();
    }

    /** The session of a request that passed the guard. */
    public static Sessions.Session session(Context ctx) {
        Sessions.Session s = ctx.attribute(SESSION_ATTRIBUTE);
        if (s == null) {
            throw new IllegalStateException("no session on " + ctx.path());
        }
        return s;
    }

    /** Records that the signed-in user did {@code action} (to a study, when {@code messageId} is not null). */
    public void audit(Context ctx, String action, String messageId, String studyRef) {
        audit.record(event(ctx, session(ctx).user(), action, messageId, studyRef));
    }

    /** Records that the signed-in user did {@code action}, naming what else it concerns in {@code detail}. */
    public void audit(Context ctx, String action, String detail) {
        AuditEvent e = event(ctx, session(ctx).user(), action, null, null);
        e.setDetail(detail);
        audit.record(e);
    }

    /** The live session of the request's cookie, if any (without marking it used). */
    public Optional<Sessions.Session> sessionOf(Context ctx) {
        return sessions.peek(ctx.cookie(SESSION_COOKIE));
    }

    /** The live session of {@code token}, if any (without marking it used): for long-lived streams. */
    public Optional<Sessions.Session> sessionOfToken(String token) {
        return sessions.peek(token);
    }

    private AuditEvent event(Context ctx, String user, String action, String messageId, String studyRef) {
        return AuditEvent.newBuilder()
                .setUser(user)
                .setAction(action)
                .setMessageId(messageId)
                .setStudyRef(studyRef)
                .setAt(clock.instant())
                .setRemoteAddress(ctx.ip())
                .setUserAgent(ctx.header("User-Agent"))
                .setApplication(settings.application())
                .build();
    }

    private void guard(Context ctx) {
        String path = ctx.path();
        boolean isStatic = PUBLIC_PREFIXES.stream().anyMatch(path::startsWith);
        if (!isStatic) {
            ctx.header("Cache-Control", "no-store");
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "same-origin");
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
        if (ctx.method().name().equals("POST") && !sameOrigin(ctx)) {
            ctx.status(HttpStatus.FORBIDDEN).result("refused: the request comes from another site");
            ctx.skipRemainingHandlers();
            return;
        }
        if (isStatic || path.equals(SIGN_IN)) {
            return;
        }
        Optional<Sessions.Session> session = sessions.touch(ctx.cookie(SESSION_COOKIE));
        if (session.isPresent()) {
            ctx.attribute(SESSION_ATTRIBUTE, session.get());
            return;
        }
        String accept = ctx.header("Accept");
        boolean page = ctx.method().name().equals("GET")
                && accept != null
                && accept.contains("text/html")
                && ctx.header("HX-Request") == null;
        if (page) {
            ctx.redirect(
                    SIGN_IN + "?next=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8));
        } else {
            ctx.status(HttpStatus.UNAUTHORIZED).contentType("text/plain").result("sign in first");
            if (ctx.header("HX-Request") != null) {
                ctx.header("HX-Redirect", SIGN_IN);
            }
        }
        ctx.skipRemainingHandlers();
    }

    /**
     * Whether a POST comes from the server's own pages: a browser's {@code Sec-Fetch-Site} says so directly; without
     * it, the {@code Origin} (when sent) must name this host.
     */
    private static boolean sameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            return site.equals("same-origin") || site.equals("none");
        }
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true;
        }
        try {
            URI o = URI.create(origin);
            String host = ctx.header("Host");
            String authority = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return host != null && o.getHost() != null && host.equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void signInPage(Context ctx) {
        Map<String, Object> model = new HashMap<>();
        model.put("title", settings.title());
        model.put("next", safeNext(ctx.queryParam("next")));
        model.put("error", "");
        model.put("user", "");
        Templates.html(ctx, "signin.jte", model);
    }

    private void signIn(Context ctx) {
        String user = Optional.ofNullable(ctx.formParam("user")).orElse("").strip();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String next = safeNext(ctx.formParam("next"));
        if (!throttle.allowed(user, ctx.ip())) {
            audit.record(event(
                    ctx, Users.NAME.matcher(user).matches() ? user : "(invalid name)", "SIGN_IN_REFUSED", null, null));
            refuse(
                    ctx,
                    next,
                    user,
                    HttpStatus.TOO_MANY_REQUESTS,
                    "Too many wrong passwords: try again in " + SignInThrottle.WINDOW.toMinutes() + " minutes.");
            return;
        }
        if (!user.isEmpty() && Users.NAME.matcher(user).matches() && users.check(user, password.toCharArray())) {
            throttle.succeeded(user, ctx.ip());
            Sessions.Session s = sessions.start(user);
            audit.record(event(ctx, user, "SIGN_IN", null, null));
            Cookie cookie = new Cookie(SESSION_COOKIE, s.token(), "/", -1, true, true, null, SameSite.STRICT);
            ctx.cookie(cookie);
            LOG.info("{} signed in from {}", user, ctx.ip());
            ctx.redirect(next);
            return;
        }
        String typed = Users.NAME.matcher(user).matches() ? user : "(invalid name)";
        throttle.failed(user, ctx.ip());
        audit.record(event(ctx, typed, "SIGN_IN_REFUSED", null, null));
        LOG.info("sign-in refused for {} from {}", typed, ctx.ip());
        refuse(ctx, next, user, HttpStatus.UNAUTHORIZED, "Wrong user name or password.");
    }

    private void refuse(Context ctx, String next, String user, HttpStatus status, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("title", settings.title());
        model.put("next", next);
        model.put("error", error);
        model.put("user", Users.NAME.matcher(user).matches() ? user : "");
        ctx.status(status);
        Templates.html(ctx, "signin.jte", model);
    }

    private void signOut(Context ctx) {
        Sessions.Session s = session(ctx);
        audit.record(event(ctx, s.user(), "SIGN_OUT", null, null));
        sessions.end(s.token());
        ctx.removeCookie(SESSION_COOKIE, "/");
        ctx.redirect(SIGN_IN);
    }

    /** A local path to go to after sign-in: never another site ({@code //host}, {@code https://...}). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            return "/";
        }
        return next;
    }
}
