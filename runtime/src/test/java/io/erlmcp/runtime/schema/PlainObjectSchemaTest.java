package io.erlmcp.runtime.schema;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quick acceptance test must never accept an instance the full validator rejects, and must
 * recognize only schemas it understands completely.
 */
class PlainObjectSchemaTest {

  private static final JsonNode ECHO =
      Json.parse(
          "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\","
              + "\"description\":\"What to echo back\"}},\"required\":[\"message\"]}");

  private final SchemaValidator full = new SchemaValidator();

  @Test
  void theUsualToolSchemaHasThePlainShapeAndAcceptsAValidCall() {
    PlainObjectSchema plain = PlainObjectSchema.of(ECHO);
    assertNotNull(plain);
    assertTrue(plain.accepts(Json.parse("{\"message\":\"hi\"}")));
    assertTrue(plain.accepts(Json.parse("{\"message\":\"hi\",\"other\":[1]}")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"message\":3}", "{\"message\":null}", "[]"})
  void anInvalidCallIsLeftToTheFullValidator(String instance) {
    assertFalse(PlainObjectSchema.of(ECHO).accepts(Json.parse(instance)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"minLength\":1}}}",
        "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"format\":\"email\"}}}",
        "{\"type\":\"object\",\"properties\":{\"s\":{\"enum\":[\"a\"]}}}",
        "{\"type\":\"object\",\"properties\":{\"s\":{\"$ref\":\"#/$defs/x\"}},\"$defs\":{\"x\":{}}}",
        "{\"type\":\"object\",\"properties\":{\"s\":false}}",
        "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"date\"}}}",
        "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}",
        "{\"type\":\"object\",\"$schema\":\"http://json-schema.org/draft-07/schema#\"}",
        "{\"type\":\"object\",\"minProperties\":1}",
        "{\"type\":\"object\",\"required\":[1]}",
        "{\"type\":[\"object\",\"null\"]}",
        "{\"properties\":{}}",
        "{\"type\":\"array\"}"
      })
  void aSchemaWithAnyOtherKeywordIsNotPlain(String schema) {
    assertNull(PlainObjectSchema.of(Json.parse(schema)));
  }

  /** Random plain schemas and random instances: every accepted instance is valid in full. */
  @Test
  void neverAcceptsWhatTheFullValidatorRejects() {
    Random random = new Random(20261126L);
    String[] types = {"string", "number", "integer", "boolean", "null", "object", "array"};
    List<JsonNode> values =
        List.of(
            Json.parse("\"s\""), Json.parse("\"\""), Json.parse("1"), Json.parse("-3"),
            Json.parse("1.0"), Json.parse("2.5"), Json.parse("12345678901234567890123"),
            Json.parse("true"), Json.parse("false"), Json.parse("null"), Json.parse("{}"),
            Json.parse("{\"a\":1}"), Json.parse("[]"), Json.parse("[1,\"x\"]"));
    String[] names = {"a", "b", "c", "d"};
    int accepted = 0;
    int checked = 0;
    for (int round = 0; round < 400; round++) {
      ObjectNode schema = Json.object().put("type", "object");
      ObjectNode props = schema.putObject("properties");
      for (String n : names) {
        int pick = random.nextInt(5);
        if (pick == 0) {
          continue; // undeclared
        }
        if (pick == 1) {
          props.put(n, true);
        } else if (pick == 2) {
          ArrayNode ts = props.putObject(n).put("description", "d").putArray("type");
          ts.add(types[random.nextInt(types.length)]).add(types[random.nextInt(types.length)]);
        } else {
          props.putObject(n).put("type", types[random.nextInt(types.length)]);
        }
      }
      ArrayNode required = schema.putArray("required");
      for (String n : names) {
        if (random.nextInt(3) == 0) {
          required.add(n);
        }
      }
      int extra = random.nextInt(3);
      if (extra > 0) {
        schema.put("additionalProperties", extra == 1);
      }
      PlainObjectSchema plain = PlainObjectSchema.of(schema);
      assertNotNull(plain, schema.toString());
      for (int i = 0; i < 40; i++) {
        ObjectNode instance = Json.object();
        for (String n : new String[] {"a", "b", "c", "d", "e"}) {
          if (random.nextBoolean()) {
            instance.set(n, values.get(random.nextInt(values.size())));
          }
        }
        checked++;
        if (plain.accepts(instance)) {
          accepted++;
          assertTrue(
              full.compile(schema).validate(instance).isEmpty(),
              "accepted an invalid instance " + instance + " of " + schema);
        }
      }
    }
    // the test means something only if both answers occur often
    assertTrue(accepted > checked / 20 && accepted < checked - checked / 20, accepted + "/" + checked);
  }
}
