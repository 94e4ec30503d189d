package io.erlmcp.actors.registry;

import static io.erlmcp.actors.TwoMembers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.server.Content;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Prompt;
import io.erlmcp.runtime.server.Resource;
import io.erlmcp.runtime.server.ResourceContents;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two cluster members in one JVM, each with its own server and registry: what one node serves,
 * the other lists and calls; a change reaches each node's listeners once.
 */
class CatalogRegistryTest {
  private io.erlmcp.actors.TwoMembers two;
  private ActorTestKit a;
  private ActorTestKit b;
  private McpServer sa;
  private McpServer sb;
  private final Recorder onA = new Recorder();
  private final Recorder onB = new Recorder();
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  private static final class Recorder implements McpServer.Listener {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void catalogChanged(McpServer.CatalogKind kind) {
      seen.add(kind.name());
    }

    @Override
    public void resourceUpdated(String uri) {}

    long count(String kind) {
      return seen.stream().filter(kind::equals).count();
    }
  }

  @BeforeEach
  void start() throws Exception {
    two =
        io.erlmcp.actors.TwoMembers.start(
            "Registry",
            "pekko.cluster.distributed-data.gossip-interval = 200ms\n"
                + "pekko.cluster.distributed-data.notify-subscribers-interval = 100ms\n");
    a = two.a;
    b = two.b;
    sa = McpServer.builder("a", "1").tool(tool("shared", "same everywhere")).build();
    sb = McpServer.builder("b", "1").tool(tool("shared", "same everywhere")).build();
    sa.addListener(onA);
    sb.addListener(onB);
    a.spawn(CatalogRegistry.create(sa, pool, Duration.ofSeconds(5)), "registry");
    b.spawn(CatalogRegistry.create(sb, pool, Duration.ofSeconds(5)), "registry");
    Thread.sleep(1500);
    onA.seen.clear();
    onB.seen.clear();
  }

  @AfterEach
  void stop() {
    if (two != null) {
      two.close();
    }
    pool.shutdownNow();
  }

  private static Tool tool(String name, String description) {
    return Tool.builder(name)
        .description(description)
        .inputSchema("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}")
        .syncHandler((args, c) -> ToolResult.text(name + " ran with " + args.path("x").asText()))
        .build();
  }

  private static ForwardedContext context() {
    return new ForwardedContext("test", "sid", ProtocolVersion.LATEST_SESSION);
  }

  @Test
  void aToolOnlyNodeAServesIsListedOnNodeBAndRunsOnNodeAWhenCalledThere() throws Exception {
    List<String> ranOn = new CopyOnWriteArrayList<>();
    sa.addTool(
        Tool.builder("only-on-a")
            .title("Only on A")
            .inputSchema("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},\"required\":[\"x\"]}")
            .handler(
                (args, c) -> {
                  ranOn.add("a");
                  return CompletableFuture.completedFuture(
                      new ToolResult(
                          List.of(Content.text("hello " + args.path("x").asText())),
                          Json.object().put("echo", args.path("x").asText()),
                          false));
                })
            .build());
    await("node b never listed node a's tool", () -> sb.tool("only-on-a").isPresent());
    Tool remote = sb.tool("only-on-a").orElseThrow();
    assertEquals("Only on A", remote.title());
    assertEquals(List.of("x"), List.of(remote.inputSchema().path("required").get(0).asText()));
    assertTrue(sb.localTools().stream().noneMatch(t -> t.name().equals("only-on-a")), "not b's own tool");
    assertEquals(List.of("shared", "only-on-a"), sb.tools().stream().map(Tool::name).toList());

    ObjectNode args = Json.object().put("x", "world");
    ToolResult r = remote.handler().call(args, context()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of("a"), ranOn);
    assertEquals("hello world", r.toJson(ProtocolVersion.LATEST_SESSION).path("content").get(0).path("text").asText());
    assertEquals("world", r.structuredContent().path("echo").asText());
    await("node b's clients were not told of the new tool", () -> onB.count("TOOLS") >= 1);
    Thread.sleep(1000);
    assertEquals(1, onB.count("TOOLS"), "once: " + onB.seen);
    assertEquals(1, onA.count("TOOLS"), "node a's own change, told once by its server: " + onA.seen);
  }

