package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

/**
 * Cancelling a long-running call. The SDK 2.1.0 client has no API that sends
 * notifications/cancelled (disposing a call's Mono only drops the client's interest), so the
 * protocol-level cancellation is sent raw with java.net.http; the SDK part checks that a client
 * that gives up on a call keeps a working session.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180)
class CancellationOverHttpInteropTest {
  @RegisterExtension final ServerLogOnFailure serverLog = new ServerLogOnFailure();

  private ErlmcpServer server;
  private RawMcp raw;

  @BeforeAll
  void startServer() {
    server =
        ErlmcpServer.startHttp(
            ErlmcpServer.freePort(),
            ErlmcpServer.newDataDir("cancellation"),
            serverLog.watch(ErlmcpServer.newLogFile("cancellation")));
    raw = new RawMcp(server.url());
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void notificationsCancelledStopsACountdownWithoutAResponse() throws Exception {
    String session = raw.initialize();
    int id = 4242;
    String call =
        """
        {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"countdown",\
        "arguments":{"seconds":30},"_meta":{"progressToken":"cancel-me"}}}"""
            .formatted(id);
    HttpRequest request =
        raw.postBuilder(session, call).timeout(Duration.ofSeconds(60)).build();

    // Read the call's SSE stream line by line in the background.
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    CompletableFuture<HttpResponse<Stream<String>>> response =
        raw.http().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    CompletableFuture<Void> streamEnded =
        response.thenAcceptAsync(
            r -> {
              assertEquals(200, r.statusCode());
              assertTrue(
                  r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                  "a call with progress answers with an SSE stream");
              try (Stream<String> s = r.body()) {
                s.forEach(lines::add);
              }
            });

    // Wait until the countdown runs (its first progress notification), then cancel it.
    List<String> seen = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (seen.stream().noneMatch(l -> l.contains("notifications/progress"))) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
      }
      assertTrue(System.nanoTime() < deadline, "no progress within 15 s; saw " + seen);
    }
    HttpResponse<String> cancelled =
        raw.post(
            session,
            """
            {"jsonrpc":"2.0","method":"notifications/cancelled",\
            "params":{"requestId":%d,"reason":"interop test cancels"}}"""
                .formatted(id));
    assertEquals(202, cancelled.statusCode(), cancelled.body());

    // The stream ends soon, and never carries a response for the cancelled request.
    streamEnded.get(10, TimeUnit.SECONDS);
    lines.drainTo(seen);
    for (String data : RawMcp.sseData(seen)) {
      JsonNode m = RawMcp.parse(data);
      assertFalse(
          m.has("id") && m.get("id").asInt() == id,
          "the cancelled request must get no response, got " + data);
    }
    long progressCount = seen.stream().filter(l -> l.contains("notifications/progress")).count();
    assertTrue(progressCount < 10, "countdown kept going after cancellation: " + seen);

    // The session goes on serving.
    assertEquals("after cancel", raw.echo(session, "after cancel"));
  }

  @Test
  void sdkClientThatDisposesACallKeepsAWorkingSession() throws Exception {
    List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
    McpAsyncClient client =
        McpClient.async(
                HttpClientStreamableHttpTransport.builder(server.baseUrl())
                    .endpoint("/mcp")
                    .build())
            .requestTimeout(Duration.ofSeconds(60))
            .progressConsumer(
                p -> {
                  progress.add(p);
                  return reactor.core.publisher.Mono.empty();
                })
            .build();
    try {
      client.initialize().block(Duration.ofSeconds(60));
      Disposable call =
          client
              .callTool(
                  CallToolRequest.builder("countdown")
                      .arguments(Map.of("seconds", 30))
                      .progressToken("sdk-dispose")
                      .build())
              .subscribe();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (progress.stream().noneMatch(p -> "sdk-dispose".equals(p.progressToken()))) {
        assertTrue(System.nanoTime() < deadline, "no progress within 15 s");
        Thread.sleep(50);
      }
      call.dispose();

      CallToolResult echo =
          client
              .callTool(new CallToolRequest("echo", Map.of("message", "still here")))
              .block(Duration.ofSeconds(30));
      assertEquals(
          "still here", ((McpSchema.TextContent) echo.content().get(0)).text());
      client.ping().block(Duration.ofSeconds(30));
    } finally {
      client.closeGracefully().block(Duration.ofSeconds(30));
    }
  }
}
