package io.erlmcp.runtime.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.erlmcp.runtime.Json;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaValidatorTest {

  private final SchemaValidator validator = new SchemaValidator();

  private static final JsonNode PERSON = Json.parse(
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1},"
          + "\"age\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"name\"],\"additionalProperties\":false}");

  @Test
  void aValidInstanceHasNoProblems() {
    assertEquals(List.of(), validator.validate(PERSON, Json.parse("{\"name\":\"Ada\",\"age\":36}")));
    assertEquals(List.of(), validator.validate(PERSON, Json.parse("{\"name\":\"Ada\"}")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"name\":\"\"}", "{\"name\":\"A\",\"age\":-1}", "{\"name\":\"A\",\"age\":1.5}",
      "{\"name\":\"A\",\"extra\":1}", "[]", "\"Ada\""})
  void anInvalidInstanceHasProblems(String instance) {
    List<String> problems = validator.validate(PERSON, Json.parse(instance));
    assertFalse(problems.isEmpty(), instance);
  }

  @Test
  void atMostFiveProblemsAreReported() {
    JsonNode schema = Json.parse("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
    List<String> problems = validator.validate(schema, Json.parse("[1,2,3,4,5,6,7,8]"));
    assertEquals(5, problems.size());
  }

  @Test
  void theDefaultDialectIs202012() {
    // prefixItems exists only in 2020-12
    JsonNode schema = Json.parse("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"}]}");
    assertEquals(List.of(), validator.validate(schema, Json.parse("[1,\"x\"]")));
    assertFalse(validator.validate(schema, Json.parse("[\"x\"]")).isEmpty());
  }

  @Test
  void aSchemaIsCompiledOnceAndCachedByIdentity() {
    assertSame(validator.compile(PERSON), validator.compile(PERSON));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"pattern\":\"[\"}", "{\"$ref\":\"#/$defs/missing\"}"})
  void anUncompilableSchemaIsInvalidSchemaException(String schema) {
    assertThrows(SchemaValidator.InvalidSchemaException.class, () -> validator.compile(Json.parse(schema)));
    assertThrows(SchemaValidator.InvalidSchemaException.class,
        () -> validator.validate(Json.parse(schema), Json.object()));
  }

  @Test
  void aLocalRefIsResolved() {
    JsonNode schema = Json.parse(
        "{\"$defs\":{\"pos\":{\"type\":\"integer\",\"minimum\":1}},\"type\":\"object\","
            + "\"properties\":{\"n\":{\"$ref\":\"#/$defs/pos\"}}}");
    assertEquals(List.of(), validator.validate(schema, Json.parse("{\"n\":3}")));
    assertFalse(validator.validate(schema, Json.parse("{\"n\":0}")).isEmpty());
  }

  @Test
  void aRemoteRefToAnUnresolvableHostFailsFast() {
    JsonNode schema = Json.parse(
        "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"http://example.invalid/x.json\"}}}");
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      assertRefusedOrReported(schema);
    });
  }

  @Test
  void aRemoteRefIsNeverFetched() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", ex -> {
      hits.incrementAndGet();
      byte[] body = "{\"type\":\"string\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    try {
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/x.json";
      JsonNode schema = Json.parse(
          "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"" + url + "\"}}}");
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        assertRefusedOrReported(schema);
      });
      assertEquals(0, hits.get(), "the validator fetched " + url);
    } finally {
      http.stop(0);
    }
  }

  /** A schema that cannot be resolved locally is refused, or fails every instance: never passes. */
  private void assertRefusedOrReported(JsonNode schema) {
    try {
      List<String> problems = validator.validate(schema, Json.parse("{\"a\":5}"));
      assertTrue(!problems.isEmpty(), "an unresolvable $ref validated an instance");
    } catch (SchemaValidator.InvalidSchemaException expected) {
      // refused at compile time: fine
    }
  }
}
