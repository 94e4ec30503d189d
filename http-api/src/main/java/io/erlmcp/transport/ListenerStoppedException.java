package io.erlmcp.transport;

/**
 * A listener was stopped before its bind answered: the node is shutting down (it was downed or
 * removed from its cluster, or its actor system is terminating). Whoever waits for the listener
 * gets this instead of waiting for a bind that will never be reported.
 */
public final class ListenerStoppedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private ListenerStoppedException(String message) {
    super(message);
  }

  /** The {@code kind} listener (HTTP, TCP) stopped before it was bound. */
  public static ListenerStoppedException beforeBind(String kind) {
    return new ListenerStoppedException(
        "the " + kind + " listener stopped before it was bound: the node is shutting down");
  }
}
