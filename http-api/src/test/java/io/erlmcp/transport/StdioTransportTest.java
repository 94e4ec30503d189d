package io.erlmcp.transport;

import static io.erlmcp.transport.Mcp.req;
import static io.erlmcp.transport.Mcp.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.http.TestNode;
import io.erlmcp.http.TestServer;
import io.erlmcp.runtime.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MCP over stdio through pipes: framing, limits, errors, EOF and cancellation. */
class StdioTransportTest {
  /** erlmcp.stdio.max-line-bytes in this test's configuration. */
  private static final int MAX_LINE = 1024;

  private static TestNode node;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private PipedOutputStream stdin;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final CountDownLatch eof = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    node = TestNode.start("stdio-test", "erlmcp.stdio.max-line-bytes = " + MAX_LINE);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void connect() throws IOException {
    PipedInputStream in = new PipedInputStream(1 << 20);
    stdin = new PipedOutputStream(in);
    McpEdge edge = new McpEdge(node.node.core(), new Metrics());
    node.node
        .system()
        .systemActorOf(
            StdioTransport.create(edge, in, new LineSink(stdout), eof::countDown),
            "stdio-" + COUNTER.incrementAndGet(),
            Props.empty());
  }

  @AfterEach
  void disconnect() throws IOException {
    stdin.close();
  }

