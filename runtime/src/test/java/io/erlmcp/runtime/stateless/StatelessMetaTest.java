package io.erlmcp.runtime.stateless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import org.junit.jupiter.api.Test;

class StatelessMetaTest {

  static ObjectNode params(String version, boolean caps) {
    ObjectNode p = Json.object();
    ObjectNode m = p.putObject("_meta");
    if (version != null) {
      m.put(StatelessMeta.PROTOCOL_VERSION, version);
    }
    if (caps) {
      m.putObject(StatelessMeta.CLIENT_CAPABILITIES).putObject("sampling");
    }
    return p;
  }

  private static int codeOf(Runnable r) {
    return assertThrows(JsonRpcException.class, r::run).error().code();
  }

  @Test
  void aCompleteMetaIsRead() {
    ObjectNode p = params("2026-07-28", true);
    ((ObjectNode) p.get("_meta")).put(StatelessMeta.LOG_LEVEL, "warning");
    StatelessMeta m = StatelessMeta.parse(p);
    assertEquals(ProtocolVersion.V2026_07_28, m.version());
    assertTrue(m.clientCapabilities().has("sampling"));
    assertEquals(LogLevel.WARNING, m.logLevel());
    assertTrue(m.clientInfo().isNull(), "clientInfo is optional");
  }

  @Test
  void missingMetaOrItsRequiredFieldsIsInvalidParams() {
    assertEquals(JsonRpcError.INVALID_PARAMS, codeOf(() -> StatelessMeta.parse(Json.object())));
    assertEquals(JsonRpcError.INVALID_PARAMS, codeOf(() -> StatelessMeta.parse(null)));
    assertEquals(
        JsonRpcError.INVALID_PARAMS, codeOf(() -> StatelessMeta.parse(params(null, true))));
    assertEquals(
        JsonRpcError.INVALID_PARAMS,
        codeOf(() -> StatelessMeta.parse(params("2026-07-28", false))));
  }

  @Test
  void unknownOrSessionVersionIsUnsupportedWithTheSupportedList() {
    for (String v : new String[] {"v999.0.0", "2025-11-25"}) {
      JsonRpcException e =
          assertThrows(JsonRpcException.class, () -> StatelessMeta.parse(params(v, true)));
      assertEquals(StatelessMeta.UNSUPPORTED_PROTOCOL_VERSION, e.error().code());
      assertEquals(v, e.error().data().get("requested").asText());
      assertTrue(e.error().data().get("supported").toString().contains("2026-07-28"));
    }
  }

  @Test
  void versionOfFindsOnlyAMetaVersion() {
    assertEquals("2026-07-28", StatelessMeta.versionOf(params("2026-07-28", false)));
    assertNull(StatelessMeta.versionOf(Json.object().put("protocolVersion", "2025-11-25")));
    assertNull(StatelessMeta.versionOf(null));
  }

  @Test
  void missingCapabilityNamesItAsAnObject() {
    JsonRpcException e = StatelessMeta.missingCapability("sampling");
    assertEquals(-32021, e.error().code());
    assertTrue(e.error().data().get("requiredCapabilities").get("sampling").isObject());
  }
}
