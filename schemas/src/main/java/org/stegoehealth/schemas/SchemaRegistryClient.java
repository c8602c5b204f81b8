package org.stegoehealth.schemas;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serdes need. Implementations cache: a schema id never changes
 * meaning, so lookups by id are answered once.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (or finds it already registered).
     *
     * @return the registry's global id of the schema
     * @throws SchemaRegistryException if the registry refuses it, e.g. as incompatible with the subject's history
     */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /**
     * The schema with this global id as the registry answers now, not from a cache: for a reader whose cached
     * schema failed to decode a record, because a registry that lost its schemas on a restart (in-memory storage)
     * hands the same ids out again for other schemas.
     */
    default Schema refreshSchemaById(int id) {
        return schemaById(id);
    }
}
