package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * A tool: its description as {@code tools/list} shows it, and its handler.
 *
 * @param inputSchema a JSON Schema (2020-12 unless it says otherwise) for the arguments
 * @param outputSchema optional schema that {@code structuredContent} must satisfy
 * @param timeout how long a call may run before it is answered -32603 and its handler cancelled
 * @param execution where the handler runs: {@link Execution#POOLED} (default for {@code
 *     handler(..)}) or {@link Execution#INLINE} (default for {@code syncHandler(..)})
 */
public record Tool(
    String name,
    String title,
    String description,
    ObjectNode inputSchema,
    ObjectNode outputSchema,
    ObjectNode annotations,
    ArrayNode icons,
    Duration timeout,
    Execution execution,
    TaskSupport taskSupport,
    boolean inputBeforeTask,
    ToolHandler handler) {

  /**
   * Whether a call may run as a task (2025-11-25 {@code execution.taskSupport}; on 2026-07-28
   * the server creates a task for a client that declared the tasks extension).
   *
   * <ul>
   *   <li>{@code FORBIDDEN} (default): never a task.
   *   <li>{@code OPTIONAL}: a task when the client asks for one (2025-11-25) or declared the
   *       extension (2026-07-28); otherwise an ordinary call.
   *   <li>{@code REQUIRED}: only as a task; a client that cannot take one gets -32601
   *       (2025-11-25) or -32021 (2026-07-28).
   * </ul>
   */
  public enum TaskSupport {
    FORBIDDEN("forbidden"),
    OPTIONAL("optional"),
    REQUIRED("required");

    private final String wireName;

    TaskSupport(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  /**
   * Where a tool's handler runs.
   *
   * <ul>
   *   <li>{@code POOLED}: on the node's bounded handler pool, owned by a request worker actor. Safe
   *       for handlers that block (JDBC, blocking HTTP clients, long computations).
   *   <li>{@code INLINE}: on the thread that received the request, with no thread hop and no
   *       actor. Only for handlers that never block: pure computations, or code that returns a
   *       stage from non-blocking I/O at once. A blocking inline handler stalls the transport.
   * </ul>
   *
   * Both are cancelled the same way: the request's token fires and the handler's future is
   * cancelled.
   */
  public enum Execution {
    POOLED,
    INLINE
  }

  public static final ObjectNode EMPTY_OBJECT_SCHEMA =
      Json.parseObject("{\"type\":\"object\",\"properties\":{}}");

  public Tool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(handler, "handler");
    if (inputSchema == null) {
      inputSchema = EMPTY_OBJECT_SCHEMA;
    }
    if (execution == null) {
      execution = Execution.POOLED;
    }
    if (taskSupport == null) {
      taskSupport = TaskSupport.FORBIDDEN;
    }
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The tool as {@code tools/list} shows it to a client of the given revision. */
  public ObjectNode toJson(ProtocolVersion v) {
    ObjectNode n = Json.object().put("name", name);
    if (title != null && v.hasTitles()) {
      n.put("title", title);
    }
    if (description != null) {
      n.put("description", description);
    }
    n.set("inputSchema", inputSchema);
    if (outputSchema != null && v.hasStructuredContent()) {
      n.set("outputSchema", outputSchema);
    }
    if (annotations != null && v.hasToolAnnotations()) {
      n.set("annotations", annotations);
    }
    if (icons != null && v.hasIcons()) {
      n.set("icons", icons);
    }
    if (taskSupport != TaskSupport.FORBIDDEN && v.hasTasks() && !v.isStateless()) {
      n.putObject("execution").put("taskSupport", taskSupport.wireName());
    }
    return n;
  }

  public static final class Builder {
    private final String name;
    private String title;
    private String description;
    private ObjectNode inputSchema;
    private ObjectNode outputSchema;
    private ObjectNode annotations;
    private ArrayNode icons;
    private Duration timeout;
    private Execution execution;
    private TaskSupport taskSupport;
    private boolean inputBeforeTask;
    private ToolHandler handler;

    private Builder(String name) {
      this.name = name;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public Builder inputSchema(ObjectNode schema) {
      this.inputSchema = schema;
      return this;
    }

    public Builder inputSchema(String schemaJson) {
      return inputSchema(Json.parseObject(schemaJson));
    }

    public Builder outputSchema(ObjectNode schema) {
      this.outputSchema = schema;
      return this;
    }

    public Builder outputSchema(String schemaJson) {
      return outputSchema(Json.parseObject(schemaJson));
    }

    public Builder annotations(ObjectNode annotations) {
      this.annotations = annotations;
      return this;
    }

    public Builder icons(ArrayNode icons) {
      this.icons = icons;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** The handler; it runs on the handler pool unless {@link #execution} says otherwise. */
    public Builder handler(ToolHandler handler) {
      this.handler = handler;
      return this;
    }

    /**
     * A handler that computes its result at once, without blocking: it runs inline (see {@link
     * Execution}) unless {@link #execution} says otherwise.
     */
    public Builder syncHandler(BiFunction<ObjectNode, RequestContext, ToolResult> fn) {
      this.handler = (args, ctx) -> CompletableFuture.completedFuture(fn.apply(args, ctx));
      if (this.execution == null) {
        this.execution = Execution.INLINE;
      }
      return this;
    }

    public Builder execution(Execution execution) {
      this.execution = execution;
      return this;
    }

    /** Whether calls may or must run as tasks (see {@link TaskSupport}); default forbidden. */
    public Builder taskSupport(TaskSupport taskSupport) {
      this.taskSupport = taskSupport;
      return this;
    }

    /**
     * 2026-07-28, for a task-supporting tool: gather the handler's input with ordinary
     * input_required rounds first, and make the call a task only once the handler runs on
     * without asking (the handler's questions before it first waits on anything else are
     * answered in the request; the rest of its work is the task).
     */
    public Builder inputBeforeTask() {
      this.inputBeforeTask = true;
      return this;
    }

    public Tool build() {
      return new Tool(
          name, title, description, inputSchema, outputSchema, annotations, icons, timeout,
          execution, taskSupport, inputBeforeTask, handler);
    }
  }
}
