package io.erlmcp.runtime.server;

import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionState;
import java.util.concurrent.CompletionStage;

/**
 * How the protocol core reaches the session it serves. The actor host backs it with the sharded
 * event-sourced entity; tests back it with {@link InMemorySession}.
 */
public interface SessionPort {

  /** The session's state as last seen (reads need not wait for the entity). */
  SessionState state();

  /**
   * Executes a command: completes with the new state once its events are durably written, or
   * fails with {@link io.erlmcp.runtime.jsonrpc.JsonRpcException} when the session refuses it.
   */
  CompletionStage<SessionState> execute(SessionCommand command);
}
