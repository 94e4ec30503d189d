package io.erlmcp.runtime.tasks;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What happened to a task, in the past tense: the journal's records. A task's state is the fold
 * of its events ({@link TaskState#apply}); a change is acknowledged to a client only once its
 * event is written. Serialized by name (never by class), like the session's events.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = TaskEvent.Created.class, name = "task-created"),
  @JsonSubTypes.Type(value = TaskEvent.StatusChanged.class, name = "task-status-changed"),
  @JsonSubTypes.Type(value = TaskEvent.InputProvided.class, name = "task-input-provided"),
  @JsonSubTypes.Type(value = TaskEvent.Completed.class, name = "task-completed"),
  @JsonSubTypes.Type(value = TaskEvent.Failed.class, name = "task-failed"),
  @JsonSubTypes.Type(value = TaskEvent.Cancelled.class, name = "task-cancelled")
})
public sealed interface TaskEvent {

  long atMillis();

  /** {@code n}, or null for a JSON null (as Jackson reads a null JsonNode back). */
  static JsonNode orNull(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? null : n;
  }

  /**
   * A task-augmented {@code tools/call} was accepted. Everything needed to run the tool again
   * (after {@code tasks/update}, on any node) is here.
   *
   * @param owner the session that created it (2025-11-25), or null (2026-07-28 has no session:
   *     the random task id is the capability)
   * @param protocolVersion the revision of the creating request: it decides the wire shapes
   * @param requestMeta the creating request's {@code _meta} (2026-07-28: the client's
   *     capabilities travel in it)
   * @param responses input responses the client had given when the task was created
   * @param runner the process that runs the handler ({@link Tasks.Liveness#self}), or null
   */
  record Created(
      String taskId,
      String owner,
      String protocolVersion,
      String toolName,
      JsonNode arguments,
      JsonNode requestMeta,
      JsonNode responses,
      long ttlMs,
      long pollIntervalMs,
      String runner,
      long atMillis)
      implements TaskEvent {
    public Created {
      arguments = orNull(arguments);
      requestMeta = orNull(requestMeta);
      responses = orNull(responses);
    }
  }

  /**
   * working <-> input_required; {@code inputRequests} is the open questions (or null), {@code
   * runner} the process that runs the handler from now on (set when a handler starts again).
   */
  record StatusChanged(
      TaskStatus status, String message, JsonNode inputRequests, String runner, long atMillis)
      implements TaskEvent {
    public StatusChanged {
      inputRequests = orNull(inputRequests);
    }

    public StatusChanged(TaskStatus status, String message, JsonNode inputRequests, long atMillis) {
      this(status, message, inputRequests, null, atMillis);
    }
  }

  /** The client answered some open input requests ({@code tasks/update}). */
  record InputProvided(JsonNode responses, long atMillis) implements TaskEvent {}

  /** The tool ran to its end; {@code result} is its CallToolResult (which may be isError). */
  record Completed(JsonNode result, long atMillis) implements TaskEvent {
    public Completed {
      result = orNull(result);
    }
  }

  /** A protocol-level failure: {@code error} is a JSON-RPC error object (code, message, data). */
  record Failed(JsonNode error, long atMillis) implements TaskEvent {
    public Failed {
      error = orNull(error);
    }
  }

  /** {@code tasks/cancel}, or the server gave up on the task. */
  record Cancelled(String reason, long atMillis) implements TaskEvent {}
}
