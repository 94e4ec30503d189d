package io.erlmcp.runtime.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A session as the journal knows it: immutable, the fold of its {@link SessionEvent}s. Nothing
 * here is per-node; any node that replays the journal gets the same value.
 *
 * @param streamBuffer the most recent stream events, oldest first, at most {@code bufferLimit}
 * @param closedStreams streams that will carry nothing more (bounded like the buffer)
 */
public record SessionState(
    String sessionId,
    ProtocolVersion protocolVersion,
    JsonNode clientInfo,
    JsonNode clientCapabilities,
    boolean clientReady,
    LogLevel logLevel,
    Set<String> subscriptions,
    Map<String, JsonNode> data,
    long nextSeq,
    List<StreamEvent> streamBuffer,
    Set<String> closedStreams,
    int bufferLimit,
    boolean ended,
    long createdAtMillis,
    Map<String, Long> appliedCommands) {

  public static final int DEFAULT_BUFFER_LIMIT = 1000;

  /**
   * How many applied command ids a session remembers (oldest forgotten first). A resend comes
   * within seconds of the original, so a handful per session in flight is what matters.
   */
  public static final int APPLIED_COMMANDS_LIMIT = 64;

  public SessionState {
    // Snapshots written before commands had ids have no such field.
    appliedCommands = appliedCommands == null ? Map.of() : appliedCommands;
  }

  /** A state that remembers no applied command ids (read copies, stateless requests). */
  public SessionState(
      String sessionId,
      ProtocolVersion protocolVersion,
      JsonNode clientInfo,
      JsonNode clientCapabilities,
      boolean clientReady,
      LogLevel logLevel,
      Set<String> subscriptions,
      Map<String, JsonNode> data,
      long nextSeq,
      List<StreamEvent> streamBuffer,
      Set<String> closedStreams,
      int bufferLimit,
      boolean ended,
      long createdAtMillis) {
    this(
        sessionId, protocolVersion, clientInfo, clientCapabilities, clientReady, logLevel,
        subscriptions, data, nextSeq, streamBuffer, closedStreams, bufferLimit, ended,
        createdAtMillis, Map.of());
  }

  /**
   * The first stream sequence number of the command with this id, if the session applied it
   * recently (see {@link SessionEvent.CommandApplied}); null when it did not.
   */
  public Long appliedCommand(String commandId) {
    return commandId == null ? null : appliedCommands.get(commandId);
  }

  /** Before initialize: nothing exists yet. */
  public static SessionState empty(int bufferLimit) {
    return new SessionState(
        null,
        null,
        NullNode.getInstance(),
        NullNode.getInstance(),
        false,
        null,
        Set.of(),
        Map.of(),
        1,
        List.of(),
        Set.of(),
        bufferLimit,
        false,
        0);
  }

  @JsonIgnore
  public boolean exists() {
    return sessionId != null;
  }

  @JsonIgnore
  public boolean isActive() {
    return exists() && !ended;
  }

  /** Whether the client declared a capability (e.g. "sampling", "roots", "elicitation"). */
  public boolean clientHas(String capability) {
    return clientCapabilities != null
        && clientCapabilities.isObject()
        && clientCapabilities.has(capability);
  }

  /** Events of {@code cursor.streamId()} after {@code cursor.seq()}, in order. */
  public List<StreamEvent> eventsAfter(StreamEvent.Cursor cursor) {
    List<StreamEvent> out = new ArrayList<>();
    for (StreamEvent e : streamBuffer) {
      if (e.seq() > cursor.seq() && e.streamId().equals(cursor.streamId())) {
        out.add(e);
      }
    }
    return out;
  }

  /** Whether the buffer still reaches back to the cursor (nothing between it and now was dropped). */
  public boolean canResumeFrom(StreamEvent.Cursor cursor) {
    if (cursor.seq() >= nextSeq) {
      return false;
    }
    return streamBuffer.isEmpty() || streamBuffer.get(0).seq() <= cursor.seq() + 1;
  }

  public boolean isStreamClosed(String streamId) {
    return closedStreams.contains(streamId);
  }

  /** The event handler: state + event -> state. No side effects, no validation. */
  public SessionState apply(SessionEvent event) {
    if (event instanceof SessionEvent.Initialized e) {
      return new SessionState(
          e.sessionId(),
          ProtocolVersion.parse(e.protocolVersion()).orElse(ProtocolVersion.LATEST_SESSION),
          e.clientInfo(),
          e.clientCapabilities(),
          false,
          logLevel,
          subscriptions,
          data,
          nextSeq,
          streamBuffer,
          closedStreams,
          bufferLimit,
          false,
          e.atMillis(),
          appliedCommands);
    } else if (event instanceof SessionEvent.ClientReady) {
      return withClientReady(true);
    } else if (event instanceof SessionEvent.LogLevelSet e) {
      return new SessionState(
          sessionId, protocolVersion, clientInfo, clientCapabilities, clientReady, e.level(),
          subscriptions, data, nextSeq, streamBuffer, closedStreams, bufferLimit, ended,
          createdAtMillis, appliedCommands);
    } else if (event instanceof SessionEvent.Subscribed e) {
      Set<String> subs = new HashSet<>(subscriptions);
      subs.add(e.uri());
      return withSubscriptions(subs);
    } else if (event instanceof SessionEvent.Unsubscribed e) {
      Set<String> subs = new HashSet<>(subscriptions);
      subs.remove(e.uri());
      return withSubscriptions(subs);
    } else if (event instanceof SessionEvent.DataPut e) {
      Map<String, JsonNode> d = new HashMap<>(data);
      d.put(e.key(), e.value());
      return withData(d);
    } else if (event instanceof SessionEvent.DataRemoved e) {
      Map<String, JsonNode> d = new HashMap<>(data);
      d.remove(e.key());
      return withData(d);
    } else if (event instanceof SessionEvent.StreamEventAppended e) {
      List<StreamEvent> buf = new ArrayList<>(streamBuffer.size() + 1);
      int drop = Math.max(0, streamBuffer.size() + 1 - bufferLimit);
      buf.addAll(streamBuffer.subList(drop, streamBuffer.size()));
      buf.add(new StreamEvent(e.seq(), e.streamId(), e.payload()));
      return new SessionState(
          sessionId, protocolVersion, clientInfo, clientCapabilities, clientReady, logLevel,
          subscriptions, data, Math.max(nextSeq, e.seq() + 1), Collections.unmodifiableList(buf),
          closedStreams, bufferLimit, ended, createdAtMillis, appliedCommands);
    } else if (event instanceof SessionEvent.StreamClosed e) {
      Set<String> closed = new HashSet<>(closedStreams);
      closed.add(e.streamId());
      if (closed.size() > bufferLimit) {
        // Forget closed streams whose events have all left the buffer.
        Set<String> live = new HashSet<>();
        streamBuffer.forEach(se -> live.add(se.streamId()));
        closed.retainAll(live);
        closed.add(e.streamId());
      }
      return new SessionState(
          sessionId, protocolVersion, clientInfo, clientCapabilities, clientReady, logLevel,
          subscriptions, data, nextSeq, streamBuffer, Collections.unmodifiableSet(closed),
          bufferLimit, ended, createdAtMillis, appliedCommands);
    } else if (event instanceof SessionEvent.Ended) {
      return new SessionState(
          sessionId, protocolVersion, clientInfo, clientCapabilities, clientReady, logLevel,
          subscriptions, data, nextSeq, streamBuffer, closedStreams, bufferLimit, true,
          createdAtMillis, appliedCommands);
    } else if (event instanceof SessionEvent.CommandApplied e) {
      java.util.LinkedHashMap<String, Long> applied = new java.util.LinkedHashMap<>(appliedCommands);
      applied.put(e.commandId(), e.firstSeq());
      var it = applied.keySet().iterator();
      while (applied.size() > APPLIED_COMMANDS_LIMIT) {
        it.next();
        it.remove();
      }
      return new SessionState(
          sessionId, protocolVersion, clientInfo, clientCapabilities, clientReady, logLevel,
          subscriptions, data, nextSeq, streamBuffer, closedStreams, bufferLimit, ended,
          createdAtMillis, Collections.unmodifiableMap(applied));
    }
    throw new IllegalArgumentException("unknown session event " + event);
  }

  private SessionState withClientReady(boolean ready) {
    return new SessionState(
        sessionId, protocolVersion, clientInfo, clientCapabilities, ready, logLevel,
        subscriptions, data, nextSeq, streamBuffer, closedStreams, bufferLimit, ended,
        createdAtMillis, appliedCommands);
  }

  private SessionState withSubscriptions(Set<String> subs) {
    return new SessionState(
        sessionId, protocolVersion, clientInfo, clientCapabilities, clientReady, logLevel,
        Collections.unmodifiableSet(subs), data, nextSeq, streamBuffer, closedStreams,
        bufferLimit, ended, createdAtMillis, appliedCommands);
  }

  private SessionState withData(Map<String, JsonNode> d) {
    return new SessionState(
        sessionId, protocolVersion, clientInfo, clientCapabilities, clientReady, logLevel,
        subscriptions, Collections.unmodifiableMap(d), nextSeq, streamBuffer, closedStreams,
        bufferLimit, ended, createdAtMillis, appliedCommands);
  }
}
