package io.erlmcp.runtime.server;

import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionEvent;
import io.erlmcp.runtime.session.SessionMachine;
import io.erlmcp.runtime.session.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A session held in memory: the machine without a journal. For tests and embedding. */
public final class InMemorySession implements SessionPort {
  private final SessionMachine machine = new SessionMachine();
  private final List<SessionEvent> journal = new ArrayList<>();
  private SessionState state = SessionState.empty(SessionState.DEFAULT_BUFFER_LIMIT);

  @Override
  public synchronized SessionState state() {
    return state;
  }

  @Override
  public synchronized CompletionStage<SessionState> execute(SessionCommand command) {
    SessionMachine.Decision d = machine.decide(state, command);
    if (!d.accepted()) {
      return CompletableFuture.failedFuture(new JsonRpcException(d.error()));
    }
    journal.addAll(d.events());
    state = SessionMachine.applyAll(state, d.events());
    return CompletableFuture.completedFuture(state);
  }

  /** Every event written so far, in order. */
  public synchronized List<SessionEvent> journal() {
    return List.copyOf(journal);
  }
}
