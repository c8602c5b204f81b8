package org.stegoehealth.web.console;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stego console}: the hospital's web console, until stopped. */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the hospital's web console over HTTPS: every model version with its held-out figures and"
                    + " lineage, which one is live and the history of promotions; operators promote and roll back"
                    + " there, each with a confirmation and a reason, recorded on the signed promotion event and on the"
                    + " audit topic; dead letters by category and time, redriven once each after a dry run; the"
                    + " pipeline's applications (console.applications) and both clusters' topics, read again every 2 s;"
                    + " each clinic's receipts (sent, acknowledged, reviewed, overdue), as stego receipts lists them;"
                    + " replays of a range of the X-ray topic through chosen versions, started by operators and followed"
                    + " to their report.",
            "Users sign in from viewer.users.file (stego viewer users add NAME --role operator|viewer)."
        })
public final class ConsoleCommand implements Callable<Integer> {

    /** The console's port unless --port says otherwise (the clinic viewer's is viewer.port, 8443). */
    public static final int DEFAULT_PORT = 8444;

    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTPS port (default: " + DEFAULT_PORT + ").")
    Integer port;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            description = "Address to listen on (default: viewer.host, 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @Option(
            names = "--clinic-config",
            paramLabel = "FILE",
            description = "A clinic's properties file: the pipeline page also lists that cluster's topics and"
                    + " consumer groups.")
    java.nio.file.Path clinicConfig;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> extra = new HashMap<>();
        extra.put(StegoConfig.VIEWER_PORT, Integer.toString(port == null ? DEFAULT_PORT : port));
        extra.put(StegoConfig.VIEWER_HOST, host);
        StegoConfig config = common.load(extra);
        StegoConfig clinic = clinicConfig == null ? null : StegoConfig.load(clinicConfig, Map.of());
        HospitalConsole console = HospitalConsole.start(config, clinic);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            console.close();
            stopped.countDown();
        }));
        spec.commandLine().getOut().println("Hospital console: " + console.url());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
