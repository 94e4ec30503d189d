package io.erlmcp.actors.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.server.InMemorySession;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request workers under a real dispatcher and an in-memory session. */
class RequestManagerTest {

  private static final ActorTestKit testKit = ActorTestKit.create("RequestManagerTest");
  private static final ExecutorService handlers = Executors.newFixedThreadPool(4);

  /** Calls of the "block" tool: the future it returned, by its "key" argument. */
  private final Map<String, CompletableFuture<ToolResult>> blocked = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> started = new ConcurrentHashMap<>();

  private McpDispatcher dispatcher;
  private InMemorySession session;
  private InMemorySession otherSession;

  @BeforeEach
  void setUp() {
    Tool block = Tool.builder("block").handler((args, ctx) -> {
      String key = args.path("key").asText();
      CompletableFuture<ToolResult> f = blocked.computeIfAbsent(key, k -> new CompletableFuture<>());
      started.computeIfAbsent(key, k -> new CompletableFuture<>()).complete(null);
      return f;
    }).build();
    Tool echo = Tool.builder("echo")
        .syncHandler((args, ctx) -> ToolResult.text(args.path("text").asText())).build();
    McpServer server = McpServer.builder("test", "1").tool(block).tool(echo).build();
    dispatcher = new McpDispatcher(server);
    session = initializedSession(dispatcher, "s1");
    otherSession = initializedSession(dispatcher, "s2");
  }

  @AfterEach
  void releaseBlocked() {
    blocked.values().forEach(f -> f.complete(ToolResult.text("released")));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
    handlers.shutdownNow();
  }