  @Test
  void theSameToolAddedOnEveryNodeIsToldToEachNodesClientsOnce() throws Exception {
    sa.addTool(tool("everywhere", "added by the same code on every node"));
    sb.addTool(tool("everywhere", "added by the same code on every node"));
    Thread.sleep(2500);
    assertEquals(1, onA.count("TOOLS"), onA.seen.toString());
    assertEquals(1, onB.count("TOOLS"), onB.seen.toString());
    // Both serve it themselves: a call on b runs b's own.
    assertTrue(sb.localTools().stream().anyMatch(t -> t.name().equals("everywhere")));
  }

  @Test
  void promptsAndResourcesOfAnotherNodeAreServedToo() throws Exception {
    sa.addPrompt(
        new Prompt(
            "greet",
            null,
            "Greets",
            List.of(new Prompt.Argument("name", null, null, true)),
            (arguments, c) ->
                CompletableFuture.completedFuture(
                    new Prompt.Result(
                        "a greeting",
                        List.of(Prompt.Message.user(Content.text("Hello " + arguments.get("name"))))))));
    sa.addResource(
        new Resource(
            "a://status",
            "status",
            null,
            null,
            "text/plain",
            null,
            (uri, c) -> CompletableFuture.completedFuture(List.of(ResourceContents.text(uri, "text/plain", "fine")))));
    await("prompt not listed on b", () -> sb.prompt("greet").isPresent());
    await("resource not listed on b", () -> sb.resource("a://status").isPresent());
    Prompt.Result pr =
        sb.prompt("greet").orElseThrow().renderer().render(Map.of("name", "Ada"), context()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("a greeting", pr.description());
    assertEquals("Hello Ada", pr.messages().get(0).content().toJson(ProtocolVersion.LATEST_SESSION).path("text").asText());
    List<ResourceContents> rc =
        sb.resource("a://status").orElseThrow().reader().read("a://status", context()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("fine", ((ResourceContents.Text) rc.get(0)).text());
  }

  @Test
  void aFailingRemoteToolAnswersItsErrorAndCancellingACallCancelsItOnTheNodeThatRunsIt()
      throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<ToolResult> never = new CompletableFuture<>();
    sa.addTool(
        Tool.builder("slow")
            .handler(
                (args, c) -> {
                  started.countDown();
                  return never;
                })
            .build());
    sa.addTool(
        Tool.builder("broken")
            .handler(
                (args, c) -> {
                  throw new JsonRpcException(io.erlmcp.runtime.jsonrpc.JsonRpcError.invalidParams("no good"));
                })
            .build());
    await("tools not listed on b", () -> sb.tool("slow").isPresent() && sb.tool("broken").isPresent());

    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> sb.tool("broken").orElseThrow().handler().call(Json.object(), context()).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof JsonRpcException j && j.error().code() == -32602 && j.error().message().equals("no good"), e.toString());

    ForwardedContext caller = context();
    CompletableFuture<ToolResult> call =
        sb.tool("slow").orElseThrow().handler().call(Json.object(), caller).toCompletableFuture();
    assertTrue(started.await(10, TimeUnit.SECONDS), "the call never started on node a");
    caller.cancellation().cancel("client cancelled");
    await("the handler's future on node a was not cancelled", never::isCancelled);
    assertFalse(call.isDone() && !call.isCompletedExceptionally(), "a cancelled call has no result");
  }

  @Test
  void whenANodeLeavesItsEntriesDisappearFromTheOthersLists() throws Exception {
    sb.addTool(tool("only-on-b", "b's"));
    await("a never listed b's tool", () -> sa.tool("only-on-b").isPresent());
    onA.seen.clear();
    b.shutdownTestKit();
    await("a still lists b's tool after b left", () -> sa.tool("only-on-b").isEmpty());
    await("a's clients were not told", () -> onA.count("TOOLS") >= 1);
  }
}
