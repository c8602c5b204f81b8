/**
 * Kafka Streams topologies that embed X-rays in covers and extract them again, and what they share.
 *
 * <ul>
 *   <li>{@link org.stegoehealth.processors.EmbeddingTopology} and {@link org.stegoehealth.processors.ExtractionTopology}:
 *       pure {@code build(...)} functions returning a {@code Topology}; the same object runs in production and in
 *       TopologyTestDriver.</li>
 *   <li>{@code BatchingProcessor}: the batching inference processor both use (persistent buffer grouped by geometry,
 *       size- and linger-triggered flushes, dead letters).</li>
 *   <li>{@link org.stegoehealth.processors.StegoConfig} (the one config loader) and
 *       {@link org.stegoehealth.processors.StreamsConfigs} (the one streams/producer config factory).</li>
 *   <li>{@link org.stegoehealth.processors.DeadLetters} and {@link org.stegoehealth.processors.ErrorType}: what a dead
 *       letter says.</li>
 * </ul>
 * Producers live in {@code produce}, the subcommands in {@code cli}.
 */
package org.stegoehealth.processors;
