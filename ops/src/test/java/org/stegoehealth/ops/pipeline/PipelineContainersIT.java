package org.stegoehealth.ops.pipeline;

import org.stegoehealth.ops.stack.StackKind;

/**
 * {@link PipelineTests} on containers: the locally built Kafka and Apicurio Registry images through Testcontainers.
 * Where no Docker daemon (or no image) is available it prints so and its tests are reported as skipped, unless
 * {@code stego.it.stack} requires the containers (CI: {@code both}); then it fails.
 */
class PipelineContainersIT extends PipelineTests {

    @Override
    StackKind stackKind() {
        return StackKind.CONTAINERS;
    }
}
