package io.erlmcp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The 2024-11-05 HTTP+SSE transport against the reference server's {@code sse} mode: the GET
 * stream, its {@code endpoint} event, POSTs to the message URL, responses and server-to-client
 * requests on the stream; and the stream's end failing what is pending.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EverythingOverLegacySseTest {
  private Peers.Server server;
  private McpClient client;

  @BeforeAll
  void connect() {
    server = Peers.everythingHttp("sse");
    client =
        McpClient.legacySse(server.url("/sse"))
            .sampling(
                p -> {
                  ObjectNode r = Json.object().put("role", "assistant").put("model", "m");
                  r.putObject("content").put("type", "text").put("text", "over legacy sse");
                  return CompletableFuture.completedFuture(r);
                })
            .build();
    client.connect().join();
  }

  @AfterAll
  void close() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void speaksTheOldestRevision() {
    assertEquals(ProtocolVersion.V2024_11_05, client.protocolVersion());
  }

  @Test
  void requestsProgressAndServerToClientRequestsTravelOverTheStream() {
    assertTrue(client.ping().join().isObject());
    JsonNode echo = client.callTool("echo", Json.object().put("message", "legacy")).join();
    assertTrue(AbstractEverythingTest.text(echo).contains("legacy"));
    List<RequestOptions.Progress> seen = new CopyOnWriteArrayList<>();
    client.callTool("trigger-long-running-operation", Json.object().put("duration", 1).put("steps", 2),
        RequestOptions.progress(seen::add)).join();
    assertEquals(2, seen.size());
    JsonNode sampled = client.callTool("trigger-sampling-request", Json.object().put("prompt", "p").put("maxTokens", 5)).join();
    assertTrue(sampled.toString().contains("over legacy sse"), sampled.toString());
    assertFalse(client.listResources().join().path("resources").isEmpty());
  }

  @Test
  void theServerGoingAwayFailsPendingAndLaterRequestsWithTransportLoss() throws Exception {
    Peers.Server other = Peers.everythingHttp("sse");
    McpClient c = McpClient.legacySse(other.url("/sse")).build();
    try {
      c.connect().join();
      CompletableFuture<JsonNode> slow =
          c.callTool("trigger-long-running-operation", Json.object().put("duration", 20).put("steps", 2));
      other.close();
      CompletionException e = assertThrows(CompletionException.class, slow::join);
      assertInstanceOf(McpTransportException.class, e.getCause());
      CompletionException later = assertThrows(CompletionException.class, () -> c.ping().join());
      assertInstanceOf(McpTransportException.class, later.getCause());
    } finally {
      c.close();
      other.close();
    }
  }
}
