package org.stegoehealth.web.viewer;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.cli.CommonOptions;
import org.stegoehealth.web.UsersCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stego viewer}: the clinic's web viewer of received X-rays, until stopped. */
@Command(
        name = "viewer",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the clinic's web viewer over HTTPS: the worklist of every received X-ray (recovered or"
                    + " refused, with the reason), the study view with window/level and the integrity badge, and the"
                    + " PNG export.",
            "Its data comes from this clinic's recovered-images and dead-letter topics; every view and"
                    + " export is written to the audit topic (stego audit). Users sign in from viewer.users.file (stego"
                    + " viewer users add)."
        },
        subcommands = {UsersCommand.class})
public final class ViewerCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTPS port (default: viewer.port, 8443).")
    Integer port;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            description = "Address to listen on (default: viewer.host, 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @Option(
            names = "--allow-unsigned",
            description = "The extractor runs with --allow-unsigned: badges say signatures are not checked.")
    boolean allowUnsigned;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> extra = new java.util.HashMap<>();
        extra.put(StegoConfig.VIEWER_PORT, port == null ? null : port.toString());
        extra.put(StegoConfig.VIEWER_HOST, host);
        extra.put(StegoConfig.ALLOW_UNSIGNED, allowUnsigned ? "true" : null);
        StegoConfig config = common.load(extra);
        ClinicViewer viewer = ClinicViewer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            viewer.close();
            stopped.countDown();
        }));
        spec.commandLine().getOut().println("Clinic viewer: " + viewer.url());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
