package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.McpMethods;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.schema.SchemaValidator;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionState;
import io.erlmcp.runtime.stateless.StatelessMeta;
import io.erlmcp.runtime.tasks.TaskEvent;
import io.erlmcp.runtime.tasks.TaskState;
import io.erlmcp.runtime.tasks.TaskStatus;
import io.erlmcp.runtime.tasks.Tasks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP method table of a session: request in, result or JSON-RPC error out, following the
 * rules of the session's negotiated revision. Pure protocol: it knows nothing of actors or
 * transports. The host gives it the session ({@link SessionPort}), a channel back to the client
 * ({@link Outbound}) and a cancellation token, and decides on which thread it runs.
 */
public final class McpDispatcher {
  private static final Logger log = LoggerFactory.getLogger(McpDispatcher.class);

  /**
   * @param pageSize items per page of every list method
   * @param toolTimeout how long a tool call may run unless the tool says otherwise
   * @param clientRequestTimeout default wait for a client's answer to sampling/roots/elicitation
   */
  public record Settings(
      int pageSize,
      Duration toolTimeout,
      Duration clientRequestTimeout,
      long listTtlMillis,
      long readTtlMillis,
      String cacheScope) {
    public static final Settings DEFAULT =
        new Settings(50, Duration.ofSeconds(60), Duration.ofSeconds(60));

    /** @param listTtlMillis, readTtlMillis, cacheScope: caching hints of 2026-07-28 results */
    public Settings {
      if (listTtlMillis < 0 || readTtlMillis < 0) {
        throw new IllegalArgumentException("ttl must be >= 0");
      }
      if (!"public".equals(cacheScope) && !"private".equals(cacheScope)) {
        throw new IllegalArgumentException("cacheScope must be public or private");
      }
    }

    public Settings(int pageSize, Duration toolTimeout, Duration clientRequestTimeout) {
      this(pageSize, toolTimeout, clientRequestTimeout, 60_000, 0, "public");
    }
  }

  private final McpServer server;
  private final Settings settings;
  private final SchemaValidator validator = new SchemaValidator();
  private final Tasks tasks;

  /**
   * @param tasks where tasks are kept and run (the actor host gives the journaled store; the
   *     other constructors keep tasks in memory)
   */
  public McpDispatcher(McpServer server, Settings settings, Tasks tasks) {
    this.server = server;
    this.settings = settings;
    this.tasks = tasks;
    for (Tool t : server.tools()) {
      // Fail at start, not at the first call, on a schema that cannot compile.
      validator.compile(t.inputSchema());
      if (t.outputSchema() != null) {
        validator.compile(t.outputSchema());
      }
    }
  }

  public McpDispatcher(McpServer server, Settings settings) {
    this(server, settings, Tasks.inMemory());
  }

  public McpDispatcher(McpServer server) {
    this(server, Settings.DEFAULT);
  }

  /** The task store and runner behind this dispatcher. */
  public Tasks tasks() {
    return tasks;
  }

  public McpServer server() {
    return server;
  }

  // ---------------------------------------------------------------- initialize

  /** The outcome of {@code initialize}: the command that creates the session and the result. */
  public record InitializeOutcome(SessionCommand.Initialize command, ObjectNode result) {}

  /**
   * Validates {@code initialize} params and negotiates the revision. Throws {@link
   * JsonRpcException} (-32602) for params that are not an initialize request.
   */
  public InitializeOutcome initialize(JsonNode params, String sessionId, long nowMillis) {
    if (params == null || !params.isObject()) {
      throw invalidParams("initialize needs params with protocolVersion, capabilities, clientInfo");
    }
    JsonNode requested = params.get("protocolVersion");
    if (requested == null || !requested.isTextual()) {
      throw invalidParams("initialize: protocolVersion must be a string");
    }
    JsonNode caps = params.get("capabilities");
    if (caps != null && !caps.isObject()) {
      throw invalidParams("initialize: capabilities must be an object");
    }
    JsonNode clientInfo = params.get("clientInfo");
    if (clientInfo == null || !clientInfo.isObject() || !clientInfo.path("name").isTextual()) {
      throw invalidParams("initialize: clientInfo must be an object with a name");
    }
    ProtocolVersion v = ProtocolVersion.negotiate(requested.asText());
    ObjectNode result = Json.object().put("protocolVersion", v.id());
    result.set("capabilities", capabilities(v));
    ObjectNode info = result.putObject("serverInfo").put("name", server.name());
    info.put("version", server.version());
    if (server.title() != null && v.hasTitles()) {
      info.put("title", server.title());
    }
    if (server.instructions() != null) {
      result.put("instructions", server.instructions());
    }
    SessionCommand.Initialize cmd =
        new SessionCommand.Initialize(
            sessionId,
            v.id(),
            clientInfo.deepCopy(),
            caps == null ? Json.object() : caps.deepCopy(),
            nowMillis);
    return new InitializeOutcome(cmd, result);
  }

  /** The capabilities erlmcp declares to a client of revision {@code v}. */
  public ObjectNode capabilities(ProtocolVersion v) {
    ObjectNode caps = Json.object();
    caps.putObject("logging");
    if (server.completer().isPresent() && v.hasCompletionsCapability()) {
      caps.putObject("completions");
    }
    if (server.hasTools()) {
      caps.putObject("tools").put("listChanged", true);
    }
    if (server.hasResources()) {
      caps.putObject("resources").put("subscribe", true).put("listChanged", true);
    }
    if (server.hasPrompts()) {
      caps.putObject("prompts").put("listChanged", true);
    }
    if (tasksEnabled()) {
      if (v.isStateless()) {
        caps.putObject("extensions").putObject(TASKS_EXTENSION);
      } else if (v.hasTasks()) {
        ObjectNode t = caps.putObject("tasks");
        t.putObject("list");
        t.putObject("cancel");
        t.putObject("requests").putObject("tools").putObject("call");
      }
    }
    return caps;
  }

  /** The tasks extension of 2026-07-28 (SEP-2663). */
  public static final String TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

  /** Tasks are served when some tool may run as one. */
  private boolean tasksEnabled() {
    return server.anyTool(t -> t.taskSupport() != Tool.TaskSupport.FORBIDDEN);
  }

  // ---------------------------------------------------------------- requests

