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
        CodeSource source = OpsBuild.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new LocalStackException("cannot tell where the ops classes were loaded from; set -D"
                    + KAFKA_LIB_PROPERTY + " and -D" + APICURIO_HOME_PROPERTY);
        }
        try {
            Path location = Path.of(source.getLocation().toURI()).toAbsolutePath();
            return location.getParent();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new LocalStackException("cannot resolve the ops classes location " + source.getLocation(), e);
        }
    }
}
