package org.stegoehealth.processors.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.Producer;
import org.stegoehealth.processors.ClusterCheck;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.produce.CoverProducer;
import org.stegoehealth.processors.produce.PublishOutcome;
import org.stegoehealth.schemas.CoverImageEvent;
import org.stegoehealth.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stego produce-covers}: publishes the cover library. */
@Command(
        name = "produce-covers",
        mixinStandardHelpOptions = true,
        description = {
            "Publish a directory of cover photos (PNG or JPEG) to the compacted cover topic.",
            "The cover id is the file name without extension, lower case (\"Beach Sunset.jpg\" -> beach-sunset)."
        })
public final class ProduceCoversCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "DIR", description = "Directory of cover photos (or a single file).")
    Path dir;

    @Option(names = "--attribution", paramLabel = "TEXT", description = "Author and licence recorded with every cover.")
    String attribution;

    @Override
    public Integer call() throws Exception {
        StegoConfig config = common.load(Map.of());
        Topics topics = Wiring.topics(config);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterCheck.requireBroker(config, ClusterCheck.DEFAULT_WITHIN);
        try (Producer<String, CoverImageEvent> kafka = CoverProducer.kafkaProducer(config, topics.covers)) {
            List<PublishOutcome> outcomes = new CoverProducer(
                            kafka, topics.covers.name(), config.maxImageSide(), Clock.systemUTC())
                    .publish(dir, attribution);
            outcomes.forEach(o -> ProduceXraysCommand.report(o, out, err));
            long bad = outcomes.stream().filter(o -> !o.ok()).count();
            out.println("published " + (outcomes.size() - bad) + " cover(s) to " + topics.covers.name()
                    + (bad > 0 ? "; skipped " + bad : ""));
            CoverFitnessReport.print(outcomes, config.covertCoverSide(), out);
            out.flush();
            return bad > 0 ? 2 : 0;
        }
    }
}
