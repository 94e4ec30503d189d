package io.erlmcp.runtime.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;

/** Assertions shared by the codec tests. */
final class Expect {

  private Expect() {}

  static JsonRpcMessage single(Decoded decoded) {
    return assertInstanceOf(Decoded.Single.class, decoded, () -> "got " + decoded).message();
  }

  static ErrorResponse failure(Decoded decoded, int code, RequestId id) {
    ErrorResponse error =
        assertInstanceOf(Decoded.Failure.class, decoded, () -> "got " + decoded).error();
    assertEquals(code, error.error().code(), () -> "got " + error);
    assertEquals(id, error.id(), () -> "got " + error);
    return error;
  }
}
