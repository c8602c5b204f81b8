package org.stegoehealth.ops.local;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Where the ops build put the broker's and the registry's jars: beside the ops jar ({@code ops/target/ops-*.jar},
 * {@code ops/target/kafka-lib}, {@code ops/target/apicurio}), which is also the parent of {@code ops/target/classes}
 * when running from Maven. System properties {@code stego.kafka.lib} and {@code stego.apicurio.home} override.
 */
final class OpsBuild {

    static final String KAFKA_LIB_PROPERTY = "stego.kafka.lib";
    static final String APICURIO_HOME_PROPERTY = "stego.apicurio.home";

    private OpsBuild() {}

    /** The folder of Kafka broker jars. */
    static Path kafkaLib() {
        Path dir = located(KAFKA_LIB_PROPERTY, "kafka-lib");
        try (var jars = Files.list(dir)) {
            if (jars.noneMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"))) {
                throw new LocalStackException(
                        "no kafka_2.13 jar in " + dir + "; rebuild with ./mvnw -pl ops -am package");
            }
        } catch (IOException e) {
            throw new LocalStackException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** The unpacked Apicurio Registry distribution (runner jar and lib/). */
    static Path apicurioHome() {
        return located(APICURIO_HOME_PROPERTY, "apicurio");
    }

    /** The ops jar itself (the jar these classes came from, else {@code ops-*.jar} beside the classes folder). */
    static Path opsJar() {
        Path location = codeLocation();
        if (Files.isRegularFile(location) && location.getFileName().toString().endsWith(".jar")) {
            return location;
        }
        try (var files = Files.list(location.getParent())) {
            return files.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith("ops-")
                                && n.endsWith(".jar")
                                && !n.contains("-sources")
                                && !n.contains("-tests");
                    })
                    .findFirst()
                    .orElseThrow(() -> new LocalStackException("no ops jar in " + location.getParent()
                            + "; build it with ./mvnw -pl ops -am package -DskipTests"));
        } catch (IOException e) {
            throw new LocalStackException("cannot list " + location.getParent() + ": " + e.getMessage(), e);
        }
    }

    private static Path located(String property, String folder) {
        String override = System.getProperty(property);
        Path dir = override != null ? Path.of(override) : buildDir().resolve(folder);
        if (!Files.isDirectory(dir)) {
            throw new LocalStackException(dir + " does not exist: build it with ./mvnw -pl ops -am package -DskipTests,"
                    + " or point -D" + property + " at another copy");
        }
        return dir;
    }

    /** The folder holding the ops jar, or the parent of the classes folder. */
    private static Path buildDir() {
        return codeLocation().getParent();
    }

    /** Where the ops classes were loaded from: the ops jar or the classes folder. */
    private static Path codeLocation() {
        CodeSource source = OpsBuild.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new LocalStackException("cannot tell where the ops classes were loaded from; set -D"
                    + KAFKA_LIB_PROPERTY + " and -D" + APICURIO_HOME_PROPERTY);
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new LocalStackException("cannot resolve the ops classes location " + source.getLocation(), e);
        }
    }
}
