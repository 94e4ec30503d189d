package io.erlmcp.client.transport;

import io.erlmcp.runtime.jsonrpc.Decoded;
import io.erlmcp.runtime.jsonrpc.JsonRpcCodec;
import io.erlmcp.runtime.jsonrpc.JsonRpcLimits;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runtime's strict JSON-RPC codec, shared by the transports, plus batch flattening. */
final class Codec {
  private static final Logger LOG = LoggerFactory.getLogger(Codec.class);
  static final JsonRpcCodec CODEC = new JsonRpcCodec(JsonRpcLimits.DEFAULT);

  private Codec() {}

  /** The valid messages in {@code text} (one message or a batch); invalid ones are logged. */
  static List<JsonRpcMessage> decode(String text) {
    Decoded d = CODEC.decode(text);
    List<JsonRpcMessage> out = new ArrayList<>(1);
    if (d instanceof Decoded.Single s) {
      out.add(s.message());
    } else if (d instanceof Decoded.Batch b) {
      for (Decoded.Item item : b.items()) {
        if (item instanceof Decoded.Single s) {
          out.add(s.message());
        } else {
          LOG.warn("ignoring an invalid message in a batch from the server");
        }
      }
    } else if (d instanceof Decoded.Failure f) {
      LOG.warn("ignoring an invalid message from the server: {}", f.error().error().message());
    }
    return out;
  }

  static String encode(JsonRpcMessage message) {
    return CODEC.encodeToString(message);
  }
}
