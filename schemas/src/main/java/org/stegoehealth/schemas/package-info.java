/** The Avro events, the topic catalog ({@link org.stegoehealth.schemas.Topics}), their serdes and the schema-registry clients. */
package org.stegoehealth.schemas;
