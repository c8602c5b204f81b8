/**
 * Models as events: signed model versions on the compacted model topic, promotions on their own compacted topic, the
 * registry every embedder and extractor keeps of the versions it has seen (verified, cached on disk, loaded lazily,
 * least recently used out), and the feed that fills it from Kafka.
 */
package org.stegoehealth.processors.models;
