package org.stegoehealth.ops.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.processors.cli.OptionValues;
import org.stegoehealth.processors.receipts.ReceiptLedger;
import org.stegoehealth.processors.receipts.ReceiptStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stego receipts}: per study sent, when its clinic acknowledged and reviewed it, and what is overdue. */
@Command(
        name = "receipts",
        mixinStandardHelpOptions = true,
        description = {
            "At the hospital: for every study sent (the outbound stego topic), whether and when its clinic acknowledged"
                    + " it (a RECOVERED receipt) and a clinician first opened it (REVIEWED), newest first, with each"
                    + " clinic's counts. A study sent longer ago than --overdue without a RECOVERED receipt is OVERDUE.",
            "Receipts come back from each clinic's receipts topic through MirrorMaker 2. Each is verified with the"
                    + " public signing key of the clinic it names (imported with stego keys import-public); one that"
                    + " is unsigned, altered or signed by another key is refused, listed with its reason, and counts"
                    + " for nothing."
        })
public final class ReceiptsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Mixin
    CommonOptions common;

    @Option(
            names = "--overdue",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = OptionValues.Span.class,
            description = "A study sent longer ago than DURATION without a RECOVERED receipt is overdue (e.g. 10m, 2h,"
                    + " 1d; default: ${DEFAULT-VALUE}).")
    Duration overdue;

    @Option(names = "--clinic", paramLabel = "ID", description = "Only the studies sent to this clinic (keyring name).")
    String clinic;

    @Option(names = "--json", description = "Print the status as one JSON document instead of a table.")
    boolean json;

    @Option(
            names = {"-k", "--keyring"},
            paramLabel = "DIR",
            description = "The hospital's keyring, which trusts the clinics' signing keys (default: keyring.dir).")
    Path keyring;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            converter = OptionValues.AtLeastOne.class,
            description = "How long reading each topic may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        Map<String, String> extra = new HashMap<>();
        if (keyring != null) {
            extra.put(StegoConfig.KEYRING_DIR, keyring.toString());
        }
        StegoConfig config = common.load(extra);
        ReceiptLedger.Reading reading =
                ReceiptLedger.of(config, "stego-receipts").read(overdue, Duration.ofSeconds(timeoutSeconds));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(document(reading, clinic)));
        } else {
            print(out, reading, clinic);
        }
        out.flush();
        return 0;
    }

    private static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    private static List<ReceiptStatus.Study> studies(ReceiptStatus status, String clinic) {
        return clinic == null ? status.studies() : status.studies(clinic);
    }

    private static List<ReceiptStatus.Clinic> clinics(ReceiptStatus status, String clinic) {
        return status.clinics().stream()
                .filter(c -> clinic == null || c.clinic().equals(clinic))
                .toList();
    }

    static void print(PrintWriter out, ReceiptLedger.Reading reading, String clinic) {
        ReceiptStatus status = reading.status();
        String row = "%-19s  %-12s  %-36s  %-16s  %-7s  %-19s  %-19s  %-12s  %s%n";
        out.printf(row, "SENT (UTC)", "CLINIC", "MESSAGE", "STUDY", "METHOD", "RECOVERED", "REVIEWED", "BY", "STATE");
        for (ReceiptStatus.Study s : studies(status, clinic)) {
            out.printf(
                    row,
                    time(s.sent().sentAt()),
                    s.sent().clinic(),
                    s.sent().messageId(),
                    s.studyRef() == null ? "-" : s.studyRef(),
                    s.sent().hidingMethod(),
                    s.recovered() == null ? "-" : time(s.recovered().at()),
                    s.reviewed() == null ? "-" : time(s.reviewed().at()),
                    s.reviewed() == null || s.reviewed().reviewer() == null
                            ? "-"
                            : s.reviewed().reviewer(),
                    s.state());
        }
        List<ReceiptStatus.Clinic> clinics = clinics(status, clinic);
        if (clinics.isEmpty()) {
            out.println(clinic == null ? "no study sent" : "no study sent to " + clinic);
        }
        for (ReceiptStatus.Clinic c : clinics) {
            out.printf(
                    Locale.ROOT,
                    "%s: %d sent, %d acknowledged, %d reviewed, %d overdue (no RECOVERED receipt after %s)%n",
                    c.clinic(),
                    c.sent(),
                    c.acknowledged(),
                    c.reviewed(),
                    c.overdue(),
                    describe(status.overdueAfter()));
        }
        if (!reading.refused().isEmpty()) {
            out.printf("refused: %d receipt(s)%n", reading.refused().size());
            reading.refused().forEach(r -> out.println("  " + r));
        }
    }

    /** {@code 10m}, {@code 2h}, {@code 45s}: as an operator would type it. */
    static String describe(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0 && s > 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }

    static Map<String, Object> document(ReceiptLedger.Reading reading, String clinic) {
        ReceiptStatus status = reading.status();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("at", status.now().toString());
        doc.put("overdueAfterSeconds", status.overdueAfter().toSeconds());
        List<Map<String, Object>> clinics = new ArrayList<>();
        for (ReceiptStatus.Clinic c : clinics(status, clinic)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clinic", c.clinic());
            m.put("sent", c.sent());
            m.put("acknowledged", c.acknowledged());
            m.put("reviewed", c.reviewed());
            m.put("overdue", c.overdue());
            clinics.add(m);
        }
        doc.put("clinics", clinics);
        List<Map<String, Object>> studies = new ArrayList<>();
        for (ReceiptStatus.Study s : studies(status, clinic)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("messageId", s.sent().messageId());
            m.put("clinic", s.sent().clinic());
            m.put("studyRef", s.studyRef());
            m.put("sentAt", s.sent().sentAt().toString());
            m.put("hidingMethod", s.sent().hidingMethod());
            m.put("modelVersion", s.sent().modelVersion());
            m.put(
                    "recoveredAt",
                    s.recovered() == null ? null : s.recovered().at().toString());
            m.put("reviewedAt", s.reviewed() == null ? null : s.reviewed().at().toString());
            m.put("reviewer", s.reviewed() == null ? null : s.reviewed().reviewer());
            m.put("state", s.state().name());
            studies.add(m);
        }
        doc.put("studies", studies);
        doc.put("refused", reading.refused());
        return doc;
    }
}
