package io.erlmcp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.client.transport.McpTransport;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Response;
import io.erlmcp.runtime.jsonrpc.RequestId;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The bounded pool that runs sampling/roots/elicitation handlers: a server flooding the client
 * with requests gets {@code -32603 "client busy"} for those past threads + queue, at once, and the
 * others are answered once the handlers free up. The server side is an in-memory transport.
 */
class HandlerPoolTest {

  /** A transport whose "server" answers initialize and lets the test send requests and read replies. */
  private static final class Loopback implements McpTransport {
    private Listener listener;
    final BlockingQueue<JsonRpcMessage> replies = new LinkedBlockingQueue<>();

    @Override
    public CompletionStage<Void> start(Listener l) {
      this.listener = l;
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> send(JsonRpcMessage message, Map<String, String> headers) {
      if (message instanceof Request r && r.method().equals("initialize")) {
        listener.onMessage(
            new Response(
                r.id(),
                Json.parseObject(
                    "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"serverInfo\":{\"name\":\"loop\",\"version\":\"1\"}}")));
      } else if (message instanceof Response || message instanceof ErrorResponse) {
        replies.add(message);
      }
      return CompletableFuture.completedFuture(null);
    }

    void serverAsks(long id) {
      listener.onMessage(new Request(RequestId.of(id), "sampling/createMessage", Json.object()));
    }

    @Override
    public void close() {}
  }

  @Test
  void requestsPastThreadsPlusQueueAreAnsweredClientBusyAndTheRestWhenHandlersFreeUp() throws Exception {
    Loopback server = new Loopback();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    try (McpClient c =
        McpClient.builder(server)
            .handlerPool(2, 3)
            .sampling(
                p -> {
                  running.incrementAndGet();
                  try {
                    release.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return CompletableFuture.completedFuture(Json.object().put("model", "m"));
                })
            .build()) {
      c.connect().join();
      // 2 running + 3 waiting fit (the limit); requests 6 and 7 (limit + 1, + 2) do not
      for (long id = 1; id <= 7; id++) {
        server.serverAsks(id);
      }
      for (long busy : new long[] {6, 7}) {
        JsonRpcMessage m = server.replies.poll(5, TimeUnit.SECONDS);
        ErrorResponse e = assertInstanceOf(ErrorResponse.class, m, String.valueOf(m));
        assertEquals(RequestId.of(busy), e.id());
        assertEquals(-32603, e.error().code());
        assertEquals(McpClient.CLIENT_BUSY, e.error().message());
      }
      assertNull(server.replies.poll(200, TimeUnit.MILLISECONDS), "a request was answered before the handlers finished");
      assertEquals(2, running.get());
      release.countDown();
      java.util.Set<RequestId> answered = new java.util.HashSet<>();
      for (int i = 0; i < 5; i++) {
        Response r = assertInstanceOf(Response.class, server.replies.poll(5, TimeUnit.SECONDS));
        assertEquals("m", r.result().path("model").asText());
        answered.add(r.id());
      }
      assertEquals(5, answered.size());
      // with the pool free again, a new request is served
      server.serverAsks(8);
      assertEquals(RequestId.of(8), assertInstanceOf(Response.class, server.replies.poll(5, TimeUnit.SECONDS)).id());
    }
  }

  @Test
  void thePoolBoundsMustBePositive() {
    McpClient.Builder b = McpClient.builder(new Loopback());
    assertThrows(IllegalArgumentException.class, () -> b.handlerPool(0, 1));
    assertThrows(IllegalArgumentException.class, () -> b.handlerPool(1, 0));
    assertTrue(b.handlerPool(1, 1) == b);
  }
}
