/**
 * The whole system in one process: a cluster (a local broker and registry, or an existing one), both Kafka Streams
 * applications, the producers, and a read_committed reader of what comes out; used by {@code stego demo} and
 * {@code stego bench pipeline}.
 */
package org.stegoehealth.ops.demo;
