package org.stegoehealth.web.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
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
import org.stegoehealth.processors.cli.OptionValues;
import org.stegoehealth.processors.deadletters.Redrive;
import org.stegoehealth.processors.models.ModelPromotions;
import org.stegoehealth.processors.models.ModelRegistry;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.processors.receipts.ReceiptStatus;
import org.stegoehealth.schemas.DeadLetterEvent;
import org.stegoehealth.schemas.ModelPromotionEvent;
import org.stegoehealth.web.Templates;
import org.stegoehealth.web.Users;
import org.stegoehealth.web.WebServer;

/**
 * The hospital console's pages on a {@link WebServer}: the models page ({@code /models}: every version with its
 * held-out figures and lineage, which one is live, and the history of promotions), and for operators the
 * confirmation pages and actions to promote a version ({@code /models/VERSION/promote}) and to roll back to the one
 * live before ({@code /models/rollback}); the dead letters page ({@code /dead-letters}: by category and time, each
 * one's metadata and never its bytes) and for operators the redrive of one or a filtered set, a dry-run count first
 * ({@code /dead-letters/redrive}); the pipeline page ({@code /pipeline}, its numbers read again every 2 s from
 * {@code /pipeline/panel}: {@link PipelineDesk}); the receipts page ({@code /receipts}: per clinic, the studies sent,
 * acknowledged, reviewed and overdue, and each study's receipts, from {@link ReceiptDesk}).
 *
 * <p>Every POST other than sign-in and sign-out is an action: a session whose user is not an {@link
 * Users.Role#OPERATOR} (read from the users file at each request) gets 403 before any action route runs, and the
 * confirmation pages of actions are refused the same way. Each action is one audit event naming what it did.
 */
public final class ConsoleApp {

    public static final String MODELS = "/models";
    public static final String ROLL_BACK = MODELS + "/rollback";
    public static final String DEAD_LETTERS = "/dead-letters";
    public static final String PIPELINE = "/pipeline";
    public static final String REDRIVE = DEAD_LETTERS + "/redrive";
    public static final String RECEIPTS = "/receipts";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleApp.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ModelDesk models;
    private final DeadLetterDesk deadLetters;
    private final PipelineDesk pipeline;
    private final ReceiptDesk receipts;
    private final Users users;
    private WebServer server;

    public ConsoleApp(
            ModelDesk models, DeadLetterDesk deadLetters, PipelineDesk pipeline, ReceiptDesk receipts, Users users) {
        this.models = models;
        this.deadLetters = deadLetters;
        this.pipeline = pipeline;
        this.receipts = receipts;
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
        routes.get(DEAD_LETTERS, this::deadLettersPage);
        routes.get(DEAD_LETTERS + "/inspect", this::inspect);
        routes.post(REDRIVE, this::redrive);
        routes.get(PIPELINE, this::pipelinePage);
        routes.get(PIPELINE + "/panel", this::pipelinePanel);
        routes.get(RECEIPTS, this::receiptsPage);
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
        new TreeMap<>(map).forEach((k, v) -> {
            if (!k.equals(org.stegoehealth.trainer.TrainingCurve.METADATA_KEY)) { // drawn on the version's page
                parts.add(k + "=" + v);
            }
        });
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

    /** One dead letter as the page shows it: metadata only, never the record's bytes. */
    public record LetterRow(
            String key,
            String failedAt,
            String category,
            String application,
            String source,
            String reason,
            String state,
            boolean replayable,
            String size,
            String sha256) {}

    static LetterRow letterRow(DeadLetterEvent d, java.util.Set<String> replayed) {
        boolean done = Redrive.replayedBefore(replayed, d);
        String state = d.getRedacted() ? "redacted: not replayable" : done ? "redriven" : "waiting";
        long size = d.getValueSize() != null
                ? d.getValueSize()
                : d.getValue() == null ? 0 : d.getValue().remaining();
        return new LetterRow(
                Redrive.key(d),
                time(d.getFailedAt()),
                d.getErrorType(),
                d.getApplication(),
                d.getSourceTopic() + " partition " + d.getSourcePartition() + " offset " + d.getSourceOffset(),
                d.getReason(),
                state,
                !d.getRedacted() && !done,
                size + " bytes",
                d.getValueSha256() == null ? "" : d.getValueSha256());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** {@code since}: an instant ({@code 2026-12-07T09:00:00Z}) or a day ({@code 2026-12-07}, from its start, UTC). */
    static Instant since(String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return v.length() == 10
                    ? java.time.LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "since must be a day like 2026-12-07 or a time like 2026-12-07T09:00:00Z, not '" + v + "'");
        }
    }

    private void deadLettersPage(Context ctx) {
        String reason = blankToNull(ctx.queryParam("reason"));
        String sinceText =
                Optional.ofNullable(blankToNull(ctx.queryParam("since"))).orElse("");
        java.util.Set<String> replayed = deadLetters.replayed();
        List<LetterRow> rows = new ArrayList<>();
        List<DeadLetterEvent> letters = new ArrayList<>(deadLetters.browse(reason, since(sinceText)));
        java.util.Collections.reverse(letters); // newest first
        letters.forEach(d -> rows.add(letterRow(d, replayed)));
        java.util.SortedMap<String, Integer> categories = new TreeMap<>();
        deadLetters.browse(null, null).forEach(d -> categories.merge(d.getErrorType(), 1, Integer::sum));
        Map<String, Object> m = base(ctx, "Dead letters");
        m.put("rows", rows);
        m.put("reason", reason == null ? "" : reason);
        m.put("since", sinceText);
        m.put("categories", categories);
        Templates.html(ctx, "console/deadletters.jte", m);
    }