  /**
   * Serves one request of an initialized session. The stage completes with the response message,
   * or with a {@link CancellationException} when the request was cancelled (no response is sent
   * for a cancelled request). Never completes with any other exception.
   */
  public CompletionStage<JsonRpcMessage> respond(
      JsonRpcMessage.Request request,
      SessionPort session,
      Outbound out,
      CancellationToken cancel) {
    CompletionStage<JsonNode> result;
    try {
      result = handle(request, session, out, cancel);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    StatelessSession stateless = session instanceof StatelessSession ss ? ss : null;
    return result.handle(
        (r, err) -> {
          if (stateless != null && !cancel.isCancelled() && stateless.inputRequired()) {
            // The handler asked for input the client has not given: whatever it made of the
            // missing answer, the client gets the questions (SEP-2322).
            return (JsonRpcMessage)
                new JsonRpcMessage.Response(request.id(), stateless.inputRequiredResult());
          }
          if (err == null) {
            if (stateless != null && r instanceof ObjectNode o) {
              finishStateless(request.method(), o, stateless);
            }
            return (JsonRpcMessage) new JsonRpcMessage.Response(request.id(), r);
          }
          Throwable cause = unwrap(err);
          if (cause instanceof HandlerTimeoutException) {
            // Our own deadline cancelled the handler: the client still gets its answer.
            return new JsonRpcMessage.ErrorResponse(request.id(), toError(request.method(), cause));
          }
          if (cause instanceof CancellationException || cancel.isCancelled()) {
            throw cause instanceof CancellationException ce
                ? ce
                : new CancellationException(cancel.reason());
          }
          return new JsonRpcMessage.ErrorResponse(request.id(), toError(request.method(), cause));
        });
  }

  /** Methods that end in a cacheable list/read result on 2026-07-28. */
  private void finishStateless(String method, ObjectNode result, StatelessSession session) {
    if (!result.has("resultType")) {
      result.put("resultType", "complete");
    }
    switch (method) {
      case McpMethods.TOOLS_LIST,
          McpMethods.PROMPTS_LIST,
          McpMethods.RESOURCES_LIST,
          McpMethods.RESOURCES_TEMPLATES_LIST -> {
        result.put("ttlMs", settings.listTtlMillis());
        result.put("cacheScope", settings.cacheScope());
      }
      case McpMethods.RESOURCES_READ -> {
        result.put("ttlMs", session.hintTtlMillis(settings.readTtlMillis()));
        result.put("cacheScope", session.hintScope(settings.cacheScope()));
      }
      default -> {}
    }
  }

  /** {@code server/discover}: what a 2026-07-28 client learns instead of initialize. */
  public ObjectNode discover() {
    ObjectNode result = Json.object().put("resultType", "complete");
    com.fasterxml.jackson.databind.node.ArrayNode versions = result.putArray("supportedVersions");
    io.erlmcp.runtime.stateless.StatelessMeta.supportedVersions().forEach(versions::add);
    result.set("capabilities", capabilities(ProtocolVersion.V2026_07_28));
    if (server.instructions() != null) {
      result.put("instructions", server.instructions());
    }
    result.put("ttlMs", settings.listTtlMillis());
    result.put("cacheScope", settings.cacheScope());
    ObjectNode info =
        result
            .putObject("_meta")
            .putObject(io.erlmcp.runtime.stateless.StatelessMeta.SERVER_INFO)
            .put("name", server.name())
            .put("version", server.version());
    if (server.title() != null) {
      info.put("title", server.title());
    }
    return result;
  }

  /**
   * Whether a request may run on the thread that received it: it runs no user code that could
   * block (protocol methods, errors, and tools declared {@link Tool.Execution#INLINE}). The
   * others belong on the handler pool.
   */
  public boolean runsInline(JsonRpcMessage.Request request) {
    return switch (request.method()) {
      case McpMethods.TOOLS_CALL -> {
        JsonNode name = request.params() == null ? null : request.params().get("name");
        if (name == null || !name.isTextual()) {
          yield true; // answered -32602 at once
        }
        yield server.tool(name.asText()).map(t -> t.execution() == Tool.Execution.INLINE).orElse(true);
      }
      case McpMethods.RESOURCES_READ, McpMethods.PROMPTS_GET, McpMethods.COMPLETION_COMPLETE -> false;
      default -> true;
    };
  }

  /** The method table. Throws or fails with {@link JsonRpcException} for protocol errors. */
  public CompletionStage<JsonNode> handle(
      JsonRpcMessage.Request request,
      SessionPort session,
      Outbound out,
      CancellationToken cancel) {
    SessionState state = session.state();
    ProtocolVersion v = state.protocolVersion();
    JsonNode params = request.params();
    if (params != null && !params.isObject()) {
      throw invalidParams("params must be an object");
    }
    ObjectNode p = params == null ? Json.object() : (ObjectNode) params;
    Ctx ctx = new Ctx(request, p, session, out, cancel);
    if (v.isStateless()) {
      switch (request.method()) {
        case McpMethods.SERVER_DISCOVER -> {
          return done(discover());
        }
        case McpMethods.PING,
            McpMethods.INITIALIZE,
            McpMethods.LOGGING_SET_LEVEL,
            McpMethods.RESOURCES_SUBSCRIBE,
            McpMethods.RESOURCES_UNSUBSCRIBE ->
            // Removed in 2026-07-28 (no session to initialize, set a level on or subscribe in).
            throw new JsonRpcException(JsonRpcError.methodNotFound(request.method()));
        case McpMethods.TASKS_GET, McpMethods.TASKS_UPDATE, McpMethods.TASKS_CANCEL -> {
          requireCapability(tasksEnabled(), request.method());
          if (!clientHasTasksExtension(state)) {
            throw missingTasksExtension();
          }
          return extensionTaskMethod(request.method(), p);
        }
        // The extension removed tasks/result (the result is on tasks/get) and tasks/list.
        case McpMethods.TASKS_RESULT, McpMethods.TASKS_LIST ->
            throw new JsonRpcException(JsonRpcError.methodNotFound(request.method()));
        default -> {}
      }
    }
    return switch (request.method()) {
      case McpMethods.PING -> done(Json.object());
      case McpMethods.INITIALIZE ->
          throw new JsonRpcException(
              JsonRpcError.invalidRequest("initialize was already done for this session"));
      case McpMethods.TOOLS_LIST -> {
        requireCapability(server.hasTools(), request.method());
        yield done(listTools(v, cursor(p)));
      }
      case McpMethods.TOOLS_CALL -> {
        requireCapability(server.hasTools(), request.method());
        yield callTool(v, p, ctx);
      }
      case McpMethods.RESOURCES_LIST -> {
        requireCapability(server.hasResources(), request.method());
        yield done(listResources(v, cursor(p)));
      }
      case McpMethods.RESOURCES_TEMPLATES_LIST -> {
        requireCapability(server.hasResources(), request.method());
        yield done(listTemplates(v, cursor(p)));
      }
      case McpMethods.RESOURCES_READ -> {
        requireCapability(server.hasResources(), request.method());
        yield readResource(p, ctx);
      }
      case McpMethods.RESOURCES_SUBSCRIBE, McpMethods.RESOURCES_UNSUBSCRIBE -> {
        requireCapability(server.hasResources(), request.method());
        String uri = requireText(p, "uri");
        SessionCommand cmd =
            request.method().equals(McpMethods.RESOURCES_SUBSCRIBE)
                ? new SessionCommand.Subscribe(uri)
                : new SessionCommand.Unsubscribe(uri);
        yield session.execute(cmd).thenApply(s -> (JsonNode) Json.object());
      }
      case McpMethods.PROMPTS_LIST -> {
        requireCapability(server.hasPrompts(), request.method());
        yield done(listPrompts(v, cursor(p)));
      }
      case McpMethods.PROMPTS_GET -> {
        requireCapability(server.hasPrompts(), request.method());
        yield getPrompt(v, p, ctx);
      }
      case McpMethods.COMPLETION_COMPLETE -> {
        requireCapability(server.completer().isPresent(), request.method());
        yield complete(p, ctx);
      }
      case McpMethods.TASKS_GET,
          McpMethods.TASKS_RESULT,
          McpMethods.TASKS_LIST,
          McpMethods.TASKS_CANCEL -> {
        requireCapability(v.hasTasks() && tasksEnabled(), request.method());
        yield sessionTaskMethod(request.method(), p, ctx);
      }
      case McpMethods.LOGGING_SET_LEVEL -> {
        String level = requireText(p, "level");
        LogLevel l =
            LogLevel.parse(level)
                .orElseThrow(() -> invalidParams("unknown log level '" + level + "'"));
        yield session
            .execute(new SessionCommand.SetLogLevel(l))
            .thenApply(s -> (JsonNode) Json.object());
      }
      default -> throw new JsonRpcException(JsonRpcError.methodNotFound(request.method()));
    };
  }

  /** Notifications from the client that the protocol core owns (initialized). */
  public CompletionStage<Void> onNotification(
      JsonRpcMessage.Notification notification, SessionPort session, long nowMillis) {
    if (McpMethods.NOTIFICATION_INITIALIZED.equals(notification.method())) {
      return session.execute(new SessionCommand.MarkReady(nowMillis)).thenApply(s -> null);
    }
    // roots/list_changed, progress and unknown notifications need nothing from the core.
    return CompletableFuture.completedFuture(null);
  }

  // ---------------------------------------------------------------- tools

  private ObjectNode listTools(ProtocolVersion v, String cursor) {
    Pagination.Page<Tool> page = Pagination.page(server.tools(), cursor, settings.pageSize());
    ObjectNode result = Json.object();
    ArrayNode arr = result.putArray("tools");
    page.items().forEach(t -> arr.add(t.toJson(v)));
    if (page.nextCursor() != null) {
      result.put("nextCursor", page.nextCursor());
    }
    return result;
  }

  private CompletionStage<JsonNode> callTool(ProtocolVersion v, ObjectNode p, Ctx ctx) {
    String name = requireText(p, "name");
    Tool tool =
        server.tool(name).orElseThrow(() -> invalidParams("Unknown tool: " + name));
    JsonNode argsNode = p.get("arguments");
    if (argsNode != null && !argsNode.isNull() && !argsNode.isObject()) {
      throw invalidParams("tools/call: arguments must be an object");
    }
    ObjectNode args =
        argsNode == null || argsNode.isNull() ? Json.object() : (ObjectNode) argsNode;
    List<String> problems = validator.validate(tool.inputSchema(), args);
    if (!problems.isEmpty()) {
      String msg = "Invalid arguments for tool " + name + ": " + String.join("; ", problems);
      if (v.inputValidationIsToolError()) {
        return done(toolResultJson(v, ToolResult.error(msg)));
      }
      throw invalidParams(msg);
    }
    if (v.hasTasks() && tasksEnabled()) {
      CompletionStage<JsonNode> asTask = maybeTask(v, tool, args, p, ctx);
      if (asTask != null) {
        return asTask;
      }
    }
    Duration timeout = tool.timeout() != null ? tool.timeout() : settings.toolTimeout();
    CompletableFuture<ToolResult> running = invoke(() -> tool.handler().call(args, ctx), ctx);
    return withTimeout(running, timeout, ctx)
        .thenApply(
            r -> {
              if (r == null) {
                throw new IllegalStateException("tool " + name + " returned no result");
              }
              checkOutput(tool, r);
              return (JsonNode) toolResultJson(v, r);
            });
  }

  private void checkOutput(Tool tool, ToolResult r) {
    if (tool.outputSchema() == null || r.isError()) {
      return;
    }
    if (r.structuredContent() == null) {
      throw new JsonRpcException(
          JsonRpcError.internalError(
              "Tool " + tool.name() + " declares an outputSchema but returned no structuredContent"));
    }
    List<String> problems = validator.validate(tool.outputSchema(), r.structuredContent());
    if (!problems.isEmpty()) {
      throw new JsonRpcException(
          JsonRpcError.internalError(
              "Tool "
                  + tool.name()
                  + " returned structuredContent that does not match its outputSchema: "
                  + String.join("; ", problems)));
    }
  }

  private static ObjectNode toolResultJson(ProtocolVersion v, ToolResult r) {
    return r.toJson(v);
  }

  // ---------------------------------------------------------------- tasks

  private static boolean clientHasTasksExtension(SessionState state) {
    JsonNode caps = state.clientCapabilities();
    return caps != null && caps.path("extensions").has(TASKS_EXTENSION);
  }

  /** -32021 naming the tasks extension in {@code data.requiredCapabilities.extensions}. */
  private static JsonRpcException missingTasksExtension() {
    ObjectNode data = Json.object();
    data.putObject("requiredCapabilities").putObject("extensions").putObject(TASKS_EXTENSION);
    return new JsonRpcException(
        JsonRpcError.of(
                StatelessMeta.MISSING_CLIENT_CAPABILITY,
                "This request needs the " + TASKS_EXTENSION + " extension, which the client did"
                    + " not declare")
            .withData(data));
  }

  /**
   * A tools/call that becomes a task, or null when it runs as an ordinary call. 2025-11-25: the
   * client asks with {@code params.task}, checked against the tool's taskSupport (-32601 either
   * way it disagrees). 2026-07-28: the server decides; a task-supporting tool becomes a task for
   * a client that declared the extension in this request, a required one refuses the others
   * (-32021); a legacy {@code task} param is ignored.
   */
  private CompletionStage<JsonNode> maybeTask(
      ProtocolVersion v, Tool tool, ObjectNode args, ObjectNode p, Ctx ctx) {
    Tool.TaskSupport support = tool.taskSupport();
    if (v.isStateless()) {
      boolean ext = clientHasTasksExtension(ctx.session.state());
      if (support == Tool.TaskSupport.REQUIRED && !ext) {
        throw missingTasksExtension();
      }
      if (support == Tool.TaskSupport.FORBIDDEN || !ext) {
        return null;
      }
      if (tool.inputBeforeTask() && ctx.session instanceof StatelessSession s) {
        return inputThenTask(v, tool, args, p, ctx, s);
      }
      return createTask(v, tool, args, p, ctx, null, null);
    }
    JsonNode task = p.get("task");
    boolean asked = task != null && !task.isNull();
    if (asked && !task.isObject()) {
      throw invalidParams("tools/call: task must be an object");
    }
    if (asked && support == Tool.TaskSupport.FORBIDDEN) {
      throw new JsonRpcException(
          JsonRpcError.of(
              JsonRpcError.METHOD_NOT_FOUND,
              "Tool " + tool.name() + " does not support task-augmented calls (taskSupport:"
                  + " forbidden)"));
    }
    if (!asked && support == Tool.TaskSupport.REQUIRED) {
      throw new JsonRpcException(
          JsonRpcError.of(
              JsonRpcError.METHOD_NOT_FOUND,
              "Tool " + tool.name() + " must be called as a task (taskSupport: required): add"
                  + " params.task"));
    }
    if (!asked) {
      return null;
    }
    JsonNode ttl = task.get("ttl");
    if (ttl != null && !ttl.isNull() && !ttl.isIntegralNumber()) {
      throw invalidParams("tools/call: task.ttl must be an integer (milliseconds)");
    }
    Long requested = ttl == null || ttl.isNull() ? null : ttl.asLong();
    return createTask(v, tool, args, p, ctx, requested, null);
  }

  /**
   * Persists a new task, then starts its handler (or, for {@link Tool#inputBeforeTask}, hands
   * it the handler already running); the CreateTaskResult goes out only once the task is in
   * the store, so a tasks/get right after it finds the task on any node.
   */
  private CompletionStage<JsonNode> createTask(
      ProtocolVersion v,
      Tool tool,
      ObjectNode args,
      ObjectNode p,
      Ctx ctx,
      Long requestedTtl,
      Running alreadyRunning) {
    int max = tasks.settings().maxRunning();
    if (tasks.runningCount() >= max) {
      if (alreadyRunning != null) {
        alreadyRunning.token().cancel("too many tasks");
      }
      throw new JsonRpcException(
          JsonRpcError.internalError("Server busy: " + max + " tasks already running on this node"));
    }
    long now = System.currentTimeMillis();
    JsonNode meta = p.get("_meta");
    TaskEvent.Created created =
        new TaskEvent.Created(
            UUID.randomUUID().toString(),
            v.isStateless() ? null : ctx.sessionId(),
            v.id(),
            tool.name(),
            args.deepCopy(),
            meta != null && meta.isObject() ? meta.deepCopy() : null,
            alreadyRunning != null ? alreadyRunning.session().responses() : Json.object(),
            tasks.settings().ttlFor(requestedTtl),
            tasks.settings().pollInterval().toMillis(),
            tasks.liveness().self(),
            now);
    return tasks
        .store()
        .create(created)
        .thenApply(
            st -> {
              if (alreadyRunning != null) {
                follow(st, tool, v, alreadyRunning);
              } else {
                if (!v.isStateless()) {
                  // Ready before the handler asks: a tasks/result may come first.
                  inputs.put(st.taskId(), new InputChannel());
                }
                start(
                    st,
                    tool,
                    v,
                    ctx.session,
                    v.isStateless() ? Outbound.NONE : sessionChannel(st.taskId(), st.owner()));
              }
              return (JsonNode) createResult(v, st);
            });
  }

  private static ObjectNode createResult(ProtocolVersion v, TaskState st) {
    if (v.isStateless()) {
      ObjectNode r = Json.object().put("resultType", "task");
      r.setAll(st.toExtensionJson(false));
      return r;
    }
    ObjectNode r = Json.object();
    r.set("task", st.toTaskJson());
    return r;
  }

  /** A task's handler while it runs: its context, session and future. */
  private record Running(
      Ctx ctx, StatelessSession session, CancellationToken token, CompletableFuture<ToolResult> f) {}

  /**
   * 2026-07-28, {@link Tool#inputBeforeTask}: runs the handler now; questions it asks before it
   * first waits make this an ordinary input_required round, otherwise the call becomes a task
   * that carries the running handler on.
   */
  private CompletionStage<JsonNode> inputThenTask(
      ProtocolVersion v, Tool tool, ObjectNode args, ObjectNode p, Ctx ctx, StatelessSession s) {
    StatelessSession probe = s.fork();
    CancellationToken token = new CancellationToken();
    Ctx tctx = new Ctx(ctx.request, p, probe, Outbound.NONE, token);
    CompletableFuture<ToolResult> f = invoke(() -> tool.handler().call(args, tctx), tctx);
    if (probe.inputRequired()) {
      token.cancel("input required before the task");
      probe.pendingRequests().properties().forEach(
          e -> s.answer(e.getKey(), e.getValue().path("method").asText(),
              e.getValue().get("params") instanceof ObjectNode o ? o : null));
      return CompletableFuture.failedFuture(new InputRequiredException("before task"));
    }
    Running run = new Running(tctx, probe, token, f);
    return createTask(v, tool, args, p, ctx, null, run)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                token.cancel("task could not be created");
              }
            });
  }

  /** Starts the handler of a task (new, or re-run after tasks/update). */
  private void start(
      TaskState st, Tool tool, ProtocolVersion v, SessionPort sessionPort, Outbound out) {
    CancellationToken token = new CancellationToken();
    ObjectNode params = Json.object().put("name", st.toolName());
    params.set("arguments", st.arguments());
    SessionPort port = sessionPort;
    StatelessSession ss = null;
    if (v.isStateless()) {
      ObjectNode metaParams = Json.object();
      metaParams.set("_meta", st.requestMeta());
      ss =
          new StatelessSession(
              StatelessMeta.parse(metaParams),
              McpMethods.TOOLS_CALL,
              st.toolName(),
              st.responses() instanceof ObjectNode o ? o.deepCopy() : Json.object(),
              null);
      port = ss;
    }
    if (st.requestMeta() != null) {
      params.set("_meta", st.requestMeta());
    }
    JsonRpcMessage.Request req =
        new JsonRpcMessage.Request(
            new RequestId.Str("task-" + st.taskId()), McpMethods.TOOLS_CALL, params);
    Ctx tctx = new Ctx(req, params, port, out, token);
    ObjectNode args = st.arguments() instanceof ObjectNode o ? o : Json.object();
    CompletableFuture<ToolResult> f;
    try {
      f =
          CompletableFuture.supplyAsync(
                  () -> invoke(() -> tool.handler().call(args, tctx), tctx), tasks.executor())
              .thenCompose(x -> x);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      f = CompletableFuture.failedFuture(e);
    }
    follow(st, tool, v, new Running(tctx, ss, token, f));
  }

  /** Records what becomes of a task's running handler. */
  private void follow(TaskState st, Tool tool, ProtocolVersion v, Running run) {
    String id = st.taskId();
    tasks.started(id, run.token());
    withTimeout(run.f(), tasks.settings().runTimeout(), run.ctx())
        .whenComplete(
            (r, err) -> {
              tasks.ended(id, run.token());
              inputs.remove(id);
              TaskEvent ev = outcome(tool, v, run, r, err);
              if (ev == null) {
                return; // cancelled: tasks/cancel recorded it
              }
              tasks
                  .store()
                  .append(id, ev)
                  .whenComplete(
                      (s, e) -> {
                        if (e != null) {
                          log.warn("task {}: could not record its outcome", id, e);
                        } else {
                          notifyStatus(v, s);
                        }
                      });
            });
  }

  private TaskEvent outcome(
      Tool tool, ProtocolVersion v, Running run, ToolResult r, Throwable err) {
    long now = System.currentTimeMillis();
    Throwable cause = err == null ? null : unwrap(err);
    if (cause instanceof HandlerTimeoutException) {
      return new TaskEvent.Failed(
          errorJson(JsonRpcError.internalError("task " + cause.getMessage())), now);
    }
    if (run.token().isCancelled()) {
      return null;
    }
    if (run.session() != null && run.session().inputRequired()) {
      return new TaskEvent.StatusChanged(
          TaskStatus.INPUT_REQUIRED,
          "waiting for the client's input",
          run.session().pendingRequests(),
          now);
    }
    if (cause != null) {
      return new TaskEvent.Failed(errorJson(toError(McpMethods.TOOLS_CALL, cause)), now);
    }
    if (r == null) {
      return new TaskEvent.Failed(
          errorJson(JsonRpcError.internalError("tool " + tool.name() + " returned no result")),
          now);
    }
    try {
      checkOutput(tool, r);
    } catch (JsonRpcException e) {
      return new TaskEvent.Failed(errorJson(e.error()), now);
    }
    return new TaskEvent.Completed(toolResultJson(v, r), now);
  }

  private static ObjectNode errorJson(JsonRpcError e) {
    ObjectNode n = Json.object().put("code", e.code()).put("message", e.message());
    if (e.data() != null && !e.data().isNull()) {
      n.set("data", e.data());
    }
    return n;
  }

  private static JsonRpcError errorOf(JsonNode n) {
    JsonRpcError e =
        JsonRpcError.of(
            n.path("code").asInt(JsonRpcError.INTERNAL_ERROR),
            n.path("message").asText("task failed"));
    JsonNode data = n.get("data");
    return data == null || data.isNull() ? e : e.withData(data);
  }

  /**
   * 2025-11-25: notifications/tasks/status to the session's transports ({@link
   * McpServer#notifySession}: stdout on stdio, the session's GET stream on HTTP). The creating
   * request's own channel is closed by then (it carried the CreateTaskResult).
   */
  private void notifyStatus(ProtocolVersion v, TaskState s) {
    if (v.isStateless() || s.owner() == null) {
      return;
    }
    server.notifySession(s.owner(), McpMethods.NOTIFICATION_TASKS_STATUS, s.toTaskJson());
  }

  /**
   * The channel of a 2025-11-25 task's handler: its notifications (progress, log messages) go
   * to the session like the task's status; its requests to the client (elicitation, sampling,
   * roots) wait in the task's {@link InputChannel} and go out on the stream of the client's
   * {@code tasks/result} (the creating request was answered long ago), while the task is
   * {@code input_required}.
   */
  private Outbound sessionChannel(String taskId, String owner) {
    return new Outbound() {
      @Override
      public void notify(String method, JsonNode params) {
        server.notifySession(owner, method, params);
      }

      @Override
      public CompletionStage<JsonNode> request(String method, JsonNode params, Duration timeout) {
        return askThroughTasksResult(taskId, method, params, timeout);
      }
    };
  }

  /** A question of a running 2025-11-25 task, waiting for a tasks/result stream to go out on. */
  private record PendingInput(
      String method, JsonNode params, Duration timeout, CompletableFuture<JsonNode> answer) {}

  /**
   * The questions of one running 2025-11-25 task and the tasks/result stream now open for it
   * (at most one is used: the latest). Local to the node that runs the handler.
   */
  private static final class InputChannel {
    private final java.util.ArrayDeque<PendingInput> queued = new java.util.ArrayDeque<>();
    private Outbound attached; // guarded by this
    private int open; // guarded by this: questions asked and not answered

    void ask(PendingInput p) {
      Outbound out;
      synchronized (this) {
        open++;
        out = attached;
        if (out == null) {
          queued.add(p);
          return;
        }
      }
      send(out, p);
    }

    synchronized boolean answered() {
      open--;
      return open == 0;
    }

    void attach(Outbound out) {
      List<PendingInput> now;
      synchronized (this) {
        attached = out;
        now = List.copyOf(queued);
        queued.clear();
      }
      now.forEach(p -> send(out, p));
    }

    synchronized void detach(Outbound out) {
      if (attached == out) {
        attached = null;
      }
    }

    private static void send(Outbound out, PendingInput p) {
      out.request(p.method(), p.params(), p.timeout())
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  p.answer().completeExceptionally(e);
                } else {
                  p.answer().complete(r);
                }
              });
    }
  }

  private final Map<String, InputChannel> inputs = new java.util.concurrent.ConcurrentHashMap<>();

  private CompletionStage<JsonNode> askThroughTasksResult(
      String taskId, String method, JsonNode params, Duration timeout) {
    ObjectNode p = params instanceof ObjectNode o ? o.deepCopy() : Json.object();
    ObjectNode meta = p.has("_meta") && p.get("_meta").isObject() ? (ObjectNode) p.get("_meta") : p.putObject("_meta");
    meta.putObject(RELATED_TASK).put("taskId", taskId);
    Duration t = timeout != null ? timeout : settings.clientRequestTimeout();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    InputChannel ch = inputs.computeIfAbsent(taskId, k -> new InputChannel());
    long now = System.currentTimeMillis();
    tasks
        .store()
        .append(
            taskId,
            new TaskEvent.StatusChanged(
                TaskStatus.INPUT_REQUIRED, "waiting for the client's answer to " + method, null, now))
        .whenComplete(
            (s, e) -> {
              if (e == null && s.status() == TaskStatus.INPUT_REQUIRED) {
                notifyStatus(ProtocolVersion.V2025_11_25, s);
              }
              ch.ask(new PendingInput(method, p, t, answer));
            });
    return answer
        .orTimeout(t.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (r, e) -> {
              if (ch.answered()) {
                tasks
                    .store()
                    .append(
                        taskId,
                        new TaskEvent.StatusChanged(
                            TaskStatus.WORKING, null, null, System.currentTimeMillis()))
                    .whenComplete(
                        (s, e2) -> {
                          if (e2 == null && s.status() == TaskStatus.WORKING) {
                            notifyStatus(ProtocolVersion.V2025_11_25, s);
                          }
                        });
              }
            });
  }

  private static final String RELATED_TASK = "io.modelcontextprotocol/related-task";

  /**
   * The task {@code taskId} as this requestor may see it: 2025-11-25 tasks belong to their
   * session, extension tasks to whoever holds the id. Unknown, expired or someone else's:
   * -32602.
   */
  private CompletionStage<TaskState> loadTask(String taskId, String owner) {
    return tasks
        .store()
        .get(taskId)
        .thenCompose(
            o -> {
              TaskState st = o.orElse(null);
              if (st == null
                  || st.expired(System.currentTimeMillis())
                  || !java.util.Objects.equals(owner, st.owner())) {
                throw new JsonRpcException(
                    JsonRpcError.invalidParams("Unknown task: " + taskId)
                        .withData(Json.object().put("taskId", taskId)));
              }
              return orphanCheck(st);
            });
  }

  /**
   * A working task whose handler ran in a process that is gone (killed, removed from the
   * cluster) will never finish: it is recorded failed now, so the client learns it instead of
   * polling until the ttl.
   */
  private CompletionStage<TaskState> orphanCheck(TaskState st) {
    if (st.status() != TaskStatus.WORKING
        || st.runner() == null
        || tasks.liveness().isAlive(st.runner())) {
      return CompletableFuture.completedFuture(st);
    }
    return tasks
        .store()
        .append(
            st.taskId(),
            new TaskEvent.Failed(
                errorJson(
                    JsonRpcError.internalError(
                        "The server process running the task stopped; call the tool again")),
                System.currentTimeMillis()))
        .handle(
            (s, e) -> {
              if (e != null) {
                // Not recorded (a read-only node, say): the reader sees the stored state, and
                // a node that may write records it on a later read.
                log.debug("task {}: could not record its runner's end", st.taskId(), e);
                return st;
              }
              notifyStatus(
                  ProtocolVersion.parse(s.protocolVersion()).orElse(ProtocolVersion.V2025_11_25),
                  s);
              return s;
            });
  }

  /** Records the cancellation (if the task still runs) and stops its handler on this node. */
  private CompletionStage<TaskState> cancelTask(TaskState st, ProtocolVersion v) {
    if (st.isTerminal()) {
      return CompletableFuture.completedFuture(st);
    }
    String reason = "cancelled by the client";
    return tasks
        .store()
        .append(st.taskId(), new TaskEvent.Cancelled(reason, System.currentTimeMillis()))
        .thenApply(
            s -> {
              tasks.cancel(st.taskId(), reason);
              if (s.status() == TaskStatus.CANCELLED) {
                notifyStatus(v, s);
              }
              return s;
            });
  }

  private static ObjectNode ack() {
    return Json.object().put("resultType", "complete");
  }

  /** tasks/get, tasks/update and tasks/cancel of the tasks extension (2026-07-28). */
  private CompletionStage<JsonNode> extensionTaskMethod(String method, ObjectNode p) {
    String taskId = requireText(p, "taskId");
    JsonNode in = p.get("inputResponses");
    if (McpMethods.TASKS_UPDATE.equals(method) && (in == null || !in.isObject())) {
      throw invalidParams("tasks/update: inputResponses must be an object keyed by input request");
    }
    return loadTask(taskId, null)
        .thenCompose(
            st ->
                switch (method) {
                  case McpMethods.TASKS_GET -> {
                    ObjectNode r = ack();
                    r.setAll(st.toExtensionJson(true));
                    yield done(r);
                  }
                  case McpMethods.TASKS_CANCEL ->
                      cancelTask(st, ProtocolVersion.V2026_07_28)
                          .thenApply(s -> (JsonNode) ack());
                  default -> update(st, (ObjectNode) in);
                });
  }

  /**
   * tasks/update: records the answers to open input requests; once none is open the handler
   * runs again with every answer given (as a 2026-07-28 retry does). Answers to requests that
   * are not open are ignored; the ack is the same.
   */
  private CompletionStage<JsonNode> update(TaskState st, ObjectNode in) {
    if (st.status() != TaskStatus.INPUT_REQUIRED || st.inputRequests() == null) {
      return done(ack());
    }
    ObjectNode answers = Json.object();
    in.properties()
        .forEach(
            e -> {
              if (st.inputRequests().has(e.getKey()) && e.getValue().isObject()) {
                answers.set(e.getKey(), e.getValue());
              }
            });
    if (answers.isEmpty()) {
      return done(ack());
    }
    long now = System.currentTimeMillis();
    return tasks
        .store()
        .append(st.taskId(), new TaskEvent.InputProvided(answers, now))
        .thenCompose(
            s -> {
              if (s.status() != TaskStatus.INPUT_REQUIRED
                  || (s.inputRequests() != null && !s.inputRequests().isEmpty())) {
                return done(ack());
              }
              return tasks
                  .store()
                  .append(
                      s.taskId(),
                      new TaskEvent.StatusChanged(
                          TaskStatus.WORKING, null, null, tasks.liveness().self(), now))
                  .thenApply(
                      w -> {
                        if (w.status() == TaskStatus.WORKING) {
                          rerun(w);
                        }
                        return (JsonNode) ack();
                      });
            });
  }

  private void rerun(TaskState st) {
    ProtocolVersion v =
        ProtocolVersion.parse(st.protocolVersion()).orElse(ProtocolVersion.V2026_07_28);
    Optional<Tool> tool = server.tool(st.toolName());
    if (tool.isEmpty()) {
      tasks
          .store()
          .append(
              st.taskId(),
              new TaskEvent.Failed(
                  errorJson(JsonRpcError.internalError("Tool " + st.toolName() + " is gone")),
                  System.currentTimeMillis()));
      return;
    }
    start(st, tool.get(), v, null, Outbound.NONE);
  }

  /** tasks/get, tasks/result, tasks/list and tasks/cancel of 2025-11-25. */
  private CompletionStage<JsonNode> sessionTaskMethod(String method, ObjectNode p, Ctx ctx) {
    String owner = ctx.sessionId();
    if (McpMethods.TASKS_LIST.equals(method)) {
      String cursor = cursor(p);
      return tasks
          .store()
          .list(owner)
          .thenCompose(
              all -> {
                List<CompletableFuture<TaskState>> checked = new java.util.ArrayList<>();
                all.forEach(t -> checked.add(orphanCheck(t).toCompletableFuture()));
                return CompletableFuture.allOf(checked.toArray(CompletableFuture[]::new))
                    .thenApply(v -> checked.stream().map(CompletableFuture::join).toList());
              })
          .thenApply(
              all -> {
                long now = System.currentTimeMillis();
                List<TaskState> live = all.stream().filter(t -> !t.expired(now)).toList();
                Pagination.Page<TaskState> page =
                    Pagination.page(live, cursor, settings.pageSize());
                ObjectNode r = Json.object();
                ArrayNode arr = r.putArray("tasks");
                page.items().forEach(t -> arr.add(t.toTaskJson()));
                if (page.nextCursor() != null) {
                  r.put("nextCursor", page.nextCursor());
                }
                return (JsonNode) r;
              });
    }
    String taskId = requireText(p, "taskId");
    return loadTask(taskId, owner)
        .thenCompose(
            st ->
                switch (method) {
                  case McpMethods.TASKS_GET -> done(st.toTaskJson());
                  case McpMethods.TASKS_CANCEL -> {
                    if (st.isTerminal()) {
                      throw new JsonRpcException(
                          JsonRpcError.invalidParams(
                                  "Cannot cancel task " + taskId + ": it is already "
                                      + st.status().wireName())
                              .withData(Json.object().put("taskId", taskId)));
                    }
                    yield cancelTask(st, ctx.protocolVersion())
                        .thenApply(s -> (JsonNode) s.toTaskJson());
                  }
                  default -> {
                    // While the client waits here, the task's questions go out on this stream.
                    InputChannel ch = inputs.get(taskId);
                    if (ch != null) {
                      ch.attach(ctx.out);
                    }
                    yield awaitTerminal(taskId, owner, ctx)
                        .whenComplete(
                            (t, e) -> {
                              if (ch != null) {
                                ch.detach(ctx.out);
                              }
                            })
                        .thenApply(this::taskResult);
                  }
                });
  }

  /** The payload of tasks/result: the tool's result, or the task's error. */
  private JsonNode taskResult(TaskState st) {
    switch (st.status()) {
      case COMPLETED -> {
        ObjectNode r = ((ObjectNode) st.result()).deepCopy();
        r.putObject("_meta").putObject(RELATED_TASK).put("taskId", st.taskId());
        return r;
      }
      case FAILED -> throw new JsonRpcException(errorOf(st.error()));
      default ->
          throw new JsonRpcException(
              JsonRpcError.invalidParams("Task " + st.taskId() + " was cancelled: it has no result")
                  .withData(
                      Json.object().put("taskId", st.taskId()).put("status", "cancelled")));
    }
  }

  /** Waits (polling the store, so it works wherever the task runs) for a terminal state. */
  private CompletionStage<TaskState> awaitTerminal(String taskId, String owner, Ctx ctx) {
    CompletableFuture<TaskState> out = new CompletableFuture<>();
    long delay = Math.min(100, tasks.settings().pollInterval().toMillis());
    Runnable[] poll = new Runnable[1];
    poll[0] =
        () ->
            loadTask(taskId, owner)
                .whenComplete(
                    (st, e) -> {
                      if (e != null) {
                        out.completeExceptionally(e);
                      } else if (st.isTerminal()) {
                        out.complete(st);
                      } else if (ctx.cancellation().isCancelled()) {
                        out.completeExceptionally(
                            new CancellationException(ctx.cancellation().reason()));
                      } else {
                        DEADLINES.schedule(poll[0], delay, TimeUnit.MILLISECONDS);
                      }
                    });
    poll[0].run();
    return out;
  }

  // ---------------------------------------------------------------- resources

  private ObjectNode listResources(ProtocolVersion v, String cursor) {
    Pagination.Page<Resource> page =
        Pagination.page(server.resources(), cursor, settings.pageSize());
    ObjectNode result = Json.object();
    ArrayNode arr = result.putArray("resources");
    page.items().forEach(r -> arr.add(r.toJson(v)));
    if (page.nextCursor() != null) {
      result.put("nextCursor", page.nextCursor());
    }
    return result;
  }

  private ObjectNode listTemplates(ProtocolVersion v, String cursor) {
    Pagination.Page<ResourceTemplate> page =
        Pagination.page(server.resourceTemplates(), cursor, settings.pageSize());
    ObjectNode result = Json.object();
    ArrayNode arr = result.putArray("resourceTemplates");
    page.items().forEach(t -> arr.add(t.toJson(v)));
    if (page.nextCursor() != null) {
      result.put("nextCursor", page.nextCursor());
    }
    return result;
  }

  private CompletionStage<JsonNode> readResource(ObjectNode p, Ctx ctx) {
    String uri = requireText(p, "uri");
    Optional<Resource> exact = server.resource(uri);
    CompletableFuture<List<ResourceContents>> contents;
    if (exact.isPresent()) {
      contents = invoke(() -> exact.get().reader().read(uri, ctx), ctx);
    } else {
      ResourceTemplate match = null;
      Map<String, String> vars = null;
      for (ResourceTemplate t : server.resourceTemplates()) {
        Optional<Map<String, String>> m = t.uriTemplate().match(uri);
        if (m.isPresent()) {
          match = t;
          vars = m.get();
          break;
        }
      }
      if (match == null) {
        throw resourceNotFound(uri, ctx.protocolVersion());
      }
      ResourceTemplate t = match;
      Map<String, String> variables = vars;
      contents = invoke(() -> t.reader().read(uri, variables, ctx), ctx);
    }
    return withTimeout(contents, settings.toolTimeout(), ctx)
        .thenApply(
            list -> {
              if (list == null) {
                throw resourceNotFound(uri, ctx.protocolVersion());
              }
              ObjectNode result = Json.object();
              ArrayNode arr = result.putArray("contents");
              list.forEach(c -> arr.add(c.toJson()));
              return (JsonNode) result;
            });
  }

  /**
   * The error for a resource that does not exist on revision {@code v}: -32602 on 2026-07-28
   * (SEP-2164), -32002 on the session revisions; the URI in data either way.
   */
  public static JsonRpcException resourceNotFound(String uri, ProtocolVersion v) {
    if (v != null && v.isStateless()) {
      return new JsonRpcException(
          JsonRpcError.invalidParams("Resource not found: " + uri)
              .withData(Json.object().put("uri", uri)));
    }
    return resourceNotFound(uri);
  }

  /** The error for a resource that does not exist: -32002 with the URI in data. */
  public static JsonRpcException resourceNotFound(String uri) {
    return new JsonRpcException(
        JsonRpcError.of(JsonRpcError.RESOURCE_NOT_FOUND, "Resource not found: " + uri)
            .withData(Json.object().put("uri", uri)));
  }

  // ---------------------------------------------------------------- prompts

  private ObjectNode listPrompts(ProtocolVersion v, String cursor) {
    Pagination.Page<Prompt> page = Pagination.page(server.prompts(), cursor, settings.pageSize());
    ObjectNode result = Json.object();
    ArrayNode arr = result.putArray("prompts");
    page.items().forEach(pr -> arr.add(pr.toJson(v)));
    if (page.nextCursor() != null) {
      result.put("nextCursor", page.nextCursor());
    }
    return result;
  }

  private CompletionStage<JsonNode> getPrompt(ProtocolVersion v, ObjectNode p, Ctx ctx) {
    String name = requireText(p, "name");
    Prompt prompt =
        server.prompt(name).orElseThrow(() -> invalidParams("Unknown prompt: " + name));
    Map<String, String> args = stringMap(p.get("arguments"), "arguments");
    for (Prompt.Argument a : prompt.arguments()) {
      if (a.required() && !args.containsKey(a.name())) {
        throw invalidParams("Missing required argument '" + a.name() + "' of prompt " + name);
      }
    }
    CompletableFuture<Prompt.Result> rendered = invoke(() -> prompt.renderer().render(args, ctx), ctx);
    return withTimeout(rendered, settings.toolTimeout(), ctx)
        .thenApply(
            r -> (JsonNode) r.toJson(v));
  }

  // ---------------------------------------------------------------- completion

  private CompletionStage<JsonNode> complete(ObjectNode p, Ctx ctx) {
    JsonNode ref = p.get("ref");
    if (ref == null || !ref.isObject()) {
      throw invalidParams("completion/complete: ref must be an object");
    }
    String type = Json.text(ref, "type");
    String refName;
    if ("ref/prompt".equals(type)) {
      refName = requireText((ObjectNode) ref, "name");
      if (server.prompt(refName).isEmpty()) {
        throw invalidParams("Unknown prompt: " + refName);
      }
    } else if ("ref/resource".equals(type)) {
      refName = requireText((ObjectNode) ref, "uri");
    } else {
      throw invalidParams("completion/complete: ref.type must be ref/prompt or ref/resource");
    }
    JsonNode argument = p.get("argument");
    if (argument == null || !argument.isObject()) {
      throw invalidParams("completion/complete: argument must be an object with name and value");
    }
    String argName = requireText((ObjectNode) argument, "name");
    JsonNode value = argument.get("value");
    if (value == null || !value.isTextual()) {
      throw invalidParams("completion/complete: argument.value must be a string");
    }
    Map<String, String> context = stringMap(p.path("context").get("arguments"), "context.arguments");
    Completer.Request req = new Completer.Request(type, refName, argName, value.asText(), context);
    Completer completer = server.completer().orElseThrow();
    CompletableFuture<Completer.Result> r = invoke(() -> completer.complete(req, ctx), ctx);
    return withTimeout(r, settings.toolTimeout(), ctx)
        .thenApply(
            res -> {
              ObjectNode result = Json.object();
              ObjectNode c = result.putObject("completion");
              ArrayNode values = c.putArray("values");
              res.values().stream().limit(100).forEach(values::add);
              if (res.total() != null) {
                c.put("total", res.total());
              }
              c.put("hasMore", res.hasMore() || res.values().size() > 100);
              return (JsonNode) result;
            });
  }

  // ---------------------------------------------------------------- plumbing

  /** Work that may throw before returning its stage. */
  @FunctionalInterface
  private interface Call<T> {
    CompletionStage<T> run() throws Exception;
  }

  /**
   * Runs a handler; a throw becomes a failed stage, and cancellation of the request cancels the
   * handler's own future (so a handler blocked on it is released).
   */
  private static <T> CompletableFuture<T> invoke(Call<T> call, Ctx ctx) {
    CompletionStage<T> stage;
    try {
      stage = call.run();
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("handler returned a null stage"));
    }
    CompletableFuture<T> handlerFuture = stage.toCompletableFuture();
    CompletableFuture<T> result = new CompletableFuture<>();
    handlerFuture.whenComplete(
        (v, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(v);
          }
        });
    ctx.cancellation()
        .onCancel(
            () -> {
              handlerFuture.cancel(true);
              result.completeExceptionally(new CancellationException(ctx.cancellation().reason()));
            });
    return result;
  }

  /**
   * The dispatcher's own deadline passed. Distinct from a {@link TimeoutException} a handler
   * fails with (a client that did not answer sampling, say), which must not cancel the request.
   */
  static final class HandlerTimeoutException extends TimeoutException {
    HandlerTimeoutException(String message) {
      super(message);
    }
  }

  private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();

  private static ScheduledThreadPoolExecutor deadlineTimer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "erlmcp-handler-deadlines");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /**
   * {@code f}, or a {@link HandlerTimeoutException} once {@code timeout} passes; then the
   * request's token is cancelled (which cancels the handler's future) before the timeout is
   * reported, so a timed-out handler is already cancelled when its caller hears of it.
   */
  private static <T> CompletableFuture<T> withTimeout(
      CompletableFuture<T> f, Duration timeout, Ctx ctx) {
    if (f.isDone()) {
      return f; // answered at once: no deadline to arm (the common case of inline tools)
    }
    CompletableFuture<T> timed = new CompletableFuture<>();
    AtomicBoolean timedOut = new AtomicBoolean();
    long ms = timeout.toMillis();
    ScheduledFuture<?> deadline =
        DEADLINES.schedule(
            () -> {
              if (!f.isDone() && timedOut.compareAndSet(false, true)) {
                String why = "timed out after " + ms + " ms";
                ctx.cancellation().cancel(why);
                timed.completeExceptionally(new HandlerTimeoutException(why));
              }
            },
            ms,
            TimeUnit.MILLISECONDS);
    f.whenComplete(
        (v, e) -> {
          deadline.cancel(false);
          if (timedOut.get()) {
            return; // the deadline answers (this is the cancellation it caused)
          }
          if (e != null) {
            timed.completeExceptionally(e);
          } else {
            timed.complete(v);
          }
        });
    return timed;
  }

  private static CompletableFuture<JsonNode> done(JsonNode result) {
    return CompletableFuture.completedFuture(result);
  }

  /** Maps a failure to the JSON-RPC error the client sees; never leaks internals. */
  JsonRpcError toError(String method, Throwable cause) {
    if (cause instanceof JsonRpcException e) {
      return e.error();
    }
    if (cause instanceof TimeoutException) {
      return JsonRpcError.internalError(method + " timed out");
    }
    if (cause instanceof SchemaValidator.InvalidSchemaException e) {
      return JsonRpcError.internalError(e.getMessage());
    }
    String errorId = UUID.randomUUID().toString();
    log.warn("{} failed (errorId {})", method, errorId, cause);
    return JsonRpcError.internalError("Internal error while handling " + method)
        .withData(Json.object().put("errorId", errorId));
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static void requireCapability(boolean has, String method) {
    if (!has) {
      throw new JsonRpcException(JsonRpcError.methodNotFound(method));
    }
  }

  private static String cursor(ObjectNode p) {
    JsonNode c = p.get("cursor");
    if (c == null || c.isNull()) {
      return null;
    }
    if (!c.isTextual()) {
      throw invalidParams("cursor must be a string");
    }
    return c.asText();
  }

  private static String requireText(ObjectNode p, String field) {
    JsonNode n = p.get(field);
    if (n == null || !n.isTextual()) {
      throw invalidParams("'" + field + "' must be a string");
    }
    return n.asText();
  }

  private static Map<String, String> stringMap(JsonNode n, String what) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      throw invalidParams(what + " must be an object");
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      JsonNode val = e.getValue();
      out.put(e.getKey(), val.isTextual() ? val.asText() : val.toString());
    }
    return out;
  }

  private static JsonRpcException invalidParams(String message) {
    return new JsonRpcException(JsonRpcError.invalidParams(message));
  }

  /**
   * How {@link RequestContext#elicit} and friends fail on 2026-07-28 when the client has not
   * answered yet: the request ends as an input_required result.
   */
  public static final class InputRequiredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputRequiredException(String key) {
      super("input required: " + key, null, false, false);
    }
  }

  /** The request context handed to handlers. */
  private final class Ctx implements RequestContext {
    private final JsonRpcMessage.Request request;
    private final JsonNode meta;
    private final SessionPort session;
    private final Outbound out;
    private final CancellationToken cancel;
    private final JsonNode progressToken;

    Ctx(
        JsonRpcMessage.Request request,
        ObjectNode params,
        SessionPort session,
        Outbound out,
        CancellationToken cancel) {
      this.request = request;
      JsonNode m = params.get("_meta");
      this.meta = m != null && m.isObject() ? m : Json.object();
      JsonNode pt = meta.get("progressToken");
      this.progressToken = pt != null && (pt.isTextual() || pt.isIntegralNumber()) ? pt : null;
      this.session = session;
      this.out = out;
      this.cancel = cancel;
    }

    private SessionState state() {
      return session.state();
    }

    @Override
    public String sessionId() {
      return state().sessionId();
    }

    @Override
    public ProtocolVersion protocolVersion() {
      return state().protocolVersion();
    }

    @Override
    public RequestId requestId() {
      return request.id();
    }

    @Override
    public JsonNode meta() {
      return meta;
    }

    @Override
    public JsonNode clientInfo() {
      return state().clientInfo();
    }

    @Override
    public JsonNode clientCapabilities() {
      return state().clientCapabilities();
    }

    @Override
    public boolean clientSupports(String capability) {
      return state().clientHas(capability);
    }

    @Override
    public void progress(double progress, Double total, String message) {
      if (progressToken == null || cancel.isCancelled()) {
        return;
      }
      ObjectNode p = Json.object();
      p.set("progressToken", progressToken);
      putNumber(p, "progress", progress);
      if (total != null) {
        putNumber(p, "total", total);
      }
      if (message != null && protocolVersion().hasProgressMessage()) {
        p.put("message", message);
      }
      out.notify(McpMethods.NOTIFICATION_PROGRESS, p);
    }

    /** Whole numbers go out as integers (50, not 50.0), as clients written in JS expect. */
    private void putNumber(ObjectNode p, String field, double v) {
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        p.put(field, (long) v);
      } else {
        p.put(field, v);
      }
    }

    @Override
    public void log(LogLevel level, String logger, JsonNode data) {
      if (protocolVersion().isStateless() && state().logLevel() == null) {
        return; // 2026-07-28: no logLevel in the request's _meta means no log messages
      }
      if (!level.passes(state().logLevel()) || cancel.isCancelled()) {
        return;
      }
      ObjectNode p = Json.object().put("level", level.wireName());
      if (logger != null) {
        p.put("logger", logger);
      }
      p.set("data", data == null ? NullNode.getInstance() : data);
      out.notify(McpMethods.NOTIFICATION_MESSAGE, p);
    }

    @Override
    public CompletionStage<JsonNode> createMessage(ObjectNode params, Duration timeout) {
      return createMessage(null, params, timeout);
    }

    @Override
    public CompletionStage<JsonNode> createMessage(
        String key, ObjectNode params, Duration timeout) {
      if (session instanceof StatelessSession s) {
        return input(s, key, "sampling", McpMethods.SAMPLING_CREATE_MESSAGE, params);
      }
      return ask("sampling", McpMethods.SAMPLING_CREATE_MESSAGE, params, timeout);
    }

    @Override
    public CompletionStage<JsonNode> elicit(ObjectNode params, Duration timeout) {
      return elicit(null, params, timeout);
    }

    @Override
    public CompletionStage<JsonNode> listRoots(Duration timeout) {
      return listRoots(null, timeout);
    }

    @Override
    public CompletionStage<JsonNode> listRoots(String key, Duration timeout) {
      if (session instanceof StatelessSession s) {
        return input(s, key, "roots", McpMethods.ROOTS_LIST, Json.object());
      }
      return ask("roots", McpMethods.ROOTS_LIST, Json.object(), timeout);
    }

    /**
     * 2026-07-28: the client's answer from this request's inputResponses, or an input request
     * recorded for the input_required result (the returned stage then fails, stopping the
     * handler; the dispatcher answers input_required whatever the handler does with that).
     */
    private CompletionStage<JsonNode> input(
        StatelessSession s, String key, String capability, String method, ObjectNode params) {
      if (!clientSupports(capability)) {
        return CompletableFuture.failedFuture(
            io.erlmcp.runtime.stateless.StatelessMeta.missingCapability(capability));
      }
      if (cancel.isCancelled()) {
        return CompletableFuture.failedFuture(new CancellationException(cancel.reason()));
      }
      String k = key != null ? key : s.nextKey(capability);
      JsonNode answer = s.answer(k, method, params);
      if (answer != null) {
        return CompletableFuture.completedFuture(answer);
      }
      return CompletableFuture.failedFuture(new InputRequiredException(k));
    }

    @Override
    public CompletionStage<JsonNode> elicit(String key, ObjectNode params, Duration timeout) {
      if (!protocolVersion().hasElicitation()) {
        return CompletableFuture.failedFuture(
            unsupported("elicitation needs protocol revision 2025-06-18 or later"));
      }
      if ("url".equals(Json.text(params, "mode"))) {
        if (!protocolVersion().hasUrlElicitation()
            || !state().clientCapabilities().path("elicitation").has("url")) {
          return CompletableFuture.failedFuture(
              unsupported("the client did not declare URL-mode elicitation"));
        }
      }
      if (session instanceof StatelessSession s) {
        return input(s, key, "elicitation", McpMethods.ELICITATION_CREATE, params);
      }
      return ask("elicitation", McpMethods.ELICITATION_CREATE, params, timeout);
    }

    @Override
    public CompletionStage<JsonNode> pingClient(Duration timeout) {
      if (cancel.isCancelled()) {
        return CompletableFuture.failedFuture(new CancellationException(cancel.reason()));
      }
      return out.request(
          McpMethods.PING, Json.object(), timeout != null ? timeout : settings.clientRequestTimeout());
    }


    private CompletionStage<JsonNode> ask(
        String capability, String method, ObjectNode params, Duration timeout) {
      if (!clientSupports(capability)) {
        return CompletableFuture.failedFuture(
            unsupported("the client did not declare the " + capability + " capability"));
      }
      if (cancel.isCancelled()) {
        return CompletableFuture.failedFuture(new CancellationException(cancel.reason()));
      }
      Duration t = timeout != null ? timeout : settings.clientRequestTimeout();
      return out.request(method, params, t);
    }

    private JsonRpcException unsupported(String message) {
      return new JsonRpcException(JsonRpcError.internalError(message));
    }

    @Override
    public void cacheHint(Duration ttl, boolean userSpecific) {
      if (session instanceof StatelessSession s) {
        s.cacheHint(Math.max(0, ttl.toMillis()), userSpecific ? "private" : "public");
      }
    }

    @Override
    public CancellationToken cancellation() {
      return cancel;
    }

    @Override
    public Optional<JsonNode> sessionData(String key) {
      return Optional.ofNullable(state().data().get(key));
    }

    @Override
    public CompletionStage<Void> putSessionData(String key, JsonNode value) {
      return session.execute(new SessionCommand.PutData(key, value)).thenApply(s -> null);
    }

    @Override
    public CompletionStage<Void> removeSessionData(String key) {
      return session.execute(new SessionCommand.RemoveData(key)).thenApply(s -> null);
    }
  }
}
