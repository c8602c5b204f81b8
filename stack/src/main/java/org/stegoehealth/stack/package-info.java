/**
 * A real Kafka broker and schema registry on this machine, without Docker: {@link org.stegoehealth.stack.LocalStack}
 * starts a single-node KRaft broker ({@link org.stegoehealth.stack.LocalKafka}) and Apicurio Registry
 * ({@link org.stegoehealth.stack.LocalRegistry}) as child JVMs on free loopback ports, for integration tests and
 * local runs, and MirrorMaker 2 ({@link org.stegoehealth.stack.LocalMirror}) between two such clusters. The jars come
 * from this module's build ({@code stack/target/kafka-lib}, {@code stack/target/apicurio}). The subpackage
 * {@code pipeline} runs the whole pipeline (producers, embedder, extractor) on such a stack.
 */
package org.stegoehealth.stack;
