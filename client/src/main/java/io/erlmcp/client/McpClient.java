package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.client.transport.HeaderValues;
import io.erlmcp.client.transport.LegacySseTransport;
import io.erlmcp.client.transport.McpTransport;
import io.erlmcp.client.transport.StdioTransport;
import io.erlmcp.client.transport.StreamableHttpTransport;
import io.erlmcp.client.transport.TcpTransport;
import io.erlmcp.client.transport.WebSocketTransport;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Response;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.McpMethods;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.stateless.StatelessMeta;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MCP client: one connection to one server, every server method as a {@link
 * CompletableFuture}.
 *
 * <pre>{@code
 * try (McpClient client = McpClient.http("http://127.0.0.1:8080/mcp").build()) {
 *   client.connect().join();
 *   JsonNode tools = client.listTools().join();
 *   JsonNode sum = client.callTool("add", Json.parseObject("{\"a\":1,\"b\":2}")).join();
 * }
 * }</pre>
 *
 * <p><b>Revisions.</b> {@link Builder#protocolVersion} picks the revision to ask for (default
 * 2025-11-25). A session revision is negotiated by {@code initialize}: the client accepts whatever
 * revision erlmcp speaks that the server answers with. 2026-07-28 has no session: {@link #connect()}
 * calls {@code server/discover}, and every request carries the client's version, capabilities,
 * info and log level in its {@code _meta}. When the server does not speak 2026-07-28 ({@code
 * -32022}, {@code -32601}, or an HTTP 4xx), the client falls back to {@code initialize} with the
 * newest session revision the server listed. An {@code input_required} result is answered
 * through the same {@link RequestHandler}s that serve server-to-client requests on session
 * revisions, and the request is retried (new id, {@code inputResponses}, the {@code requestState}
 * echoed) until it completes.
 *
 * <p><b>Cancelling.</b> {@code future.cancel(true)} on a returned future sends {@code
 * notifications/cancelled} for that request. A request that exceeds its timeout fails with {@link
 * McpTimeoutException} and is cancelled the same way.
 *
 * <p><b>Threads.</b> Futures complete on a client-owned pool; {@link RequestHandler}s run on a
 * bounded one ({@link Builder#handlerPool}: past it a server request is answered {@code -32603
 * client busy});
 * listeners (notifications, log messages, progress) run one at a time, in arrival order, on a
 * single client thread and should return quickly.
 */
public final class McpClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpClient.class);
  private static final int MAX_INPUT_ROUNDS = 16;
  private static final int EVENT_QUEUE = 10_000;
  /** The message of the -32603 error that answers a server request when the handler pool is full. */
  static final String CLIENT_BUSY = "client busy";
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final McpTransport transport;
  private final ProtocolVersion requested;
  private final boolean fallbackToSession;
  private final Duration defaultTimeout;
  private final ObjectNode clientInfo;
  private final ObjectNode capabilities;
  private final Map<String, RequestHandler> handlers;
  private final boolean applyElicitationDefaults;
  private final List<BiConsumer<String, JsonNode>> notificationListeners;
  private final List<Consumer<LogMessage>> logListeners;

  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<RequestId, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Map<String, Consumer<RequestOptions.Progress>> progress = new ConcurrentHashMap<>();
  private final Map<RequestId, CompletableFuture<JsonNode>> serving = new ConcurrentHashMap<>();
  /** 2026-07-28: tool name -> (argument -> Mcp-Param header name), from tools/list. */
  private final Map<String, Map<String, String>> toolHeaders = new ConcurrentHashMap<>();
  private final ExecutorService callbacks;
  /** Runs the sampling/roots/elicitation handlers: bounded threads and queue (see Builder#handlerPool). */
  private final java.util.concurrent.ThreadPoolExecutor handlerPool;
  private final ExecutorService events;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Throwable lostCause;
  private volatile ProtocolVersion version;
  private volatile ServerInfo serverInfo;
  private volatile LogLevel statelessLogLevel;

  private McpClient(Builder b) {
    this.transport = b.transport;
    this.requested = b.protocolVersion;
    this.fallbackToSession = b.fallbackToSession;
    this.defaultTimeout = b.requestTimeout;
    this.clientInfo = Json.object().put("name", b.clientName).put("version", b.clientVersion);
    this.handlers = Map.copyOf(b.handlers);
    this.applyElicitationDefaults = b.applyElicitationDefaults;
    this.notificationListeners = new CopyOnWriteArrayList<>(b.notificationListeners);
    this.logListeners = new CopyOnWriteArrayList<>(b.logListeners);
    ObjectNode caps = Json.object();
    if (handlers.containsKey(McpMethods.ROOTS_LIST)) {
      caps.putObject("roots").put("listChanged", true);
    }
    if (handlers.containsKey(McpMethods.SAMPLING_CREATE_MESSAGE)) {
      caps.putObject("sampling");
    }
    if (handlers.containsKey(McpMethods.ELICITATION_CREATE)) {
      caps.putObject("elicitation");
    }
    if (b.extraCapabilities != null) {
      caps.setAll(b.extraCapabilities);
    }
    this.capabilities = caps;
    this.callbacks = Executors.newCachedThreadPool(daemon("erlmcp-client-callback"));
    // Bounded both ways: a server that sends requests faster than the handlers answer them gets
    // "client busy" errors (AbortPolicy, see serveServerRequest) instead of the queue growing.
    this.handlerPool =
        new java.util.concurrent.ThreadPoolExecutor(
            b.handlerThreads, b.handlerThreads, 30, TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(b.handlerQueue),
            daemon("erlmcp-client-handler"));
    handlerPool.allowCoreThreadTimeOut(true);
    // Bounded: past EVENT_QUEUE messages the transport's reader waits (backpressure to the server
    // through the socket), instead of the queue growing without limit; order is kept.
    this.events =
        new java.util.concurrent.ThreadPoolExecutor(
            1, 1, 0, TimeUnit.MILLISECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(EVENT_QUEUE),
            daemon("erlmcp-client-events"),
            (task, pool) -> {
              if (pool.isShutdown()) {
                return;
              }
              try {
                pool.getQueue().put(task);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("erlmcp-client-timer"));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ------------------------------------------------------------------ construction

  public static Builder builder(McpTransport transport) {
    return new Builder(transport);
  }

  /** A client that spawns {@code command} and speaks MCP on its stdin/stdout. */
  public static Builder stdio(String... command) {
    return builder(new StdioTransport(List.of(command)));
  }

  /** Streamable HTTP, e.g. {@code http://127.0.0.1:8080/mcp}. */
  public static Builder http(String url) {
    return builder(new StreamableHttpTransport(URI.create(url)));
  }

  /** Streamable HTTP over {@code https://} with {@code tls} (trust store, client certificate). */
  public static Builder http(String url, ClientTls tls) {
    return builder(new StreamableHttpTransport(URI.create(url), Map.of(), true, tls));
  }

  /** The 2024-11-05 HTTP+SSE transport: {@code url} is the SSE endpoint (GET). */
  public static Builder legacySse(String url) {
    return builder(new LegacySseTransport(URI.create(url))).protocolVersion(ProtocolVersion.V2024_11_05);
  }

  /** WebSocket, e.g. {@code ws://127.0.0.1:8080/ws} (subprotocol {@code mcp}). */
  public static Builder websocket(String url) {
    return builder(new WebSocketTransport(URI.create(url)));
  }

  /** WebSocket over {@code wss://} with {@code tls} (trust store, client certificate). */
  public static Builder websocket(String url, ClientTls tls) {
    return builder(new WebSocketTransport(URI.create(url), Map.of(), tls));
  }

  /** TCP with newline-delimited JSON. */
  public static Builder tcp(String host, int port) {
    return builder(new TcpTransport(host, port));
  }

  /** TCP+TLS with {@code tls} ({@link ClientTls#DEFAULT} for the JDK's trust store). */
  public static Builder tcp(String host, int port, ClientTls tls) {
    return builder(new TcpTransport(host, port, Objects.requireNonNull(tls, "tls")));
  }

  /** Settings of a client; {@link #build()} makes it (not yet connected). */
  public static final class Builder {
    private final McpTransport transport;
    private ProtocolVersion protocolVersion = ProtocolVersion.LATEST_SESSION;
    private boolean fallbackToSession = true;
    private Duration requestTimeout = Duration.ofSeconds(60);
    private String clientName = "erlmcp-client";
    private String clientVersion = "0.1.0";
    private final Map<String, RequestHandler> handlers = new HashMap<>();
    private boolean applyElicitationDefaults = true;
    private ObjectNode extraCapabilities;
    private final List<BiConsumer<String, JsonNode>> notificationListeners = new ArrayList<>();
    private final List<Consumer<LogMessage>> logListeners = new ArrayList<>();
    private int handlerThreads = 8;
    private int handlerQueue = 64;

    private Builder(McpTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** The revision to ask for; {@code V2026_07_28} selects the stateless revision. */
    public Builder protocolVersion(ProtocolVersion v) {
      this.protocolVersion = Objects.requireNonNull(v);
      return this;
    }

    /** Whether a 2026-07-28 client falls back to a session revision (default true). */
    public Builder fallbackToSession(boolean fallback) {
      this.fallbackToSession = fallback;
      return this;
    }

    /** The timeout of every request without its own (default 60 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    public Builder clientInfo(String name, String version) {
      this.clientName = name;
      this.clientVersion = version;
      return this;
    }

    /** Serves {@code sampling/createMessage} (and declares the sampling capability). */
    public Builder sampling(RequestHandler handler) {
      handlers.put(McpMethods.SAMPLING_CREATE_MESSAGE, handler);
      return this;
    }

    /** Serves {@code elicitation/create} (and declares the elicitation capability). */
    public Builder elicitation(RequestHandler handler) {
      handlers.put(McpMethods.ELICITATION_CREATE, handler);
      return this;
    }

    /** Serves {@code roots/list} (and declares the roots capability with listChanged). */
    public Builder roots(RequestHandler handler) {
      handlers.put(McpMethods.ROOTS_LIST, handler);
      return this;
    }

    /**
     * Whether an accepted elicitation gets the schema's {@code default} for every field the
     * handler left out (SEP-1034; default true).
     */
    public Builder applyElicitationDefaults(boolean apply) {
      this.applyElicitationDefaults = apply;
      return this;
    }

    /** Further client capabilities, merged over the ones the handlers declare. */
    public Builder capabilities(ObjectNode extra) {
      this.extraCapabilities = extra;
      return this;
    }

    /** Every notification from the server: (method, params). */
    public Builder onNotification(BiConsumer<String, JsonNode> listener) {
      notificationListeners.add(listener);
      return this;
    }

    /** {@code notifications/message} from the server. */
    public Builder onLog(Consumer<LogMessage> listener) {
      logListeners.add(listener);
      return this;
    }

    /**
     * The pool that runs the sampling, roots and elicitation handlers: at most {@code threads}
     * handlers at once and {@code queue} requests waiting (default 8 and 64). A server request that
     * finds both full is answered at once with {@code -32603 "client busy"}.
     */
    public Builder handlerPool(int threads, int queue) {
      if (threads < 1 || queue < 1) {
        throw new IllegalArgumentException("handler threads and queue must be at least 1");
      }
      this.handlerThreads = threads;
      this.handlerQueue = queue;
      return this;
    }

    public McpClient build() {
      return new McpClient(this);
    }
  }

  // ------------------------------------------------------------------ connection

  /**
   * Connects: starts the transport, then {@code initialize} + {@code notifications/initialized}
   * (session revisions) or {@code server/discover} (2026-07-28).
   */
  public CompletableFuture<ServerInfo> connect() {
    if (!started.compareAndSet(false, true)) {
      return CompletableFuture.failedFuture(new IllegalStateException("connect() was already called"));
    }
    return transport
        .start(new Inbound())
        .toCompletableFuture()
        .thenCompose(v -> requested.isStateless() ? discoverOrFallBack() : initialize(requested))
        .whenComplete((info, e) -> serverInfo = info);
  }

  /** The revision in use, or null before {@link #connect()} completed. */
  public ProtocolVersion protocolVersion() {
    return version;
  }

  /** What the server said about itself, or null before {@link #connect()} completed. */
  public ServerInfo serverInfo() {
    return serverInfo;
  }

  /** The transport's session id (HTTP), or null. */
  public String sessionId() {
    return transport.sessionId();
  }

  private CompletableFuture<ServerInfo> initialize(ProtocolVersion v) {
    ObjectNode params = Json.object().put("protocolVersion", v.id());
    params.set("capabilities", capabilities.deepCopy());
    params.set("clientInfo", clientInfo.deepCopy());
    transport.protocolVersionNegotiated(null);
    return send(McpMethods.INITIALIZE, params, RequestOptions.DEFAULT, Map.of(), false)
        .thenCompose(
            result -> {
              String chosen = result.path("protocolVersion").asText(null);
              ProtocolVersion pv = ProtocolVersion.parse(chosen).filter(p -> !p.isStateless()).orElse(null);
              if (pv == null) {
                transport.close();
                return CompletableFuture.failedFuture(
                    new McpErrorException(
                        JsonRpcError.of(
                            JsonRpcError.INVALID_REQUEST,
                            "the server chose protocol revision " + chosen + ", which this client does not speak")));
              }
              version = pv;
              transport.protocolVersionNegotiated(pv);
              ServerInfo info =
                  new ServerInfo(
                      pv,
                      result.path("serverInfo").isObject() ? result.get("serverInfo") : Json.object(),
                      result.path("capabilities").isObject() ? result.get("capabilities") : Json.object(),
                      result.path("instructions").asText(null),
                      List.of(),
                      transport.sessionId());
              return transport
                  .send(new Notification(McpMethods.NOTIFICATION_INITIALIZED, null), Map.of())
                  .toCompletableFuture()
                  .thenApply(x -> info);
            });
  }

  private CompletableFuture<ServerInfo> discoverOrFallBack() {
    version = ProtocolVersion.V2026_07_28;
    transport.protocolVersionNegotiated(ProtocolVersion.V2026_07_28);
    return discover()
        .handle(
            (info, e) -> {
              if (e == null) {
                return CompletableFuture.completedFuture(info);
              }
              Throwable c = unwrap(e);
              ProtocolVersion fallback = fallbackToSession ? fallbackFor(c) : null;
              if (fallback == null) {
                return CompletableFuture.<ServerInfo>failedFuture(c);
              }
              LOG.info("the server does not speak 2026-07-28 ({}); initializing with {}", c.getMessage(), fallback);
              version = null;
              return initialize(fallback);
            })
        .thenCompose(x -> x);
  }

  /** The session revision to fall back to after {@code server/discover} failed with {@code c}. */
  private static ProtocolVersion fallbackFor(Throwable c) {
    if (c instanceof McpErrorException m) {
      if (m.code() == StatelessMeta.UNSUPPORTED_PROTOCOL_VERSION) {
        ProtocolVersion best = null;
        for (JsonNode s : m.data() == null ? Json.array() : m.data().path("supported")) {
          ProtocolVersion p = ProtocolVersion.parse(s.asText()).orElse(null);
          if (p != null && !p.isStateless() && (best == null || p.atLeast(best))) {
            best = p;
          }
        }
        return best;
      }
      return m.code() == JsonRpcError.METHOD_NOT_FOUND || m.code() == JsonRpcError.INVALID_REQUEST
          ? ProtocolVersion.LATEST_SESSION
          : null;
    }
    if (c instanceof McpTransportException t && t.httpStatus() >= 400 && t.httpStatus() < 500) {
      return ProtocolVersion.LATEST_SESSION;
    }
    return null;
  }

  /** {@code server/discover} (2026-07-28): versions, capabilities, instructions, server info. */
  public CompletableFuture<ServerInfo> discover() {
    return request(McpMethods.SERVER_DISCOVER, Json.object(), RequestOptions.DEFAULT)
        .thenApply(
            r -> {
              List<String> versions = new ArrayList<>();
              r.path("supportedVersions").forEach(v -> versions.add(v.asText()));
              JsonNode info = r.path("_meta").path(StatelessMeta.SERVER_INFO);
              if (!info.isObject()) {
                info = r.path("serverInfo").isObject() ? r.get("serverInfo") : Json.object();
              }
              return new ServerInfo(
                  ProtocolVersion.V2026_07_28,
                  info,
                  r.path("capabilities").isObject() ? r.get("capabilities") : Json.object(),
                  r.path("instructions").asText(null),
                  List.copyOf(versions),
                  null);
            });
  }

  // ------------------------------------------------------------------ the server methods

  public CompletableFuture<JsonNode> ping() {
    return request(McpMethods.PING, null, RequestOptions.DEFAULT);
  }

  public CompletableFuture<JsonNode> listTools() {
    return listTools(null);
  }

  /**
   * One page of {@code tools/list}. On 2026-07-28 the client learns each tool's {@code
   * x-mcp-header} parameters (mirrored into {@code Mcp-Param-*} headers on calls) and drops tools
   * whose annotations are invalid, as SEP-2243 requires.
   */
  public CompletableFuture<JsonNode> listTools(String cursor) {
    return request(McpMethods.TOOLS_LIST, cursorParams(cursor), RequestOptions.DEFAULT)
        .thenApply(this::learnTools);
  }

  public CompletableFuture<JsonNode> callTool(String name, JsonNode arguments) {
    return callTool(name, arguments, RequestOptions.DEFAULT);
  }

  public CompletableFuture<JsonNode> callTool(String name, JsonNode arguments, RequestOptions options) {
    ObjectNode params = Json.object().put("name", name);
    params.set("arguments", arguments == null ? Json.object() : arguments);
    return request(McpMethods.TOOLS_CALL, params, options);
  }

  public CompletableFuture<JsonNode> listResources() {
    return listResources(null);
  }

  public CompletableFuture<JsonNode> listResources(String cursor) {
    return request(McpMethods.RESOURCES_LIST, cursorParams(cursor), RequestOptions.DEFAULT);
  }

  public CompletableFuture<JsonNode> listResourceTemplates() {
    return listResourceTemplates(null);
  }

  public CompletableFuture<JsonNode> listResourceTemplates(String cursor) {
    return request(McpMethods.RESOURCES_TEMPLATES_LIST, cursorParams(cursor), RequestOptions.DEFAULT);
  }

  public CompletableFuture<JsonNode> readResource(String uri) {
    return request(McpMethods.RESOURCES_READ, Json.object().put("uri", uri), RequestOptions.DEFAULT);
  }

  /** {@code resources/subscribe}; updates arrive as {@code notifications/resources/updated}. */
  public CompletableFuture<JsonNode> subscribe(String uri) {
    return sessionOnly(McpMethods.RESOURCES_SUBSCRIBE, Json.object().put("uri", uri));
  }

  public CompletableFuture<JsonNode> unsubscribe(String uri) {
    return sessionOnly(McpMethods.RESOURCES_UNSUBSCRIBE, Json.object().put("uri", uri));
  }

  public CompletableFuture<JsonNode> listPrompts() {
    return listPrompts(null);
  }

  public CompletableFuture<JsonNode> listPrompts(String cursor) {
    return request(McpMethods.PROMPTS_LIST, cursorParams(cursor), RequestOptions.DEFAULT);
  }

  public CompletableFuture<JsonNode> getPrompt(String name, Map<String, String> arguments) {
    ObjectNode params = Json.object().put("name", name);
    ObjectNode args = params.putObject("arguments");
    arguments.forEach(args::put);
    return request(McpMethods.PROMPTS_GET, params, RequestOptions.DEFAULT);
  }

  /**
   * {@code completion/complete}.
   *
   * @param ref {@code {"type":"ref/prompt","name":..}} or {@code {"type":"ref/resource","uri":..}}
   * @param context the other arguments already chosen (2025-06-18 and later), may be empty
   */
  public CompletableFuture<JsonNode> complete(
      JsonNode ref, String argument, String value, Map<String, String> context) {
    ObjectNode params = Json.object();
    params.set("ref", ref);
    params.putObject("argument").put("name", argument).put("value", value);
    if (!context.isEmpty()) {
      ObjectNode args = params.putObject("context").putObject("arguments");
      context.forEach(args::put);
    }
    return request(McpMethods.COMPLETION_COMPLETE, params, RequestOptions.DEFAULT);
  }

  /**
   * {@code logging/setLevel}. On 2026-07-28, which has no such method, the level is kept and sent
   * in every later request's {@code _meta} instead.
   */
  public CompletableFuture<JsonNode> setLogLevel(LogLevel level) {
    if (isStateless()) {
      statelessLogLevel = level;
      return CompletableFuture.completedFuture(Json.object());
    }
    return request(McpMethods.LOGGING_SET_LEVEL, Json.object().put("level", level.wireName()), RequestOptions.DEFAULT);
  }

  // ------------------------------------------------------------------ tasks

  /**
   * {@code tools/call} as a task (2025-11-25, {@code params.task}): the server answers at once
   * with {@code {"task": {taskId, status, ...}}} and runs the tool in the background; follow it
   * with {@link #getTask}, {@link #taskResult}, {@link #cancelTask} and the {@code
   * notifications/tasks/status} an {@link Builder#onNotification} listener receives.
   *
   * @param ttl how long the server keeps the task, or null for the server's default
   */
  public CompletableFuture<JsonNode> callToolAsTask(String name, JsonNode arguments, Duration ttl) {
    ObjectNode params = Json.object().put("name", name);
    params.set("arguments", arguments == null ? Json.object() : arguments);
    ObjectNode task = params.putObject("task");
    if (ttl != null) {
      task.put("ttl", ttl.toMillis());
    }
    return request(McpMethods.TOOLS_CALL, params, RequestOptions.DEFAULT);
  }

  /** {@code tasks/get}: the task's status (2026-07-28: with its result, error or input requests). */
  public CompletableFuture<JsonNode> getTask(String taskId) {
    return request(McpMethods.TASKS_GET, taskParams(taskId), RequestOptions.DEFAULT);
  }

  /**
   * {@code tasks/result} (2025-11-25): waits until the task ends, then answers the tool's result
   * (a failed task's JSON-RPC error fails the future with {@link McpErrorException}). Questions
   * the task asks meanwhile arrive as server requests and are answered by the handlers. The wait
   * is bounded by {@code options}' timeout, else the client's.
   */
  public CompletableFuture<JsonNode> taskResult(String taskId, RequestOptions options) {
    return request(McpMethods.TASKS_RESULT, taskParams(taskId), options);
  }

  public CompletableFuture<JsonNode> taskResult(String taskId) {
    return taskResult(taskId, RequestOptions.DEFAULT);
  }

  /** {@code tasks/list} (2025-11-25): one page of this session's tasks, oldest first. */
  public CompletableFuture<JsonNode> listTasks(String cursor) {
    return request(McpMethods.TASKS_LIST, cursorParams(cursor), RequestOptions.DEFAULT);
  }

  public CompletableFuture<JsonNode> listTasks() {
    return listTasks(null);
  }

  /** {@code tasks/cancel}: stops the task (a task already ended is an error on 2025-11-25). */
  public CompletableFuture<JsonNode> cancelTask(String taskId) {
    return request(McpMethods.TASKS_CANCEL, taskParams(taskId), RequestOptions.DEFAULT);
  }

  /**
   * {@code tasks/update} (2026-07-28 tasks extension): the answers to an {@code input_required}
   * task's {@code inputRequests}, keyed as they were asked.
   */
  public CompletableFuture<JsonNode> updateTask(String taskId, JsonNode inputResponses) {
    ObjectNode params = taskParams(taskId);
    params.set("inputResponses", inputResponses);
    return request(McpMethods.TASKS_UPDATE, params, RequestOptions.DEFAULT);
  }

  private static ObjectNode taskParams(String taskId) {
    return Json.object().put("taskId", Objects.requireNonNull(taskId, "taskId"));
  }

  /** Tells the server the roots changed ({@code notifications/roots/list_changed}). */
  public CompletableFuture<Void> notifyRootsListChanged() {
    return notify(McpMethods.NOTIFICATION_ROOTS_LIST_CHANGED, null);
  }

  /** Sends a notification. */
  public CompletableFuture<Void> notify(String method, JsonNode params) {
    if (lostCause != null || closed.get()) {
      return CompletableFuture.failedFuture(lost());
    }
    return transport.send(new Notification(method, params), Map.of()).toCompletableFuture();
  }

  private CompletableFuture<JsonNode> sessionOnly(String method, ObjectNode params) {
    if (isStateless()) {
      return CompletableFuture.failedFuture(
          new McpErrorException(
              JsonRpcError.methodNotFound(method + " (not in protocol revision 2026-07-28; use subscriptions/listen)")));
    }
    return request(method, params, RequestOptions.DEFAULT);
  }

  private static ObjectNode cursorParams(String cursor) {
    ObjectNode p = Json.object();
    if (cursor != null) {
      p.put("cursor", cursor);
    }
    return p;
  }

  private boolean isStateless() {
    ProtocolVersion v = version;
    return v != null && v.isStateless();
  }

  // ------------------------------------------------------------------ requests

  /**
   * Any request, by method name. On 2026-07-28 the request carries the per-request {@code _meta}
   * and {@code input_required} results are answered and retried until the request completes.
   */
  public CompletableFuture<JsonNode> request(String method, JsonNode params, RequestOptions options) {
    ObjectNode p = params == null ? Json.object() : params.deepCopy() instanceof ObjectNode o ? o : null;
    if (p == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("params must be a JSON object"));
    }
    if (!isStateless()) {
      return send(method, p, options, Map.of(), false);
    }
    CompletableFuture<JsonNode> outer = new CompletableFuture<>();
    AtomicReference<CompletableFuture<JsonNode>> current = new AtomicReference<>();
    outer.whenComplete(
        (r, e) -> {
          CompletableFuture<JsonNode> c = current.get();
          if (e instanceof CancellationException && c != null) {
            c.cancel(true);
          }
        });
    statelessRound(method, p, options, 0, false, current, outer);
    return outer;
  }

  private void statelessRound(
      String method,
      ObjectNode params,
      RequestOptions options,
      int round,
      boolean versionRetried,
      AtomicReference<CompletableFuture<JsonNode>> current,
      CompletableFuture<JsonNode> outer) {
    if (outer.isDone()) {
      return;
    }
    CompletableFuture<JsonNode> call = send(method, params, options, headersFor(method, params), true);
    current.set(call);
    call.whenComplete(
        (result, err) -> {
          if (err != null) {
            Throwable c = unwrap(err);
            if (!versionRetried && offersStateless(c)) {
              // -32022 listing 2026-07-28 after all (a server that rejects a first attempt, or a
              // transient disagreement between nodes): retry once, as SEP-2575 asks.
              statelessRound(method, params, options, round, true, current, outer);
              return;
            }
            outer.completeExceptionally(c);
            return;
          }
          if (!"input_required".equals(result.path("resultType").asText())) {
            outer.complete(result);
            return;
          }
          if (round + 1 >= MAX_INPUT_ROUNDS) {
            outer.completeExceptionally(
                new McpErrorException(
                    JsonRpcError.internalError(method + ": the server still asked for input after " + MAX_INPUT_ROUNDS + " rounds")));
            return;
          }
          answerInputRequests(result.path("inputRequests"))
              .whenComplete(
                  (answers, e2) -> {
                    if (e2 != null) {
                      outer.completeExceptionally(unwrap(e2));
                      return;
                    }
                    ObjectNode retry = params.deepCopy();
                    retry.remove("requestState");
                    retry.set("inputResponses", answers);
                    JsonNode state = result.get("requestState");
                    if (state != null && !state.isNull()) {
                      retry.set("requestState", state);
                    }
                    statelessRound(method, retry, options, round + 1, versionRetried, current, outer);
                  });
        });
  }

  /** Whether {@code c} is a -32022 whose supported list holds the stateless revision. */
  private static boolean offersStateless(Throwable c) {
    if (c instanceof McpErrorException m
        && m.code() == StatelessMeta.UNSUPPORTED_PROTOCOL_VERSION
        && m.data() != null) {
      for (JsonNode v : m.data().path("supported")) {
        if (ProtocolVersion.V2026_07_28.id().equals(v.asText())) {
          return true;
        }
      }
    }
    return false;
  }

  private CompletableFuture<ObjectNode> answerInputRequests(JsonNode inputRequests) {
    Map<String, CompletableFuture<JsonNode>> answers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : inputRequests.properties()) {
      String m = e.getValue().path("method").asText("");
      JsonNode p = e.getValue().get("params");
      answers.put(e.getKey(), serveServerRequest(m, p));
    }
    return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              ObjectNode out = Json.object();
              answers.forEach((k, f) -> out.set(k, f.join()));
              return out;
            });
  }

  /** Mcp-Name and Mcp-Param-* headers of a 2026-07-28 request (SEP-2243). */
  private Map<String, String> headersFor(String method, ObjectNode params) {
    Map<String, String> h = new LinkedHashMap<>();
    String name =
        switch (method) {
          case McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET -> params.path("name").asText(null);
          case McpMethods.RESOURCES_READ -> params.path("uri").asText(null);
          case McpMethods.TASKS_GET, McpMethods.TASKS_UPDATE, McpMethods.TASKS_CANCEL ->
              params.path("taskId").asText(null);
          default -> null;
        };
    if (name != null) {
      h.put("Mcp-Name", HeaderValues.encode(name));
    }
    if (McpMethods.TOOLS_CALL.equals(method)) {
      Map<String, String> mirrored = toolHeaders.getOrDefault(name, Map.of());
      JsonNode args = params.path("arguments");
      mirrored.forEach(
          (arg, header) -> {
            JsonNode v = args.get(arg);
            if (v != null && (v.isTextual() || v.isNumber() || v.isBoolean())) {
              h.put("Mcp-Param-" + header, HeaderValues.encode(v.asText()));
            }
          });
    }
    return h;
  }

  private JsonNode learnTools(JsonNode result) {
    if (!isStateless() || !result.path("tools").isArray()) {
      return result;
    }
    ObjectNode copy = result.deepCopy();
    ArrayNode kept = Json.array();
    for (JsonNode tool : result.get("tools")) {
      String name = tool.path("name").asText();
      Map<String, String> mirrored = new LinkedHashMap<>();
      String invalid = customHeaders(tool.path("inputSchema"), mirrored);
      if (invalid != null) {
        LOG.warn("ignoring tool {}: {}", name, invalid);
        continue;
      }
      toolHeaders.put(name, Map.copyOf(mirrored));
      kept.add(tool);
    }
    copy.set("tools", kept);
    return copy;
  }

  /** Fills {@code out} with the schema's x-mcp-header parameters; returns why it is invalid, or null. */
  static String customHeaders(JsonNode schema, Map<String, String> out) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
      JsonNode h = p.getValue().get("x-mcp-header");
      if (h == null) {
        continue;
      }
      if (!h.isTextual() || h.asText().isEmpty()) {
        return "x-mcp-header of " + p.getKey() + " is empty or not a string";
      }
      String header = h.asText();
      if (!HEADER_NAME.matcher(header).matches()) {
        return "x-mcp-header '" + header + "' is not a valid header name";
      }
      String type = p.getValue().path("type").asText("");
      // SEP-2243: strings, integers and booleans only (a float has no exact header form)
      if (!List.of("string", "integer", "boolean").contains(type)) {
        return "x-mcp-header '" + header + "' is on a parameter of type '" + type + "', not string, integer or boolean";
      }
      if (!seen.add(header.toLowerCase(Locale.ROOT))) {
        return "x-mcp-header '" + header + "' is used twice";
      }
      out.put(p.getKey(), header);
    }
    return null;
  }

  /** Sends one request and awaits its answer (no input_required handling). */
  private CompletableFuture<JsonNode> send(
      String method, ObjectNode params, RequestOptions options, Map<String, String> headers, boolean stateless) {
    if (lostCause != null || closed.get()) {
      return CompletableFuture.failedFuture(lost());
    }
    RequestId id = RequestId.of(nextId.getAndIncrement());
    ObjectNode meta = params.has("_meta") && params.get("_meta").isObject() ? (ObjectNode) params.get("_meta") : null;
    String token = null;
    if (options.onProgress() != null) {
      token = "progress-" + id;
      meta = meta == null ? params.putObject("_meta") : meta;
      meta.put("progressToken", token);
      progress.put(token, options.onProgress());
    }
    if (options.meta() != null) {
      meta = meta == null ? params.putObject("_meta") : meta;
      meta.setAll(options.meta());
    }
    if (stateless) {
      meta = meta == null ? params.putObject("_meta") : meta;
      meta.put(StatelessMeta.PROTOCOL_VERSION, ProtocolVersion.V2026_07_28.id());
      meta.set(StatelessMeta.CLIENT_CAPABILITIES, capabilities.deepCopy());
      meta.set(StatelessMeta.CLIENT_INFO, clientInfo.deepCopy());
      LogLevel level = statelessLogLevel;
      if (level != null) {
        meta.put(StatelessMeta.LOG_LEVEL, level.wireName());
      }
    }
    CompletableFuture<JsonNode> internal = new CompletableFuture<>();
    pending.put(id, internal);
    Duration timeout = options.timeout() != null ? options.timeout() : defaultTimeout;
    ScheduledFuture<?> timeoutTask =
        timer.schedule(
            () -> {
              if (internal.completeExceptionally(new McpTimeoutException(method, timeout))) {
                sendCancelled(id, "timed out after " + timeout.toMillis() + " ms");
              }
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    String progressToken = token;
    internal.whenComplete(
        (r, e) -> {
          pending.remove(id);
          timeoutTask.cancel(false);
          if (progressToken != null) {
            progress.remove(progressToken);
          }
        });
    // What the caller gets: completes on the callback pool; cancelling it cancels the request.
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    internal.whenCompleteAsync(
        (r, e) -> {
          if (e != null) {
            result.completeExceptionally(unwrap(e));
          } else {
            result.complete(r);
          }
        },
        callbacks);
    result.whenComplete(
        (r, e) -> {
          if (e instanceof CancellationException && internal.cancel(false) && !closed.get()
              && !McpMethods.INITIALIZE.equals(method)) {
            sendCancelled(id, "cancelled by the client");
          }
        });
    transport
        .send(new Request(id, method, params), headers)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                internal.completeExceptionally(unwrap(e));
              }
            });
    return result;
  }

  private void sendCancelled(RequestId id, String reason) {
    ObjectNode p = Json.object();
    p.set("requestId", id.toJson());
    p.put("reason", reason);
    transport.send(new Notification(McpMethods.NOTIFICATION_CANCELLED, p), Map.of());
  }

  private McpTransportException lost() {
    Throwable c = lostCause;
    return c != null
        ? new McpTransportException("connection lost: " + c.getMessage(), c)
        : new McpTransportException("the client is closed");
  }

  private static Throwable unwrap(Throwable e) {
    Throwable c = e;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  // ------------------------------------------------------------------ what the server sends

  private final class Inbound implements McpTransport.Listener {
    @Override
    public void onMessage(JsonRpcMessage message) {
      if (closed.get()) {
        return;
      }
      try {
        events.execute(() -> dispatch(message));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }

    @Override
    public void onClosed(Throwable cause) {
      lostCause = cause;
      McpTransportException lost = lost();
      for (CompletableFuture<JsonNode> f : List.copyOf(pending.values())) {
        f.completeExceptionally(lost);
      }
    }

    @Override
    public void onRequestFailed(RequestId id, Throwable cause) {
      CompletableFuture<JsonNode> f = pending.get(id);
      if (f != null) {
        f.completeExceptionally(cause);
      }
    }
  }

  private void dispatch(JsonRpcMessage message) {
    if (message instanceof Response r) {
      CompletableFuture<JsonNode> f = pending.get(r.id());
      if (f != null) {
        f.complete(r.result());
      } else {
        LOG.debug("a response to {}, which is no longer pending", r.id());
      }
    } else if (message instanceof ErrorResponse e) {
      CompletableFuture<JsonNode> f = e.id() == null ? null : pending.get(e.id());
      if (f != null) {
        f.completeExceptionally(new McpErrorException(e.error()));
      } else {
        LOG.warn("an error from the server for no pending request: {}", e.error().message());
      }
    } else if (message instanceof Request r) {
      onServerRequest(r);
    } else if (message instanceof Notification n) {
      onNotification(n);
    }
  }

  private void onServerRequest(Request r) {
    CompletableFuture<JsonNode> answer = serveServerRequest(r.method(), r.params());
    serving.put(r.id(), answer);
    answer.whenComplete(
        (result, e) -> {
          serving.remove(r.id());
          if (e instanceof CancellationException || closed.get()) {
            return;
          }
          JsonRpcMessage reply;
          if (e == null) {
            reply = new Response(r.id(), result);
          } else {
            Throwable c = unwrap(e);
            reply =
                new ErrorResponse(
                    r.id(),
                    c instanceof McpErrorException m
                        ? m.error()
                        : JsonRpcError.internalError(c.getMessage() == null ? c.toString() : c.getMessage()));
          }
          transport.send(reply, Map.of());
        });
  }

  /** Runs the handler for a server-to-client request (or an input request) on the callback pool. */
  private CompletableFuture<JsonNode> serveServerRequest(String method, JsonNode params) {
    if (McpMethods.PING.equals(method)) {
      return CompletableFuture.completedFuture(Json.object());
    }
    RequestHandler h = handlers.get(method);
    if (h == null) {
      return CompletableFuture.failedFuture(new McpErrorException(JsonRpcError.methodNotFound(method)));
    }
    JsonNode p = params == null ? Json.object() : params;
    CompletableFuture<JsonNode> f;
    try {
      f = CompletableFuture.supplyAsync(() -> h.handle(p), handlerPool).thenCompose(s -> s);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.warn("answering {} with 'client busy': {} handlers running, {} waiting", method,
          handlerPool.getActiveCount(), handlerPool.getQueue().size());
      return CompletableFuture.failedFuture(new McpErrorException(JsonRpcError.internalError(CLIENT_BUSY)));
    }
    if (McpMethods.ELICITATION_CREATE.equals(method) && applyElicitationDefaults) {
      f = f.thenApply(result -> withDefaults(result, p.path("requestedSchema")));
    }
    return f;
  }

  /** SEP-1034: an accepted elicitation gets the schema's default for every field left out. */
  static JsonNode withDefaults(JsonNode result, JsonNode schema) {
    if (result == null || !"accept".equals(result.path("action").asText())) {
      return result;
    }
    ObjectNode copy = result.deepCopy();
    ObjectNode content =
        copy.path("content").isObject() ? (ObjectNode) copy.get("content") : copy.putObject("content");
    for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
      JsonNode d = p.getValue().get("default");
      if (d != null && !content.has(p.getKey())) {
        content.set(p.getKey(), d.deepCopy());
      }
    }
    return copy;
  }

  private void onNotification(Notification n) {
    JsonNode params = n.params() == null ? Json.object() : n.params();
    switch (n.method()) {
      case McpMethods.NOTIFICATION_PROGRESS -> {
        Consumer<RequestOptions.Progress> l = progress.get(params.path("progressToken").asText());
        if (l != null) {
          safely(
              () ->
                  l.accept(
                      new RequestOptions.Progress(
                          params.path("progress").asDouble(),
                          params.has("total") ? params.get("total").asDouble() : Double.NaN,
                          params.path("message").asText(null))));
        }
      }
      case McpMethods.NOTIFICATION_MESSAGE -> {
        LogMessage m =
            new LogMessage(
                LogLevel.parse(params.path("level").asText()).orElse(LogLevel.INFO),
                params.path("logger").asText(null),
                params.get("data"));
        logListeners.forEach(l -> safely(() -> l.accept(m)));
      }
      case McpMethods.NOTIFICATION_CANCELLED -> {
        RequestId id = RequestId.isValid(params.get("requestId")) ? RequestId.of(params.get("requestId")) : null;
        CompletableFuture<JsonNode> f = id == null ? null : serving.get(id);
        if (f != null) {
          f.cancel(true);
        }
      }
      default -> {
        // delivered to the generic listeners below
      }
    }
    notificationListeners.forEach(l -> safely(() -> l.accept(n.method(), params)));
  }

  private static void safely(Runnable listener) {
    try {
      listener.run();
    } catch (RuntimeException e) {
      LOG.warn("a client listener failed", e);
    }
  }

  // ------------------------------------------------------------------ closing

  /**
   * Closes the connection (HTTP: DELETE of the session; stdio: the server's stdin, then the
   * process). Every pending request fails with {@link McpTransportException}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    McpTransportException ex = new McpTransportException("the client is closed");
    for (CompletableFuture<JsonNode> f : List.copyOf(pending.values())) {
      f.completeExceptionally(ex);
    }
    serving.values().forEach(f -> f.cancel(true));
    transport.close();
    timer.shutdownNow();
    events.shutdown();
    handlerPool.shutdownNow();
    callbacks.shutdown();
  }
}
