package org.stegoehealth.web;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.StreamsConfigs;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.cli.Wiring;
import org.stegoehealth.processors.models.ModelFeed;
import org.stegoehealth.schemas.AuditEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stego audit}: the clinic's audit trail, oldest first: who viewed or exported which study, when, from where. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "List the audit trail of the clinic's web viewer (the append-only audit topic), oldest first:"
                    + " every study viewed or exported, every sign-in and refused sign-in, with who, when and from"
                    + " where."
        })
public final class AuditCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Mixin
    CommonOptions common;

    @Option(names = "--user", paramLabel = "NAME", description = "Only this user's events.")
    String user;

    @Option(names = "--study", paramLabel = "REF", description = "Only events about this study reference.")
    String study;

    @Option(
            names = "--action",
            paramLabel = "ACTION",
            description = "Only VIEW, EXPORT, SIGN_IN, SIGN_IN_REFUSED or SIGN_OUT.")
    String action;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long reading the topic may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        StegoConfig config = common.load(Map.of());
        var topics = Wiring.topics(config);
        List<AuditEvent> events = ModelFeed.readAll(
                StreamsConfigs.readCommittedConsumer(config, "stego-audit"),
                topics.audit,
                Duration.ofSeconds(timeoutSeconds));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-19s  %-16s  %-15s  %-24s  %-26s  %s%n", "UTC", "USER", "ACTION", "STUDY", "MESSAGE", "FROM");
        int shown = 0;
        for (AuditEvent e : events) {
            if ((user != null && !user.equals(e.getUser()))
                    || (study != null && !study.equals(e.getStudyRef()))
                    || (action != null && !action.equalsIgnoreCase(e.getAction()))) {
                continue;
            }
            out.printf(
                    "%-19s  %-16s  %-15s  %-24s  %-26s  %s%n",
                    TIME.format(e.getAt()),
                    e.getUser(),
                    e.getAction(),
                    e.getStudyRef() == null ? "-" : e.getStudyRef(),
                    e.getMessageId() == null ? "-" : e.getMessageId(),
                    e.getRemoteAddress());
            shown++;
        }
        out.printf("%d of %d events on %s%n", shown, events.size(), topics.audit.name());
        out.flush();
        return 0;
    }
}
