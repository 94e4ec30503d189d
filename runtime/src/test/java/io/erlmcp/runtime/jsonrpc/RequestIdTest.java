package io.erlmcp.runtime.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void absentIdIsNull() {
    assertNull(RequestId.of((JsonNode) null));
    assertNull(RequestId.of(MissingNode.getInstance()));
  }

  @Test
  void readsStringsAndIntegers() throws Exception {
    assertEquals(new RequestId.Str("abc"), RequestId.of(json("\"abc\"")));
    assertEquals(new RequestId.Str(""), RequestId.of(json("\"\"")));
    assertEquals(new RequestId.Num(7), RequestId.of(json("7")));
    assertEquals(new RequestId.Num(-7), RequestId.of(json("-7")));
  }

  @Test
  void longRangeIsTheBoundary() throws Exception {
    assertEquals(RequestId.of(Long.MAX_VALUE), RequestId.of(json("9223372036854775807")));
    assertEquals(RequestId.of(Long.MIN_VALUE), RequestId.of(json("-9223372036854775808")));
    assertThrows(IllegalArgumentException.class, () -> RequestId.of(json("9223372036854775808")));
    assertThrows(IllegalArgumentException.class, () -> RequestId.of(json("-9223372036854775809")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "true", "false", "1.0", "1.5", "1e2", "{}", "[]", "[1]"})
  void rejectsOtherKinds(String text) throws Exception {
    JsonNode node = json(text);
    assertFalse(RequestId.isValid(node));
    assertThrows(IllegalArgumentException.class, () -> RequestId.of(node));
  }

  @Test
  void stringAndNumberIdsDiffer() {
    assertNotEquals(RequestId.of("7"), RequestId.of(7));
    assertEquals(RequestId.of("7").hashCode(), new RequestId.Str("7").hashCode());
    assertEquals(RequestId.of(7).hashCode(), new RequestId.Num(7).hashCode());
  }

  @Test
  void toStringIsTheJsonForm() {
    assertEquals("\"abc\"", RequestId.of("abc").toString());
    assertEquals("\"a\\\"b\"", RequestId.of("a\"b").toString());
    assertEquals("7", RequestId.of(7).toString());
  }

  @Test
  void toJsonRoundTrips() {
    for (RequestId id : new RequestId[] {RequestId.of("x"), RequestId.of(Long.MIN_VALUE)}) {
      assertEquals(id, RequestId.of(id.toJson()));
      assertTrue(RequestId.isValid(id.toJson()));
    }
  }

  @Test
  void stringIdIsNeverNull() {
    assertThrows(NullPointerException.class, () -> new RequestId.Str(null));
  }
}