  /** Collects what the transport writes, one string per line. */
  private static final class LineSink extends OutputStream {
    private final BlockingQueue<String> lines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSink(BlockingQueue<String> lines) {
      this.lines = lines;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        lines.add(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }

  private void send(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  private JsonNode read() throws InterruptedException {
    String line = stdout.poll(10, TimeUnit.SECONDS);
    if (line == null) {
      fail("no line on stdout");
    }
    JsonNode n = Json.parse(line);
    assertTrue(n.isObject(), line);
    return n;
  }

  private void initialize() throws Exception {
    ObjectNode p = Json.object().put("protocolVersion", "2025-11-25");
    p.putObject("capabilities");
    p.putObject("clientInfo").put("name", "stdio-test").put("version", "1");
    send(req(0, "initialize", p));
    JsonNode r = read();
    assertEquals(0, r.path("id").asInt());
    assertEquals("2025-11-25", r.path("result").path("protocolVersion").asText(), r.toString());
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  }

  @Test
  void requestsBeforeInitializeOtherThanPingAreErrors() throws Exception {
    send(req(1, "tools/list", null));
    JsonNode r = read();
    assertEquals(1, r.path("id").asInt());
    assertEquals(-32600, r.path("error").path("code").asInt(), r.toString());
    send(req(2, "ping", null));
    JsonNode pong = read();
    assertEquals(2, pong.path("id").asInt());
    assertEquals(Json.object(), pong.path("result"));
    initialize();
    send(req(3, "tools/list", null));
    assertTrue(read().path("result").path("tools").isArray());
  }

  @Test
  void oneMessagePerLineNotificationsThenTheResponse() throws Exception {
    initialize();
    send(toolCall(5, "notify", Json.object().put("count", 3)));
    for (int i = 1; i <= 3; i++) {
      JsonNode n = read();
      assertEquals("notifications/message", n.path("method").asText(), n.toString());
      assertEquals("message " + i, n.path("params").path("data").asText());
    }
    JsonNode r = read();
    assertEquals(5, r.path("id").asInt());
    assertEquals("done 3", TestServer.textOf(r).asText());
    // Two messages on two lines in one write.
    stdin.write((req(6, "ping", null) + "\n" + req(7, "ping", null) + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    int a = read().path("id").asInt();
    int b = read().path("id").asInt();
    assertEquals(13, a + b);
  }

  @Test
  void garbageIsAParseErrorAndTheTransportContinues() throws Exception {
    initialize();
    send("this is not json");
    JsonNode err = read();
    assertEquals(-32700, err.path("error").path("code").asInt(), err.toString());
    assertTrue(err.path("id").isNull());
    send("   "); // blank lines are not messages
    send(req(8, "ping", null));
    assertEquals(8, read().path("id").asInt());
  }

  /** A ping padded with spaces to exactly {@code size} bytes. */
  private static String pingOfSize(int id, int size) {
    String ping = req(id, "ping", null);
    return ping + " ".repeat(size - ping.length());
  }

  @Test
  void lineAtTheLimitIsReadAndOneByteLongerIsRejectedWithoutStopping() throws Exception {
    initialize();
    send(pingOfSize(9, MAX_LINE));
    JsonNode ok = read();
    assertEquals(9, ok.path("id").asInt(), ok.toString());
    send(pingOfSize(10, MAX_LINE + 1));
    JsonNode tooLong = read();
    assertEquals(-32600, tooLong.path("error").path("code").asInt(), tooLong.toString());
    send(pingOfSize(11, MAX_LINE * 5));
    assertEquals(-32600, read().path("error").path("code").asInt());
    send(req(12, "ping", null));
    assertEquals(12, read().path("id").asInt());
  }

  @Test
  void endOfInputRunsOnEof() throws Exception {
    initialize();
    send(req(13, "ping", null));
    assertEquals(13, read().path("id").asInt());
    stdin.close();
    assertTrue(eof.await(10, TimeUnit.SECONDS), "onEof did not run");
  }

  @Test
  void cancelledRequestGetsNoResponseAndItsHandlerIsCancelled() throws Exception {
    initialize();
    node.server.slowStarted.clear();
    node.server.slowCancelled.clear();
    send(toolCall(14, "slow", Json.object().put("ms", 10_000)));
    assertEquals("14", node.server.slowStarted.poll(10, TimeUnit.SECONDS));
    send(
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":14,\"reason\":\"test\"}}");
    assertEquals("14", node.server.slowCancelled.poll(5, TimeUnit.SECONDS));
    send(req(15, "ping", null));
    JsonNode next = read();
    assertEquals(15, next.path("id").asInt(), "no response for the cancelled request: " + next);
    assertNotNull(next.get("result"));
    String late = stdout.poll(300, TimeUnit.MILLISECONDS);
    assertEquals(null, late, "nothing more is written");
  }

  private static ObjectNode stateless(String capsJson) {
    ObjectNode p = Json.object();
    ObjectNode m = p.putObject("_meta").put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
    m.set("io.modelcontextprotocol/clientCapabilities", Json.parseObject(capsJson));
    return p;
  }

  @Test
  void aRequestWithAMetaVersionIsServedWithoutInitialize() throws Exception {
    send(req(1, "server/discover", stateless("{}")));
    JsonNode d = read();
    assertEquals(1, d.path("id").asInt());
    assertEquals("complete", d.at("/result/resultType").asText(), d.toString());
    send(req(2, "tools/list", Json.object().set("_meta", Json.object())));
    assertEquals(-32600, read().at("/error/code").asInt(), "no _meta version: the session path");
    send(req(3, "ping", stateless("{}")));
    assertEquals(-32601, read().at("/error/code").asInt(), "ping is gone in 2026-07-28");
    ObjectNode sample = stateless("{\"sampling\":{}}").put("name", "sample");
    send(req(4, "tools/call", sample));
    JsonNode r = read();
    assertEquals("input_required", r.at("/result/resultType").asText(), r.toString());
  }

  @Test
  void aMetaVersionOnASessionRequestIsRefused() throws Exception {
    initialize();
    send(req(5, "tools/list", stateless("{}")));
    JsonNode r = read();
    assertEquals(5, r.path("id").asInt());
    assertEquals(-32600, r.at("/error/code").asInt(), r.toString());
  }

  @Test
  void notificationsCancelledCancelsAStatelessRequest() throws Exception {
    ObjectNode p = stateless("{}").put("name", "slow");
    p.putObject("arguments").put("ms", 30_000);
    send(req(6, "tools/call", p));
    assertEquals("6", node.server.slowStarted.poll(10, TimeUnit.SECONDS));
    send(
        Json.object()
            .put("jsonrpc", "2.0")
            .put("method", "notifications/cancelled")
            .set("params", Json.object().put("requestId", 6))
            .toString());
    assertEquals("6", node.server.slowCancelled.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void listenIsAcknowledgedThenDeliversUntilCancelled() throws Exception {
    ObjectNode p = stateless("{}");
    p.putObject("notifications").put("toolsListChanged", true);
    send(req(7, "subscriptions/listen", p));
    JsonNode ack = read();
    assertEquals("notifications/subscriptions/acknowledged", ack.path("method").asText());
    assertEquals(7, ack.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asInt());
    node.mcp().addTool(
        io.erlmcp.runtime.server.Tool.builder("stdio_added")
            .syncHandler((a, c) -> io.erlmcp.runtime.server.ToolResult.text("x"))
            .build());
    JsonNode changed = read();
    assertEquals("notifications/tools/list_changed", changed.path("method").asText());
    send(
        Json.object()
            .put("jsonrpc", "2.0")
            .put("method", "notifications/cancelled")
            .set("params", Json.object().put("requestId", 7))
            .toString());
    send(req(8, "server/discover", stateless("{}")));
    assertEquals(8, read().path("id").asInt(), "the discover answer comes before anything else");
    node.mcp().removeTool("stdio_added");
    assertEquals(null, stdout.poll(300, TimeUnit.MILLISECONDS), "nothing after the cancel");
  }
}
