package io.erlmcp.runtime.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.protocol.LogLevel;

/**
 * What happened to a session, in the past tense. These are the journal's records: a session's
 * state is the fold of its events ({@link SessionState#apply}), and a client's state change is
 * acknowledged only once its event is written. Serialized by name (never by class) so the journal
 * survives refactoring.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SessionEvent.Initialized.class, name = "initialized"),
  @JsonSubTypes.Type(value = SessionEvent.ClientReady.class, name = "client-ready"),
  @JsonSubTypes.Type(value = SessionEvent.LogLevelSet.class, name = "log-level-set"),
  @JsonSubTypes.Type(value = SessionEvent.Subscribed.class, name = "subscribed"),
  @JsonSubTypes.Type(value = SessionEvent.Unsubscribed.class, name = "unsubscribed"),
  @JsonSubTypes.Type(value = SessionEvent.DataPut.class, name = "data-put"),
  @JsonSubTypes.Type(value = SessionEvent.DataRemoved.class, name = "data-removed"),
  @JsonSubTypes.Type(value = SessionEvent.StreamEventAppended.class, name = "stream-event"),
  @JsonSubTypes.Type(value = SessionEvent.StreamClosed.class, name = "stream-closed"),
  @JsonSubTypes.Type(value = SessionEvent.Ended.class, name = "ended"),
  @JsonSubTypes.Type(value = SessionEvent.CommandApplied.class, name = "command-applied")
})
public sealed interface SessionEvent {

  /** initialize succeeded: the negotiated revision and what the client said about itself. */
  record Initialized(
      String sessionId,
      String protocolVersion,
      JsonNode clientInfo,
      JsonNode clientCapabilities,
      long atMillis)
      implements SessionEvent {}

  /** notifications/initialized arrived. */
  record ClientReady(long atMillis) implements SessionEvent {}

  /** logging/setLevel. */
  record LogLevelSet(LogLevel level) implements SessionEvent {}

  record Subscribed(String uri) implements SessionEvent {}

  record Unsubscribed(String uri) implements SessionEvent {}

  /** Handler-owned session data: a key set to a JSON value. */
  record DataPut(String key, JsonNode value) implements SessionEvent {}

  record DataRemoved(String key) implements SessionEvent {}

  /**
   * An SSE event sent (or to be sent) on one of the session's streams, kept so a client that
   * reconnects with Last-Event-ID gets what it missed.
   */
  record StreamEventAppended(long seq, String streamId, String payload) implements SessionEvent {}

  /** A stream that will carry nothing more (its response was sent). */
  record StreamClosed(String streamId) implements SessionEvent {}

  /** DELETE, or the session expired. */
  record Ended(long atMillis, String reason) implements SessionEvent {}

  /**
   * The events written with this one (in the same atomic write) were a command's effect, and the
   * command had this id. A command resent with the same id (the edge retrying a write whose reply
   * was lost with a node) is then answered without being applied again.
   *
   * @param firstSeq the session's next stream sequence number before the command: the id of the
   *     first stream event it appended, if it appended any
   */
  record CommandApplied(String commandId, long firstSeq) implements SessionEvent {}
}