  private static InMemorySession initializedSession(McpDispatcher d, String id) {
    InMemorySession s = new InMemorySession();
    ObjectNode params = Json.object().put("protocolVersion", "2025-06-18");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "c");
    s.execute(d.initialize(params, id, 0).command()).toCompletableFuture().join();
    return s;
  }

  private ActorRef<RequestManager.Command> manager(int maxInFlight) {
    return testKit.spawn(RequestManager.create(dispatcher, handlers, maxInFlight));
  }

  private static JsonRpcMessage.Request call(long id, String tool, String argsJson) {
    ObjectNode p = Json.object().put("name", tool);
    p.set("arguments", Json.parse(argsJson));
    return new JsonRpcMessage.Request(RequestId.of(id), "tools/call", p);
  }

  private void start(ActorRef<RequestManager.Command> m, String sessionId, InMemorySession s,
      JsonRpcMessage.Request r, TestProbe<RequestManager.Outcome> probe) {
    m.tell(new RequestManager.Start(sessionId, r, s, Outbound.NONE, probe.getRef()));
  }

  private void awaitStarted(String key) throws Exception {
    started.computeIfAbsent(key, k -> new CompletableFuture<>()).get(3, TimeUnit.SECONDS);
  }

  private static int inFlight(ActorRef<RequestManager.Command> m) {
    TestProbe<Integer> p = testKit.createTestProbe();
    m.tell(new RequestManager.GetInFlight(p.getRef()));
    return p.receiveMessage();
  }

  @Test
  void aRequestCompletesWithItsResponse() {
    ActorRef<RequestManager.Command> m = manager(10);
    TestProbe<RequestManager.Outcome> probe = testKit.createTestProbe();
    start(m, "s1", session, call(1, "echo", "{\"text\":\"hello\"}"), probe);
    RequestManager.Outcome.Responded r = probe.expectMessageClass(RequestManager.Outcome.Responded.class);
    JsonRpcMessage.Response resp = assertInstanceOf(JsonRpcMessage.Response.class, r.response());
    assertEquals(RequestId.of(1), resp.id());
    assertEquals("hello", resp.result().path("content").path(0).path("text").asText());
    probe.awaitAssert(() -> {
      assertEquals(0, inFlight(m));
      return null;
    });
  }

  @Test
  void aProtocolErrorIsRespondedNotFailed() {
    ActorRef<RequestManager.Command> m = manager(10);
    TestProbe<RequestManager.Outcome> probe = testKit.createTestProbe();
    start(m, "s1", session, call(1, "no-such-tool", "{}"), probe);
    RequestManager.Outcome.Responded r = probe.expectMessageClass(RequestManager.Outcome.Responded.class);
    JsonRpcMessage.ErrorResponse e = assertInstanceOf(JsonRpcMessage.ErrorResponse.class, r.response());
    assertEquals(JsonRpcError.INVALID_PARAMS, e.error().code());
  }

  @Test
  void cancelOfARunningSlowToolIsCancelledCancelsItsFutureAndNeverResponds() throws Exception {
    ActorRef<RequestManager.Command> m = manager(10);
    TestProbe<RequestManager.Outcome> probe = testKit.createTestProbe();
    start(m, "s1", session, call(7, "block", "{\"key\":\"slow\"}"), probe);
    awaitStarted("slow");
    m.tell(new RequestManager.Cancel("s1", RequestId.of(7), "user pressed stop"));
    assertEquals(new RequestManager.Outcome.Cancelled("user pressed stop"),
        probe.expectMessageClass(RequestManager.Outcome.Cancelled.class));
    probe.awaitAssert(() -> {
      assertTrue(blocked.get("slow").isCancelled());
      return null;
    });
    // a late completion (the handler ignoring cancellation) must not produce a response
    blocked.get("slow").complete(ToolResult.text("too late"));
    probe.expectNoMessage(Duration.ofMillis(300));
    assertEquals(0, inFlight(m));
  }

  @Test
  void cancelOfAnUnknownRequestChangesNothing() throws Exception {
    ActorRef<RequestManager.Command> m = manager(10);
    TestProbe<RequestManager.Outcome> probe = testKit.createTestProbe();
    start(m, "s1", session, call(1, "block", "{\"key\":\"k\"}"), probe);
    awaitStarted("k");
    m.tell(new RequestManager.Cancel("s1", RequestId.of(2), "wrong id"));
    m.tell(new RequestManager.Cancel("s2", RequestId.of(1), "wrong session"));
    m.tell(new RequestManager.Cancel("s1", RequestId.of("1"), "string id, not number"));
    probe.expectNoMessage(Duration.ofMillis(200));
    assertFalse(blocked.get("k").isDone());
    blocked.get("k").complete(ToolResult.text("ok"));
    probe.expectMessageClass(RequestManager.Outcome.Responded.class);
  }

  @Test
  void cancelSessionCancelsOnlyThatSessionsRequests() throws Exception {
    ActorRef<RequestManager.Command> m = manager(10);
    TestProbe<RequestManager.Outcome> p1 = testKit.createTestProbe();
    TestProbe<RequestManager.Outcome> p2 = testKit.createTestProbe();
    start(m, "s1", session, call(1, "block", "{\"key\":\"a\"}"), p1);
    start(m, "s2", otherSession, call(1, "block", "{\"key\":\"b\"}"), p2);
    awaitStarted("a");
    awaitStarted("b");
    m.tell(new RequestManager.CancelSession("s1", "session deleted"));
    assertEquals(new RequestManager.Outcome.Cancelled("session deleted"),
        p1.expectMessageClass(RequestManager.Outcome.Cancelled.class));
    p2.expectNoMessage(Duration.ofMillis(200));
    assertFalse(blocked.get("b").isDone());
    blocked.get("b").complete(ToolResult.text("ok"));
    p2.expectMessageClass(RequestManager.Outcome.Responded.class);
  }

  @Test
  void pastMaxInFlightARequestIsRejectedAsOverloadedAndAcceptedOnceOthersFinish() throws Exception {
    ActorRef<RequestManager.Command> m = manager(2);
    TestProbe<RequestManager.Outcome> probe = testKit.createTestProbe();
    start(m, "s1", session, call(1, "block", "{\"key\":\"one\"}"), probe);
    start(m, "s1", session, call(2, "block", "{\"key\":\"two\"}"), probe);
    awaitStarted("one");
    awaitStarted("two");
    assertEquals(2, inFlight(m));

    start(m, "s1", session, call(3, "echo", "{\"text\":\"x\"}"), probe);
    RequestManager.Outcome.Rejected rejected = probe.expectMessageClass(RequestManager.Outcome.Rejected.class);
    assertTrue(rejected.overloaded());
    assertEquals(JsonRpcError.INTERNAL_ERROR, rejected.error().code());

    blocked.get("one").complete(ToolResult.text("1"));
    blocked.get("two").complete(ToolResult.text("2"));
    probe.expectMessageClass(RequestManager.Outcome.Responded.class);
    probe.expectMessageClass(RequestManager.Outcome.Responded.class);
    probe.awaitAssert(() -> {
      assertEquals(0, inFlight(m));
      return null;
    });

    start(m, "s1", session, call(3, "echo", "{\"text\":\"now\"}"), probe);
    RequestManager.Outcome.Responded r = probe.expectMessageClass(RequestManager.Outcome.Responded.class);
    assertEquals("now", ((JsonRpcMessage.Response) r.response()).result().path("content").path(0).path("text").asText());
  }

  @Test
  void atOneBelowMaxInFlightARequestIsAccepted() throws Exception {
    ActorRef<RequestManager.Command> m = manager(2);
    TestProbe<RequestManager.Outcome> probe = testKit.createTestProbe();
    start(m, "s1", session, call(1, "block", "{\"key\":\"only\"}"), probe);
    awaitStarted("only");
    start(m, "s1", session, call(2, "echo", "{\"text\":\"fits\"}"), probe);
    probe.expectMessageClass(RequestManager.Outcome.Responded.class);
  }

  @Test
  void aDuplicateRequestIdOfARunningRequestIsRejectedButOtherSessionsMayUseIt() throws Exception {
    ActorRef<RequestManager.Command> m = manager(10);
    TestProbe<RequestManager.Outcome> probe = testKit.createTestProbe();
    TestProbe<RequestManager.Outcome> other = testKit.createTestProbe();
    start(m, "s1", session, call(5, "block", "{\"key\":\"dup\"}"), probe);
    awaitStarted("dup");

    start(m, "s1", session, call(5, "echo", "{\"text\":\"again\"}"), probe);
    RequestManager.Outcome.Rejected rejected = probe.expectMessageClass(RequestManager.Outcome.Rejected.class);
    assertFalse(rejected.overloaded());
    assertEquals(JsonRpcError.INVALID_REQUEST, rejected.error().code());

    start(m, "s2", otherSession, call(5, "echo", "{\"text\":\"other session\"}"), other);
    other.expectMessageClass(RequestManager.Outcome.Responded.class);

    // the original still runs and answers
    assertFalse(blocked.get("dup").isCancelled());
    blocked.get("dup").complete(ToolResult.text("orig"));
    probe.expectMessageClass(RequestManager.Outcome.Responded.class);
    // once finished, the id is free again
    probe.awaitAssert(() -> {
      assertEquals(0, inFlight(m));
      return null;
    });
    start(m, "s1", session, call(5, "echo", "{\"text\":\"reused\"}"), probe);
    probe.expectMessageClass(RequestManager.Outcome.Responded.class);
  }

  @Test
  void stoppingTheManagerCancelsItsRunningRequests() throws Exception {
    ActorRef<RequestManager.Command> m = manager(10);
    TestProbe<RequestManager.Outcome> probe = testKit.createTestProbe();
    start(m, "s1", session, call(1, "block", "{\"key\":\"stop\"}"), probe);
    awaitStarted("stop");
    testKit.stop(m);
    probe.expectMessageClass(RequestManager.Outcome.Cancelled.class);
    probe.awaitAssert(() -> {
      assertTrue(blocked.get("stop").isCancelled());
      return null;
    });
  }
}
