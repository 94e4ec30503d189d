package io.erlmcp.actors.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.actors.CborSerializable;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Prompt;
import io.erlmcp.runtime.server.RemoteCatalog;
import io.erlmcp.runtime.server.Resource;
import io.erlmcp.runtime.server.ResourceContents;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The cluster's catalog registry (erlmcp_registry): every node lists the same tools, resources and
 * prompts, and a catalog change reaches each client once.
 *
 * <p>Each node publishes its own catalog (the descriptors of its {@link McpServer}'s tools, static
 * resources and prompts, and the address of this actor) as its entry in one Distributed Data
 * {@code LWWMap}, keyed by the node's unique address, with {@code WriteLocal}; gossip spreads it.
 * Every node subscribes, and hands its server a {@link RemoteCatalog} of the entries that only
 * other nodes have: they are listed after the node's own, and a call to one of them ({@code
 * tools/call}, {@code prompts/get}, {@code resources/read}) is sent to this actor on a node that
 * has it, which runs it there and answers the rendered result. Cancelling the call cancels it on
 * that node. A call run elsewhere cannot ask the client anything (sampling, elicitation, roots),
 * report progress or use session data: those need the client's own node, and fail with a clear
 * error.
 *
 * <p>{@code list_changed}: a node tells its clients when what it lists changes. A change of its
 * own catalog is told by its server at once; a change on another node is told when the union of
 * catalogs it lists (compared by digest) changes. So a change made on every node at once (the
 * same tool added by the same code everywhere) reaches each client once, not once per node. A
 * node that leaves the cluster has its entry removed, and its entries disappear from the lists.
 */
public final class CatalogRegistry {
  private CatalogRegistry() {}

  static final Key<LWWMap<String, NodeCatalog>> KEY = LWWMapKey.create("erlmcp-catalog");

  /** One node's catalog as it crosses nodes: descriptors as JSON text, and where to call. */
  public record NodeCatalog(
      Map<String, String> tools,
      Map<String, String> resources,
      Map<String, String> prompts,
      ActorRef<Command> host)
      implements CborSerializable {}

  /** Messages of the registry. The ones between nodes are serializable. */
  public interface Command {}

  /** Runs a catalog entry of this node for a client of another node. */
  public record Invoke(
      String callId,
      String method,
      String name,
      String paramsJson,
      String protocolVersion,
      String sessionId,
      ActorRef<Answer> replyTo)
      implements Command, CborSerializable {}

  /** Cancels an {@link Invoke} still running. */
  public record Cancel(String callId) implements Command, CborSerializable {}

  /** The rendered result (JSON text), or a JSON-RPC error. */
  public record Answer(String resultJson, int errorCode, String errorMessage, String errorDataJson)
      implements CborSerializable {
    static Answer ok(JsonNode result) {
      return new Answer(result.toString(), 0, null, null);
    }

    static Answer error(int code, String message) {
      return new Answer(null, code, message, null);
    }

    static Answer error(JsonRpcError e) {
      return new Answer(null, e.code(), e.message(), e.data() == null ? null : e.data().toString());
    }

    JsonRpcError toError() {
      JsonRpcError e = JsonRpcError.of(errorCode, errorMessage);
      return errorDataJson == null ? e : e.withData(Json.parse(errorDataJson));
    }
  }

  private record LocalChanged(McpServer.CatalogKind kind) implements Command {}

  private record CatalogsChanged(Map<String, NodeCatalog> entries) implements Command {}

  private record MemberGone(String uniqueAddress) implements Command {}

  private record Ignored() implements Command {}

  private static final ThreadLocal<Boolean> ANNOUNCING = ThreadLocal.withInitial(() -> false);

  /** The revision descriptors are written at: the newest session revision has every field. */
  static final ProtocolVersion DESCRIPTOR_VERSION = ProtocolVersion.LATEST_SESSION;

