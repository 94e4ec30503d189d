package io.erlmcp.runtime.jsonrpc;

import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import java.util.List;
import java.util.Objects;

/**
 * What {@link JsonRpcCodec#decode(byte[])} made of its input: a {@link Single} message, a {@link
 * Batch}, or a {@link Failure} carrying the error response to send back.
 *
 * <p>A batch element is an {@link Item}: a {@link Single} when the element is a valid message, a
 * {@link Failure} when it is not. A {@link Failure} always carries {@link JsonRpcError#PARSE_ERROR}
 * or {@link JsonRpcError#INVALID_REQUEST}, with the offending request's id when that id was
 * readable and valid, otherwise a {@code null} id.
 *
 * <p>A failure decoded from something that looked like a response (it had {@code result} or {@code
 * error} but no {@code method}) should be logged, not answered: JSON-RPC never replies to
 * responses.
 */
public sealed interface Decoded {

  /** A single decoded value, top-level or one element of a {@link Batch}. */
  sealed interface Item extends Decoded permits Single, Failure {}

  /** A valid message. */
  record Single(JsonRpcMessage message) implements Item {
    public Single {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A non-empty JSON array, element by element, in input order. Whether batches are acceptable
   * depends on the negotiated protocol revision; the caller decides.
   */
  record Batch(List<Item> items) implements Decoded {
    public Batch {
      items = List.copyOf(items);
      if (items.isEmpty()) {
        throw new IllegalArgumentException("a batch is never empty");
      }
    }
  }

  /** Input that is not a valid message, with the error response it deserves. */
  record Failure(ErrorResponse error) implements Item {
    public Failure {
      Objects.requireNonNull(error, "error");
    }
  }
}
