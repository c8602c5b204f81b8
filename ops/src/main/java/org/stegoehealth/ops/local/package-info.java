/**
 * A real Kafka broker and schema registry on this machine, without Docker: {@link org.stegoehealth.ops.local.LocalStack}
 * starts a single-node KRaft broker ({@link org.stegoehealth.ops.local.LocalKafka}) and Apicurio Registry
 * ({@link org.stegoehealth.ops.local.LocalRegistry}) as child JVMs on free loopback ports, for integration tests and
 * local runs. The jars come from the ops build ({@code ops/target/kafka-lib}, {@code ops/target/apicurio}).
 */
package org.stegoehealth.ops.local;
