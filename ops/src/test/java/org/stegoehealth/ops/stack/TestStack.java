package org.stegoehealth.ops.stack;

import java.nio.file.Path;
import org.stegoehealth.stack.LocalStack;

/**
 * A Kafka broker and a schema registry that integration tests run the pipeline against: the local stack (child JVMs,
 * no Docker) or the container images ({@link ContainerStack}). Clients only need the two addresses.
 */
public interface TestStack extends AutoCloseable {

    /** Which kind of stack this is, for test output: {@code local stack} or {@code containers}. */
    String name();

    /** One line for test output: what runs where. */
    String description();

    /** {@code bootstrap.servers} for Kafka clients. */
    String bootstrapServers();

    /** The registry's Confluent-compatible API root. */
    String schemaRegistryUrl();

    /**
     * What a failed test's output should show about the broker and the registry: whether they still run, and what they
     * last said. Empty where there is nothing beyond what their own checks already report.
     */
    default String diagnosis() {
        return "";
    }

    /** Stops the broker and the registry and waits until both are gone. */
    @Override
    void close();

    /** The local stack: Kafka and Apicurio Registry as child JVMs from Maven Central jars, under {@code workDir}. */
    static TestStack local(Path workDir) {
        LocalStack stack = LocalStack.start(workDir);
        return new TestStack() {
            @Override
            public String name() {
                return StackKind.LOCAL.label();
            }

            @Override
            public String description() {
                return "Kafka and Apicurio Registry in child JVMs, broker " + stack.bootstrapServers() + ", registry "
                        + stack.schemaRegistryUrl();
            }

            @Override
            public String bootstrapServers() {
                return stack.bootstrapServers();
            }

            @Override
            public String schemaRegistryUrl() {
                return stack.schemaRegistryUrl();
            }

            @Override
            public void close() {
                stack.close();
            }
        };
    }
}
