package org.stegoehealth.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/** A registry in memory, for fast unit tests only (integration tests use a real registry). */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {
    private final List<Schema> schemas = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        return ids.computeIfAbsent(subject + "\u0000" + schema.toString(), k -> {
            schemas.add(schema);
            return schemas.size();
        });
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new SchemaRegistryException("schema " + id + " not found", 404);
        }
        return schemas.get(id - 1);
    }
}
