package org.stegoehealth.stack;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where the build put what the stack starts: the broker's jars ({@code stack/target/kafka-lib}), the registry
 * ({@code stack/target/apicurio}) and the {@code stego} command line ({@code ops/target/ops-*.jar}). They are looked
 * for beside the stack's own classes and in the build folders of the checkout those classes came from, so the same
 * lookup works from {@code stack/target/classes} (tests), from the stack jar and from {@code ops/target/lib} (the
 * {@code stego} launcher). System properties {@code stego.kafka.lib}, {@code stego.apicurio.home} and
 * {@code stego.cli.jar} override.
 */
final class StackBuild {

    static final String KAFKA_LIB_PROPERTY = "stego.kafka.lib";
    static final String APICURIO_HOME_PROPERTY = "stego.apicurio.home";
    static final String CLI_JAR_PROPERTY = "stego.cli.jar";
    private static final String REBUILD = "build it with ./mvnw -B install -DskipTests";
    /** How many folders above the classes' location are searched: {@code ops/target/lib} is three below the root. */
    private static final int LEVELS = 4;

    private StackBuild() {}

    /** The folder of Kafka broker jars. */
    static Path kafkaLib() {
        return located(
                KAFKA_LIB_PROPERTY,
                "the Kafka broker jars",
                List.of("kafka-lib", "stack/target/kafka-lib"),
                dir -> Files.isDirectory(dir) && contains(dir, n -> n.startsWith("kafka_2.13-")));
    }

    /** The unpacked Apicurio Registry distribution (runner jar and lib/). */
    static Path apicurioHome() {
        return located(
                APICURIO_HOME_PROPERTY,
                "Apicurio Registry",
                List.of("apicurio", "stack/target/apicurio"),
                Files::isDirectory);
    }

    /** The {@code stego} command line's jar, which child applications run. */
    static Path cliJar() {
        String override = System.getProperty(CLI_JAR_PROPERTY);
        if (override != null) {
            return Path.of(override);
        }
        Path start = codeLocation().getParent();
        for (Path dir = start;
                dir != null && start.getNameCount() - dir.getNameCount() < LEVELS;
                dir = dir.getParent()) {
            for (Path folder : List.of(dir, dir.resolve("ops/target"))) {
                Optional<Path> jar = find(folder, StackBuild::isCliJar);
                if (jar.isPresent()) {
                    return jar.get();
                }
            }
        }
        throw new LocalStackException("no ops jar near " + start + "; " + REBUILD + ", or set -D" + CLI_JAR_PROPERTY);
    }

    private static boolean isCliJar(String name) {
        return name.startsWith("ops-")
                && name.endsWith(".jar")
                && !name.contains("-sources")
                && !name.contains("-tests");
    }

    private static Path located(String property, String what, List<String> relatives, Predicate<Path> accept) {
        String override = System.getProperty(property);
        if (override != null) {
            Path dir = Path.of(override);
            if (!accept.test(dir)) {
                throw new LocalStackException("-D" + property + "=" + dir + " does not hold " + what);
            }
            return dir;
        }
        Path start = codeLocation().getParent();
        for (Path dir = start;
                dir != null && start.getNameCount() - dir.getNameCount() < LEVELS;
                dir = dir.getParent()) {
            for (String relative : relatives) {
                Path candidate = dir.resolve(relative);
                if (accept.test(candidate)) {
                    return candidate;
                }
            }
        }
        throw new LocalStackException(
                "cannot find " + what + " near " + start + ": " + REBUILD + ", or point -D" + property + " at a copy");
    }

    private static boolean contains(Path dir, Predicate<String> name) {
        return find(dir, name).isPresent();
    }

    private static Optional<Path> find(Path dir, Predicate<String> name) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> name.test(p.getFileName().toString()) && Files.isRegularFile(p))
                    .findFirst();
        } catch (IOException e) {
            throw new LocalStackException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Where the stack's classes were loaded from: a jar or a classes folder. */
    private static Path codeLocation() {
        CodeSource source = StackBuild.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new LocalStackException("cannot tell where the stack's classes were loaded from; set -D"
                    + KAFKA_LIB_PROPERTY + ", -D" + APICURIO_HOME_PROPERTY + " and -D" + CLI_JAR_PROPERTY);
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new LocalStackException("cannot resolve the stack's classes location " + source.getLocation(), e);
        }
    }
}
