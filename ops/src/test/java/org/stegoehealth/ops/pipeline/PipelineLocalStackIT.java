package org.stegoehealth.ops.pipeline;

import org.stegoehealth.ops.stack.StackKind;

/** {@link PipelineTests} on the local stack: Kafka and Apicurio Registry as child JVMs, no Docker needed. */
class PipelineLocalStackIT extends PipelineTests {

    @Override
    StackKind stackKind() {
        return StackKind.LOCAL;
    }
}