    private void inspect(Context ctx) {
        String key = Optional.ofNullable(ctx.queryParam("key")).orElse("");
        DeadLetterEvent d =
                deadLetters.find(key).orElseThrow(() -> new io.javalin.http.NotFoundResponse("no such dead letter"));
        Map<String, Object> m = base(ctx, "Dead letter");
        m.put("row", letterRow(d, deadLetters.replayed()));
        Templates.html(ctx, "console/deadletter.jte", m);
    }

    /** One redrive's or dry run's outcome as the page shows it. */
    public record OutcomeRow(String key, String result, String note) {}

    private void redrive(Context ctx) {
        String reason = blankToNull(ctx.formParam("reason"));
        String sinceText =
                Optional.ofNullable(blankToNull(ctx.formParam("since"))).orElse("");
        String key = blankToNull(ctx.formParam("key"));
        boolean dryRun = !"redrive".equals(ctx.formParam("mode"));
        String by = WebServer.session(ctx).user();
        Redrive.Report report = deadLetters.redrive(reason, since(sinceText), key, by, dryRun);
        long republished = report.count(dryRun ? Redrive.Result.WOULD_REPUBLISH : Redrive.Result.REPUBLISHED);
        String what = "category " + reason + (sinceText.isEmpty() ? "" : ", since " + sinceText)
                + (key == null ? "" : ", dead letter " + key) + ": "
                + (dryRun ? republished + " would be re-published" : republished + " re-published")
                + ", " + report.count(Redrive.Result.ALREADY_REPLAYED) + " already redriven, "
                + report.count(Redrive.Result.REDACTED) + " redacted, "
                + report.count(Redrive.Result.UNVERIFIED) + " failing verification again";
        server.audit(ctx, dryRun ? "REDRIVE_DRY_RUN" : "REDRIVE", what);
        LOG.info("{} {} dead letters from the console: {}", by, dryRun ? "counted (dry run)" : "redrove", what);
        List<OutcomeRow> rows = new ArrayList<>();
        report.outcomes()
                .forEach(o -> rows.add(new OutcomeRow(o.key(), o.result().name(), o.note())));
        Map<String, Object> m = base(ctx, dryRun ? "Redrive: dry run" : "Redrive");
        m.put("dryRun", dryRun);
        m.put("summary", what);
        m.put("count", (int) republished);
        m.put("reason", reason);
        m.put("since", sinceText);
        m.put("key", key == null ? "" : key);
        m.put("outcomes", rows);
        Templates.html(ctx, "console/redrive.jte", m);
    }

    /** One study sent, as the receipts page shows it. */
    public record ReceiptRow(
            String sent,
            String clinic,
            String messageId,
            String studyRef,
            String method,
            String recovered,
            String reviewed,
            String reviewer,
            String state) {

        static ReceiptRow of(ReceiptStatus.Study s) {
            return new ReceiptRow(
                    time(s.sent().sentAt()),
                    s.sent().clinic(),
                    s.sent().messageId(),
                    s.studyRef() == null ? "" : s.studyRef(),
                    s.sent().hidingMethod(),
                    s.recovered() == null ? "" : time(s.recovered().at()),
                    s.reviewed() == null ? "" : time(s.reviewed().at()),
                    s.reviewed() == null || s.reviewed().reviewer() == null
                            ? ""
                            : s.reviewed().reviewer(),
                    s.state().name());
        }
    }

    private void receiptsPage(Context ctx) {
        String overdueText =
                Optional.ofNullable(blankToNull(ctx.queryParam("overdue"))).orElse("10m");
        Duration overdue = OptionValues.duration(overdueText);
        String clinic = blankToNull(ctx.queryParam("clinic"));
        ReceiptLedger.Reading reading = receipts.read(overdue);
        ReceiptStatus status = reading.status();
        List<ReceiptRow> rows = new ArrayList<>();
        (clinic == null ? status.studies() : status.studies(clinic)).forEach(s -> rows.add(ReceiptRow.of(s)));
        Map<String, Object> m = base(ctx, "Receipts");
        m.put(
                "clinics",
                status.clinics().stream()
                        .filter(c -> clinic == null || c.clinic().equals(clinic))
                        .toList());
        m.put("rows", rows);
        m.put("refused", reading.refused());
        m.put("overdue", overdueText);
        m.put("clinic", clinic == null ? "" : clinic);
        Templates.html(ctx, "console/receipts.jte", m);
    }

    private void pipelinePage(Context ctx) {
        Map<String, Object> m = base(ctx, "Pipeline");
        m.put("snapshot", pipeline.snapshot());
        Templates.html(ctx, "console/pipeline.jte", m);
    }

    private void pipelinePanel(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        m.put("snapshot", pipeline.snapshot());
        Templates.html(ctx, "console/panel.jte", m);
    }
}
