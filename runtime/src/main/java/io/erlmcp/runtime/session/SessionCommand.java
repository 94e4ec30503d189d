package io.erlmcp.runtime.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.protocol.LogLevel;
import java.util.List;

/**
 * What a client (or a handler on its behalf) asks of its session, in the imperative. {@link
 * SessionMachine#decide} turns a command into events or a refusal. Commands cross JVMs (the
 * entity may live on another node), so they serialize by name.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SessionCommand.Initialize.class, name = "initialize"),
  @JsonSubTypes.Type(value = SessionCommand.MarkReady.class, name = "mark-ready"),
  @JsonSubTypes.Type(value = SessionCommand.SetLogLevel.class, name = "set-log-level"),
  @JsonSubTypes.Type(value = SessionCommand.Subscribe.class, name = "subscribe"),
  @JsonSubTypes.Type(value = SessionCommand.Unsubscribe.class, name = "unsubscribe"),
  @JsonSubTypes.Type(value = SessionCommand.PutData.class, name = "put-data"),
  @JsonSubTypes.Type(value = SessionCommand.RemoveData.class, name = "remove-data"),
  @JsonSubTypes.Type(value = SessionCommand.AppendToStream.class, name = "append-to-stream"),
  @JsonSubTypes.Type(value = SessionCommand.End.class, name = "end")
})
public sealed interface SessionCommand {

  record Initialize(
      String sessionId,
      String protocolVersion,
      JsonNode clientInfo,
      JsonNode clientCapabilities,
      long atMillis)
      implements SessionCommand {}

  record MarkReady(long atMillis) implements SessionCommand {}

  record SetLogLevel(LogLevel level) implements SessionCommand {}

  record Subscribe(String uri) implements SessionCommand {}

  record Unsubscribe(String uri) implements SessionCommand {}

  record PutData(String key, JsonNode value) implements SessionCommand {}

  record RemoveData(String key) implements SessionCommand {}

  /** Append SSE payloads to a stream; the reply names their event ids. */
  record AppendToStream(String streamId, List<String> payloads, boolean close)
      implements SessionCommand {
    public AppendToStream {
      payloads = List.copyOf(payloads);
    }
  }

  record End(long atMillis, String reason) implements SessionCommand {}
}
