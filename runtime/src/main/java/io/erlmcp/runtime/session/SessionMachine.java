package io.erlmcp.runtime.session;

import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import java.util.ArrayList;
import java.util.List;

/**
 * The session's command side, pure: (state, command) -> events, or a refusal. The actor shell
 * persists the events and only then acknowledges; the same code runs in plain unit tests.
 */
public final class SessionMachine {

  /** The most data keys a session may hold, and the largest value (serialized characters). */
  public record Limits(int maxDataKeys, int maxDataValueChars, int maxSubscriptions) {
    public static final Limits DEFAULT = new Limits(1024, 256 * 1024, 1024);
  }

  /** Error code for a command on a session that does not exist or has ended. */
  public static final int SESSION_NOT_FOUND = -32001;

  private final Limits limits;

  public SessionMachine(Limits limits) {
    this.limits = limits;
  }

  public SessionMachine() {
    this(Limits.DEFAULT);
  }

  /** The events a command produces, or the error that refuses it. Exactly one is non-null. */
  public record Decision(List<SessionEvent> events, JsonRpcError error) {
    static Decision accept(SessionEvent... events) {
      return new Decision(List.of(events), null);
    }

    static Decision accept(List<SessionEvent> events) {
      return new Decision(List.copyOf(events), null);
    }

    static Decision refuse(JsonRpcError error) {
      return new Decision(null, error);
    }

    public boolean accepted() {
      return error == null;
    }
  }

  public Decision decide(SessionState state, SessionCommand command) {
    if (command instanceof SessionCommand.Initialize c) {
      if (state.exists()) {
        return Decision.refuse(JsonRpcError.invalidRequest("session is already initialized"));
      }
      return Decision.accept(
          new SessionEvent.Initialized(
              c.sessionId(),
              c.protocolVersion(),
              c.clientInfo(),
              c.clientCapabilities(),
              c.atMillis()));
    }
    if (!state.isActive()) {
      return Decision.refuse(JsonRpcError.of(SESSION_NOT_FOUND, "Session not found"));
    }
    if (command instanceof SessionCommand.MarkReady c) {
      return state.clientReady()
          ? Decision.accept()
          : Decision.accept(new SessionEvent.ClientReady(c.atMillis()));
    } else if (command instanceof SessionCommand.SetLogLevel c) {
      return Decision.accept(new SessionEvent.LogLevelSet(c.level()));
    } else if (command instanceof SessionCommand.Subscribe c) {
      if (state.subscriptions().contains(c.uri())) {
        return Decision.accept();
      }
      if (state.subscriptions().size() >= limits.maxSubscriptions()) {
        return Decision.refuse(
            JsonRpcError.invalidParams(
                "subscription limit reached (" + limits.maxSubscriptions() + ")"));
      }
      return Decision.accept(new SessionEvent.Subscribed(c.uri()));
    } else if (command instanceof SessionCommand.Unsubscribe c) {
      return state.subscriptions().contains(c.uri())
          ? Decision.accept(new SessionEvent.Unsubscribed(c.uri()))
          : Decision.accept();
    } else if (command instanceof SessionCommand.PutData c) {
      if (!state.data().containsKey(c.key()) && state.data().size() >= limits.maxDataKeys()) {
        return Decision.refuse(
            JsonRpcError.invalidParams(
                "session data key limit reached (" + limits.maxDataKeys() + ")"));
      }
      if (c.value() != null && c.value().toString().length() > limits.maxDataValueChars()) {
        return Decision.refuse(
            JsonRpcError.invalidParams(
                "session data value larger than " + limits.maxDataValueChars() + " characters"));
      }
      return Decision.accept(new SessionEvent.DataPut(c.key(), c.value()));
    } else if (command instanceof SessionCommand.RemoveData c) {
      return state.data().containsKey(c.key())
          ? Decision.accept(new SessionEvent.DataRemoved(c.key()))
          : Decision.accept();
    } else if (command instanceof SessionCommand.AppendToStream c) {
      if (state.isStreamClosed(c.streamId())) {
        return Decision.refuse(JsonRpcError.invalidRequest("stream " + c.streamId() + " is closed"));
      }
      List<SessionEvent> events = new ArrayList<>(c.payloads().size() + 1);
      long seq = state.nextSeq();
      for (String p : c.payloads()) {
        events.add(new SessionEvent.StreamEventAppended(seq++, c.streamId(), p));
      }
      if (c.close()) {
        events.add(new SessionEvent.StreamClosed(c.streamId()));
      }
      return Decision.accept(events);
    } else if (command instanceof SessionCommand.End c) {
      return Decision.accept(new SessionEvent.Ended(c.atMillis(), c.reason()));
    }
    throw new IllegalArgumentException("unknown command " + command);
  }

  /** Applies a decision's events to a state. */
  public static SessionState applyAll(SessionState state, List<SessionEvent> events) {
    SessionState s = state;
    for (SessionEvent e : events) {
      s = s.apply(e);
    }
    return s;
  }
}