  public static Behavior<Command> create(McpServer server, Executor handlers, Duration callTimeout) {
    return Behaviors.setup(
        ctx -> {
          ActorSystem<?> system = ctx.getSystem();
          DistributedData dd = DistributedData.get(system);
          SelfUniqueAddress selfNode = dd.selfUniqueAddress();
          String self = selfNode.uniqueAddress().toString();
          ActorRef<Replicator.Command> replicator = dd.replicator();
          @SuppressWarnings({"unchecked", "rawtypes"})
          ActorRef<Replicator.SubscribeResponse<LWWMap<String, NodeCatalog>>> changes =
              (ActorRef)
                  ctx.messageAdapter(
                      Replicator.SubscribeResponse.class,
                      r ->
                          r instanceof Replicator.Changed<?> c
                              ? new CatalogsChanged(entries(c))
                              : new Ignored());
          replicator.tell(new Replicator.Subscribe<>(KEY, changes));
          ActorRef<ClusterEvent.MemberRemoved> removed =
              ctx.messageAdapter(
                  ClusterEvent.MemberRemoved.class,
                  e -> new MemberGone(e.member().uniqueAddress().toString()));
          Cluster.get(system)
              .subscriptions()
              .tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
          ActorRef<Replicator.UpdateResponse<LWWMap<String, NodeCatalog>>> ignore =
              system.ignoreRef();

          ActorRef<Command> me = ctx.getSelf();
          McpServer.Listener listener =
              new McpServer.Listener() {
                @Override
                public void catalogChanged(McpServer.CatalogKind kind) {
                  if (!ANNOUNCING.get()) {
                    me.tell(new LocalChanged(kind));
                  }
                }

                @Override
                public void resourceUpdated(String uri) {}
              };
          server.addListener(listener);
          View view = new View(callTimeout, system);
          server.setRemoteCatalog(view);
          Map<String, CompletableFuture<?>> calls = new ConcurrentHashMap<>();

          java.util.function.Consumer<
                  java.util.function.Function<LWWMap<String, NodeCatalog>, LWWMap<String, NodeCatalog>>>
              update =
                  f ->
                      replicator.tell(
                          new Replicator.Update<>(
                              KEY, LWWMap.<String, NodeCatalog>create(), Replicator.writeLocal(), ignore, f));
          Runnable publish = () -> update.accept(m -> m.put(selfNode, self, ownCatalog(server, me)));
          publish.run();
          Map<McpServer.CatalogKind, String> digests = new EnumMap<>(McpServer.CatalogKind.class);
          for (McpServer.CatalogKind k : McpServer.CatalogKind.values()) {
            digests.put(k, digest(server, k));
          }

          return Behaviors.receive(Command.class)
              .onMessage(
                  LocalChanged.class,
                  m -> {
                    publish.run();
                    // This node's clients were told by the server itself.
                    digests.put(m.kind(), digest(server, m.kind()));
                    return Behaviors.same();
                  })
              .onMessage(
                  CatalogsChanged.class,
                  m -> {
                    Map<String, NodeCatalog> others = new TreeMap<>(m.entries());
                    others.remove(self);
                    view.update(others);
                    for (McpServer.CatalogKind k : McpServer.CatalogKind.values()) {
                      String d = digest(server, k);
                      if (!d.equals(digests.put(k, d))) {
                        ANNOUNCING.set(true);
                        try {
                          server.announceCatalogChanged(k);
                        } finally {
                          ANNOUNCING.set(false);
                        }
                      }
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  MemberGone.class,
                  m -> {
                    if (!m.uniqueAddress().equals(self)) {
                      update.accept(
                          map ->
                              map.contains(m.uniqueAddress())
                                  ? map.remove(selfNode, m.uniqueAddress())
                                  : map);
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  Invoke.class,
                  m -> {
                    CompletableFuture<JsonNode> f = Host.run(server, handlers, callTimeout, m);
                    calls.put(m.callId(), f);
                    f.whenComplete(
                        (result, err) -> {
                          calls.remove(m.callId());
                          m.replyTo().tell(err == null ? Answer.ok(result) : answerFor(err));
                        });
                    return Behaviors.same();
                  })
              .onMessage(
                  Cancel.class,
                  m -> {
                    CompletableFuture<?> f = calls.remove(m.callId());
                    if (f != null) {
                      f.cancel(true);
                    }
                    return Behaviors.same();
                  })
              .onMessage(Ignored.class, m -> Behaviors.same())
              .onSignal(
                  PostStop.class,
                  s -> {
                    server.removeListener(listener);
                    server.setRemoteCatalog(RemoteCatalog.NONE);
                    calls.values().forEach(f -> f.cancel(true));
                    return Behaviors.same();
                  })
              .onSignal(
                  PreRestart.class,
                  s -> {
                    server.removeListener(listener);
                    calls.values().forEach(f -> f.cancel(true));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, NodeCatalog> entries(Replicator.Changed<?> c) {
    return Map.copyOf(((LWWMap<String, NodeCatalog>) c.dataValue()).getEntries());
  }

  static NodeCatalog ownCatalog(McpServer server, ActorRef<Command> host) {
    return new NodeCatalog(
        descriptors(server.localTools(), Tool::name, t -> t.toJson(DESCRIPTOR_VERSION)),
        descriptors(server.localResources(), Resource::uri, r -> r.toJson(DESCRIPTOR_VERSION)),
        descriptors(server.localPrompts(), Prompt::name, p -> p.toJson(DESCRIPTOR_VERSION)),
        host);
  }

  private static <T> Map<String, String> descriptors(
      List<T> entries, Function<T, String> key, Function<T, ObjectNode> json) {
    Map<String, String> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(key.apply(e), json.apply(e).toString()));
    return out;
  }

  /** What the server lists of one kind, reduced to a digest (order-independent). */
  static String digest(McpServer server, McpServer.CatalogKind kind) {
    TreeMap<String, String> sorted = new TreeMap<>();
    switch (kind) {
      case TOOLS -> server.tools().forEach(t -> sorted.put(t.name(), t.toJson(DESCRIPTOR_VERSION).toString()));
      case RESOURCES -> server.resources().forEach(r -> sorted.put(r.uri(), r.toJson(DESCRIPTOR_VERSION).toString()));
      case PROMPTS -> server.prompts().forEach(p -> sorted.put(p.name(), p.toJson(DESCRIPTOR_VERSION).toString()));
      default -> throw new IllegalArgumentException(kind.toString());
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      sorted.forEach(
          (k, v) -> {
            md.update(k.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(v.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 1);
          });
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Answer answerFor(Throwable err) {
    Throwable t = err;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof JsonRpcException j) {
      return Answer.error(j.error());
    }
    if (t instanceof java.util.concurrent.CancellationException) {
      return Answer.error(JsonRpcError.INTERNAL_ERROR, "cancelled");
    }
    if (t instanceof java.util.concurrent.TimeoutException) {
      return Answer.error(JsonRpcError.INTERNAL_ERROR, "timed out on the node that serves it");
    }
    return Answer.error(JsonRpcError.INTERNAL_ERROR, String.valueOf(t.getMessage()));
  }

  /**
   * The entries other nodes have, as this node's server lists them, each with a handler that
   * calls the node that has it. Rebuilt on every change of the replicated map.
   */
  static final class View implements RemoteCatalog {
    private record Built(List<Tool> tools, List<Resource> resources, List<Prompt> prompts) {}

    private final AtomicReference<Built> built =
        new AtomicReference<>(new Built(List.of(), List.of(), List.of()));
    private final ActorSystem<?> system;
    private final Duration timeout;

    View(Duration timeout, ActorSystem<?> system) {
      this.system = system;
      this.timeout = timeout;
    }

    @Override
    public List<Tool> tools() {
      return built.get().tools();
    }

    @Override
    public List<Resource> resources() {
      return built.get().resources();
    }

    @Override
    public List<Prompt> prompts() {
      return built.get().prompts();
    }

    /** Rebuilds from the other nodes' entries (sorted by node: the first node offering a name wins). */
    void update(Map<String, NodeCatalog> others) {
      Map<String, Tool> tools = new LinkedHashMap<>();
      Map<String, Resource> resources = new LinkedHashMap<>();
      Map<String, Prompt> prompts = new LinkedHashMap<>();
      for (NodeCatalog c : others.values()) {
        c.tools().forEach((name, json) -> tools.computeIfAbsent(name, n -> remoteTool(Json.parseObject(json), c.host())));
        c.resources()
            .forEach((uri, json) -> resources.computeIfAbsent(uri, u -> remoteResource(Json.parseObject(json), c.host())));
        c.prompts().forEach((name, json) -> prompts.computeIfAbsent(name, n -> remotePrompt(Json.parseObject(json), c.host())));
      }
      built.set(
          new Built(List.copyOf(tools.values()), List.copyOf(resources.values()), List.copyOf(prompts.values())));
    }

    private CompletableFuture<JsonNode> call(
        ActorRef<Command> host, String method, String name, JsonNode params, io.erlmcp.runtime.server.RequestContext rc) {
      String callId = UUID.randomUUID().toString();
      CompletionStage<Answer> asked =
          AskPattern.ask(
              host,
              (ActorRef<Answer> replyTo) ->
                  new Invoke(
                      callId,
                      method,
                      name,
                      params.toString(),
                      rc.protocolVersion().id(),
                      rc.sessionId(),
                      replyTo),
              timeout,
              system.scheduler());
      rc.cancellation().onCancel(() -> host.tell(new Cancel(callId)));
      return asked
          .toCompletableFuture()
          .handle(
              (a, err) -> {
                if (err != null) {
                  throw new JsonRpcException(
                      JsonRpcError.internalError(
                          method + " " + name + ": the node that serves it did not answer in "
                              + timeout.toMillis() + " ms"));
                }
                if (a.errorCode() != 0) {
                  throw new JsonRpcException(a.toError());
                }
                return Json.parse(a.resultJson());
              });
    }

    private Tool remoteTool(ObjectNode d, ActorRef<Command> host) {
      String name = d.path("name").asText();
      Tool.Builder b = Tool.builder(name);
      if (d.hasNonNull("title")) {
        b.title(d.get("title").asText());
      }
      if (d.hasNonNull("description")) {
        b.description(d.get("description").asText());
      }
      if (d.get("inputSchema") instanceof ObjectNode in) {
        b.inputSchema(in);
      }
      if (d.get("outputSchema") instanceof ObjectNode out) {
        b.outputSchema(out);
      }
      if (d.get("annotations") instanceof ObjectNode an) {
        b.annotations(an);
      }
      if (d.get("icons") instanceof ArrayNode icons) {
        b.icons(icons);
      }
      String taskSupport = d.path("execution").path("taskSupport").asText("");
      for (Tool.TaskSupport t : Tool.TaskSupport.values()) {
        if (t.wireName().equals(taskSupport)) {
          b.taskSupport(t);
        }
      }
      // The call waits for the other node; the handler itself returns at once.
      return b.handler((args, rc) -> call(host, "tools/call", name, args, rc).thenApply(ToolResult::fromJson))
          .execution(Tool.Execution.INLINE)
          .timeout(timeout)
          .build();
    }

    private Resource remoteResource(ObjectNode d, ActorRef<Command> host) {
      String uri = d.path("uri").asText();
      return new Resource(
          uri,
          d.path("name").asText(uri),
          d.hasNonNull("title") ? d.get("title").asText() : null,
          d.hasNonNull("description") ? d.get("description").asText() : null,
          d.hasNonNull("mimeType") ? d.get("mimeType").asText() : null,
          d.hasNonNull("size") ? d.get("size").asLong() : null,
          (u, rc) ->
              call(host, "resources/read", u, Json.object(), rc)
                  .thenApply(
                      r -> {
                        List<ResourceContents> out = new ArrayList<>();
                        r.path("contents").forEach(c -> out.add(ResourceContents.fromJson(c)));
                        return out;
                      }));
    }

    private Prompt remotePrompt(ObjectNode d, ActorRef<Command> host) {
      String name = d.path("name").asText();
      List<Prompt.Argument> args = new ArrayList<>();
      d.path("arguments")
          .forEach(
              a ->
                  args.add(
                      new Prompt.Argument(
                          a.path("name").asText(),
                          a.hasNonNull("title") ? a.get("title").asText() : null,
                          a.hasNonNull("description") ? a.get("description").asText() : null,
                          a.path("required").asBoolean(false))));
      return new Prompt(
          name,
          d.hasNonNull("title") ? d.get("title").asText() : null,
          d.hasNonNull("description") ? d.get("description").asText() : null,
          args,
          (arguments, rc) -> {
            ObjectNode p = Json.object();
            arguments.forEach(p::put);
            return call(host, "prompts/get", name, p, rc).thenApply(Prompt.Result::fromJson);
          });
    }
  }

  /** Runs an {@link Invoke} on this node's own catalog. */
  static final class Host {
    private Host() {}

    static CompletableFuture<JsonNode> run(
        McpServer server, Executor handlers, Duration defaultTimeout, Invoke m) {
      ProtocolVersion v = ProtocolVersion.parse(m.protocolVersion()).orElse(DESCRIPTOR_VERSION);
      ForwardedContext rc = new ForwardedContext(m.callId(), m.sessionId(), v);
      List<CompletableFuture<?>> handles = new java.util.concurrent.CopyOnWriteArrayList<>();
      CompletableFuture<JsonNode> out;
      try {
        JsonNode params = Json.parse(m.paramsJson());
        out =
            switch (m.method()) {
              case "tools/call" -> {
                Tool tool = own(server.localTools(), Tool::name, m.name(), "Unknown tool: ");
                Duration t = tool.timeout() != null ? tool.timeout() : defaultTimeout;
                yield started(handlers, rc, handles, () -> tool.handler().call((ObjectNode) params, rc))
                    .orTimeout(t.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(r -> (JsonNode) r.toJson(v));
              }
              case "prompts/get" -> {
                Prompt p = own(server.localPrompts(), Prompt::name, m.name(), "Unknown prompt: ");
                Map<String, String> args = new LinkedHashMap<>();
                params.properties().forEach(e -> args.put(e.getKey(), e.getValue().asText()));
                yield started(handlers, rc, handles, () -> p.renderer().render(args, rc))
                    .orTimeout(defaultTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(r -> (JsonNode) r.toJson(v));
              }
              case "resources/read" -> {
                Resource r =
                    server.localResources().stream()
                        .filter(x -> x.uri().equals(m.name()))
                        .findFirst()
                        .orElseThrow(() -> io.erlmcp.runtime.server.McpDispatcher.resourceNotFound(m.name(), v));
                yield started(handlers, rc, handles, () -> r.reader().read(m.name(), rc))
                    .orTimeout(defaultTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(
                        list -> {
                          ObjectNode result = Json.object();
                          ArrayNode arr = result.putArray("contents");
                          list.forEach(c -> arr.add(c.toJson()));
                          return (JsonNode) result;
                        });
              }
              default -> CompletableFuture.failedFuture(
                  new JsonRpcException(JsonRpcError.methodNotFound(m.method())));
            };
      } catch (RuntimeException e) {
        out = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<JsonNode> result = out;
      // Cancelling the returned future (Cancel from the caller's node) cancels the handler's.
      CompletableFuture<JsonNode> handle = new CompletableFuture<>();
      result.whenComplete((r, e) -> {
        if (e != null) {
          handle.completeExceptionally(e);
        } else {
          handle.complete(r);
        }
      });
      handle.whenComplete((r, e) -> {
        if (handle.isCancelled()) {
          rc.cancellation().cancel("cancelled by the client");
          handles.forEach(h -> h.cancel(true));
          result.cancel(true);
        }
      });
      return handle;
    }

    /** Runs a handler on the handler pool; its own future is kept so a cancel reaches it. */
    private static <T> CompletableFuture<T> started(
        Executor handlers,
        ForwardedContext rc,
        List<CompletableFuture<?>> handles,
        java.util.concurrent.Callable<CompletionStage<T>> handler) {
      return CompletableFuture.supplyAsync(
              () -> {
                try {
                  CompletableFuture<T> f = handler.call().toCompletableFuture();
                  handles.add(f);
                  if (rc.cancellation().isCancelled()) {
                    f.cancel(true);
                  }
                  return f;
                } catch (Exception e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              },
              handlers)
          .thenCompose(f -> f);
    }

    private static <T> T own(List<T> entries, Function<T, String> key, String wanted, String missing) {
      return entries.stream()
          .filter(e -> key.apply(e).equals(wanted))
          .findFirst()
          .orElseThrow(() -> new JsonRpcException(JsonRpcError.invalidParams(missing + wanted)));
    }
  }
}
