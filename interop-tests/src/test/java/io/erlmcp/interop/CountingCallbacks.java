package io.erlmcp.interop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.client.McpClient;
import io.erlmcp.runtime.Json;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of server-to-client requests in the client SDK's interop tests, counting each:
 * sampling answers "Paris", roots lists {@code file:///work}, elicitation accepts with a value for
 * every field of the requested schema (true, 7, "teal" for {@code color}, else "Ada").
 */
final class CountingCallbacks {
  final AtomicInteger sampled = new AtomicInteger();
  final AtomicInteger rootsAsked = new AtomicInteger();
  final AtomicInteger elicited = new AtomicInteger();

  /** {@code b} with the three handlers (which also declare the three capabilities). */
  McpClient.Builder install(McpClient.Builder b) {
    return b.elicitation(
            p -> {
              elicited.incrementAndGet();
              ObjectNode content = Json.object();
              p.path("requestedSchema").path("properties").properties().forEach(e -> {
                switch (e.getValue().path("type").asText()) {
                  case "boolean" -> content.put(e.getKey(), true);
                  case "number", "integer" -> content.put(e.getKey(), 7);
                  default -> content.put(e.getKey(), e.getKey().equals("color") ? "teal" : "Ada");
                }
              });
              ObjectNode r = Json.object().put("action", "accept");
              r.set("content", content);
              return CompletableFuture.completedFuture(r);
            })
        .sampling(
            p -> {
              sampled.incrementAndGet();
              ObjectNode r = Json.object().put("role", "assistant").put("model", "m");
              r.putObject("content").put("type", "text").put("text", "Paris");
              return CompletableFuture.completedFuture(r);
            })
        .roots(
            p -> {
              rootsAsked.incrementAndGet();
              ObjectNode r = Json.object();
              r.putArray("roots").addObject().put("uri", "file:///work").put("name", "work");
              return CompletableFuture.completedFuture(r);
            });
  }
}
