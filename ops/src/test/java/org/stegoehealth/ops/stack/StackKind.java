package org.stegoehealth.ops.stack;

/** The two kinds of {@link TestStack}. */
public enum StackKind {
    /** Kafka and Apicurio Registry as child JVMs from Maven Central jars: needs nothing but a JDK. */
    LOCAL("local stack"),
    /** The locally built Kafka and Apicurio Registry images, run through Testcontainers: needs a Docker daemon. */
    CONTAINERS("containers");

    private final String label;

    StackKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
