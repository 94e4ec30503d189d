package io.erlmcp.runtime.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON Schema validation of tool input and output (2020-12 unless a schema names another
 * dialect with {@code $schema}). Compiled schemas are cached by identity of the schema node,
 * which is immutable once a tool is registered. No remote {@code $ref} is ever fetched.
 */
public final class SchemaValidator {
  private static final int MAX_REPORTED = 5;

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          b -> b.schemaLoader(loader -> loader.fetchRemoteResources(false)));
  private final Map<Identity, Compiled> cache = new ConcurrentHashMap<>();

  /** A compiled schema and, when it has the plain shape, its quick acceptance test. */
  private record Compiled(Schema schema, PlainObjectSchema plain) {}

  /** Schemas are keyed by identity: hashing a schema tree on every call would cost more. */
  private record Identity(JsonNode node) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.node == node;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(node);
    }
  }

  /** Thrown when a schema itself cannot be compiled. */
  public static final class InvalidSchemaException extends RuntimeException {
    InvalidSchemaException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Validates {@code instance}; returns human-readable problems (empty when valid). */
  public List<String> validate(JsonNode schema, JsonNode instance) {
    Compiled compiled = compiled(schema);
    if (compiled.plain() != null && compiled.plain().accepts(instance)) {
      return List.of();
    }
    List<Error> errors = compiled.schema().validate(instance);
    return errors.stream().limit(MAX_REPORTED).map(SchemaValidator::describe).toList();
  }

  /** "/path: message", or just the message for the root (networknt prints ": msg" there). */
  private static String describe(Error e) {
    String where = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
    String msg = e.getMessage();
    if (where.isEmpty() || where.equals("$") || where.equals("/")) {
      return msg.startsWith(": ") ? msg.substring(2) : msg;
    }
    return msg.startsWith(where) ? msg : where + ": " + msg;
  }

  /** Compiles (and caches) a schema, failing fast on a schema that is not valid. */
  public Schema compile(JsonNode schema) {
    return compiled(schema).schema();
  }

  private Compiled compiled(JsonNode schema) {
    Identity key = new Identity(schema);
    Compiled c = cache.get(key);
    if (c != null) {
      return c;
    }
    Schema s;
    try {
      s = registry.getSchema(schema);
      s.initializeValidators();
    } catch (RuntimeException e) {
      throw new InvalidSchemaException("invalid JSON Schema: " + e.getMessage(), e);
    }
    c = new Compiled(s, PlainObjectSchema.of(schema));
    cache.put(key, c);
    return c;
  }
}
