package io.erlmcp.transport;

import static io.erlmcp.transport.Mcp.req;
import static io.erlmcp.transport.Mcp.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.http.TestNode;
import io.erlmcp.http.TestServer;
import io.erlmcp.runtime.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MCP over TCP with real sockets: framing, limits, slow readers and abrupt disconnects. */
class TcpTransportTest {
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_CONNECTIONS = 4;
  private static TestNode node;

  @BeforeAll
  static void start() {
    node =
        TestNode.startWithTcp(
            "tcp-test",
            "erlmcp.tcp.max-line-bytes = " + MAX_LINE
                + "\nerlmcp.tcp.max-connections = " + MAX_CONNECTIONS
                + "\nerlmcp.tcp.outgoing-buffer = 16"
                + "\nerlmcp.tcp.idle-timeout = 4s\n");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** Each test starts with no connection of an earlier one still counted against the bound. */
  @BeforeEach
  void noConnectionsLeft() throws InterruptedException {
    TestNode.awaitAtMost(node.tcp()::openConnections, 0, "TCP connections");
  }

  private static LineClient session(String name) throws Exception {
    LineClient c = LineClient.connect(node.tcpPort());
    c.initialize(name);
    return c;
  }

  @Test
  void aSessionOverTcpCallsToolsAndAnswersServerRequests() throws Exception {
    try (LineClient c = session("tcp-basic")) {
      c.send(toolCall(1, "echo", Json.object().put("text", "over tcp")));
      assertEquals("over tcp", TestServer.textOf(c.response(1)).asText());
      c.samplingRoundTrip(3, "tcp client");
      c.malformedJsonThenPing(4);
    }
  }

  @Test
  void aLineOverTheLimitIsAnsweredThenClosedAndOthersCarryOn() throws Exception {
    try (LineClient other = session("tcp-bystander"); LineClient big = session("tcp-big")) {
      String atLimit = "\"" + "x".repeat(MAX_LINE - 2) + "\"";
      big.send(atLimit);
      assertEquals(-32600, big.read().path("error").path("code").asInt());
      big.send("\"" + "x".repeat(MAX_LINE - 1) + "\"");
      JsonNode err = big.read();
      assertEquals(-32600, err.path("error").path("code").asInt(), err.toString());
      assertTrue(err.path("error").path("message").asText().contains(String.valueOf(MAX_LINE)));
      assertEquals("eof", big.awaitEnd());

      other.send(toolCall(5, "echo", Json.object().put("text", "still here")));
      assertEquals("still here", TestServer.textOf(other.response(5)).asText());
    }
  }

  @Test
  void aClientThatDoesNotReadIsDisconnected() throws Exception {
    try (LineClient other = session("tcp-reader");
        LineClient slow = new LineClient(new java.net.Socket("127.0.0.1", node.tcpPort()), false)) {
      slow.socket.setReceiveBufferSize(4096);
      slow.send(Mcp.initialize(0, "tcp-slow"));
      slow.send(toolCall(1, "notify", Json.object().put("count", 40_000)));
      Thread.sleep(1500);
      // read what made it into the socket buffers, then the end: far fewer than 40 000 lines
      int lines = 0;
      boolean reset = false;
      try (InputStream in = slow.socket.getInputStream()) {
        byte[] buf = new byte[65536];
        int n;
        slow.socket.setSoTimeout(10_000);
        while ((n = in.read(buf)) >= 0) {
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              lines++;
            }
          }
        }
      } catch (java.net.SocketException e) {
        reset = true; // the server aborted: connection reset
      }
      assertTrue(lines < 40_000, "read " + lines + " lines (reset " + reset + ")");
      other.send(toolCall(2, "echo", Json.object().put("text", "unaffected")));
      assertEquals("unaffected", TestServer.textOf(other.response(2)).asText());
    }
  }

  @Test
  void anAbruptDisconnectCancelsItsRequestsOnly() throws Exception {
    try (LineClient other = session("tcp-other")) {
      LineClient gone = session("tcp-gone");
      MessageClient.abruptDisconnect(
          gone,
          () -> {
            gone.socket.setSoLinger(true, 0); // close with RST
            gone.close();
          },
          other,
          node.server,
          17);
    }
  }

  @Test
  void connectionsBeyondTheBoundGetAnErrorAndAreClosed() throws Exception {
    List<LineClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        LineClient c = LineClient.connect(node.tcpPort());
        c.send(req(1, "ping", null));
        c.response(1);
        open.add(c);
      }
      try (LineClient refused = LineClient.connect(node.tcpPort())) {
        JsonNode err = refused.read();
        assertTrue(err.path("error").path("message").asText().contains("Too many connections"), err.toString());
        assertEquals("eof", refused.awaitEnd());
      }
      open.remove(0).close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        LineClient again = LineClient.connect(node.tcpPort());
        again.send(req(2, "ping", null));
        JsonNode r = again.read();
        if (r.has("result")) {
          open.add(again);
          break;
        }
        again.close();
        assertTrue(System.nanoTime() < deadline, "no connection accepted after one closed");
        Thread.sleep(100);
      }
    } finally {
      for (LineClient c : open) {
        c.close();
      }
    }
  }

  @Test
  void aClientThatHalfClosesGetsItsAnswersThenTheEnd() throws Exception {
    try (LineClient c = LineClient.connect(node.tcpPort())) {
      c.send(Mcp.initialize(0, "tcp-half-close"));
      c.send(Mcp.INITIALIZED);
      c.send(toolCall(31, "slow", Json.object().put("ms", 300)));
      // the last message without a newline, then the client's side is closed
      c.socket
          .getOutputStream()
          .write(
              toolCall(2, "echo", Json.object().put("text", "last"))
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      c.socket.shutdownOutput();
      assertEquals("eof", c.awaitEnd());
      java.util.Map<Integer, JsonNode> byId = new java.util.HashMap<>();
      for (String l : c.lines) {
        JsonNode n = Json.parse(l);
        if (n.has("id") && !n.has("method")) {
          byId.put(n.path("id").asInt(), n);
        }
      }
      assertTrue(byId.get(0).has("result"), byId.toString());
      assertEquals("slow done", TestServer.textOf(byId.get(31)).asText(), byId.toString());
      assertEquals("last", TestServer.textOf(byId.get(2)).asText(), byId.toString());
      // other tests read these queues (closing the connection may still fire the finished
      // request's cancellation token: its answer above is what counts)
      assertTrue(node.server.slowStarted.remove("31"));
      Thread.sleep(200);
      node.server.slowCancelled.remove("31");
    }
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    try (LineClient c = session("tcp-idle")) {
      long start = System.nanoTime();
      assertEquals("eof", c.awaitEnd());
      assertTrue(System.nanoTime() - start > TimeUnit.SECONDS.toNanos(3));
    }
  }
}
