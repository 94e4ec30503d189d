package io.erlmcp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.client.McpClient;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code erlmcp conformance-client URL}: the client the official conformance suite drives ({@code
 * conformance client --command 'bin/erlmcp conformance-client'}). The suite starts a test server
 * per scenario and runs this command with its URL; the scenario name is in {@code
 * MCP_CONFORMANCE_SCENARIO}, the revision in {@code MCP_CONFORMANCE_PROTOCOL_VERSION} (2026-07-28
 * selects the stateless revision) and scenario data in {@code MCP_CONFORMANCE_CONTEXT}.
 *
 * <p>Each scenario is the plain use of the SDK a user would write: connect, list, call. Everything
 * the suite checks (headers, defaults, resumption, retries with {@code inputResponses}) is done
 * by the SDK itself, not by this command.
 */
@Command(
    name = "conformance-client",
    mixinStandardHelpOptions = true,
    description = {
      "The client side of the official MCP conformance suite: runs the scenario named by",
      "MCP_CONFORMANCE_SCENARIO against URL. Exit 0 when the scenario ran, 1 when it failed."
    })
final class ConformanceClientCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "URL", description = "The scenario server's URL.")
  String url;

  @Override
  public Integer call() {
    String scenario = System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", "initialize");
    String revision = System.getenv().getOrDefault("MCP_CONFORMANCE_PROTOCOL_VERSION", "2025-11-25");
    JsonNode context = parseContext(System.getenv("MCP_CONFORMANCE_CONTEXT"));
    ProtocolVersion version = ProtocolVersion.parse(revision).orElse(ProtocolVersion.LATEST_SESSION);
    McpClient.Builder b =
        McpClient.http(url)
            .protocolVersion(version)
            .clientInfo("erlmcp-conformance-client", "0.1.0")
            .requestTimeout(Duration.ofSeconds(20))
            .elicitation(p -> CompletableFuture.completedFuture(accept(p.path("requestedSchema"))))
            .sampling(
                p -> {
                  ObjectNode r = Json.object().put("role", "assistant").put("model", "erlmcp-conformance");
                  r.putObject("content").put("type", "text").put("text", "conformance answer");
                  r.put("stopReason", "endTurn");
                  return CompletableFuture.completedFuture(r);
                })
            .roots(p -> CompletableFuture.completedFuture(Json.object().set("roots", Json.array())));
    System.err.println("conformance-client: scenario " + scenario + " at " + revision + " against " + url);
    try (McpClient client = b.build()) {
      client.connect().join();
      run(scenario, client, context);
      return 0;
    } catch (CompletionException e) {
      System.err.println("conformance-client: " + (e.getCause() == null ? e : e.getCause()));
      return 1;
    } catch (IllegalStateException e) {
      System.err.println("conformance-client: " + e.getMessage());
      return 1;
    }
  }

  private static void run(String scenario, McpClient client, JsonNode context) {
    switch (scenario) {
      case "initialize", "tools_call", "tools-call" -> {
        JsonNode tools = client.listTools().join().path("tools");
        if (tools.size() > 0) {
          client.callTool(tools.get(0).path("name").asText(), Json.object().put("a", 2).put("b", 3)).join();
        }
      }
      case "json-schema-ref-no-deref", "request-metadata" -> client.listTools().join();
      case "json-schema-2020-12-preservation" -> {
        JsonNode focal = find(client.listTools().join().path("tools"), "json_schema_2020_12_tool");
        ObjectNode args = Json.object();
        args.set("schema", focal.path("inputSchema"));
        client.callTool("json_schema_echo", args).join();
      }
      case "http-custom-headers" -> {
        client.listTools().join();
        for (JsonNode call : context.path("toolCalls")) {
          client.callTool(call.path("name").asText(), call.path("arguments")).join();
        }
      }
      case "http-standard-headers" -> {
        callEveryTool(client);
        for (JsonNode r : client.listResources().join().path("resources")) {
          client.readResource(r.path("uri").asText()).join();
        }
        for (JsonNode p : client.listPrompts().join().path("prompts")) {
          client.getPrompt(p.path("name").asText(), Map.of()).join();
        }
      }
      default -> {
        // sse-retry, elicitation defaults, sep-2322 request state, invalid tool headers and any
        // scenario this command does not know: call every tool the server offers, in order.
        callEveryTool(client);
      }
    }
  }

  private static void callEveryTool(McpClient client) {
    for (JsonNode t : client.listTools().join().path("tools")) {
      client.callTool(t.path("name").asText(), argumentsFor(t.path("inputSchema"))).join();
    }
  }

  private static JsonNode find(JsonNode tools, String name) {
    for (JsonNode t : tools) {
      if (name.equals(t.path("name").asText())) {
        return t;
      }
    }
    throw new IllegalStateException("the server offers no tool " + name);
  }

  /** Arguments for a tool: a plausible value for every required property. */
  static ObjectNode argumentsFor(JsonNode schema) {
    ObjectNode args = Json.object();
    for (JsonNode req : schema.path("required")) {
      String key = req.asText();
      args.set(key, sample(schema.path("properties").path(key)));
    }
    return args;
  }

  /** Accepts an elicitation: a value for each field without a default (the SDK fills defaults). */
  static ObjectNode accept(JsonNode schema) {
    ObjectNode content = Json.object();
    schema.path("properties").properties().forEach(e -> {
      if (!e.getValue().has("default")) {
        content.set(e.getKey(), sample(e.getValue()));
      }
    });
    ObjectNode r = Json.object().put("action", "accept");
    r.set("content", content);
    return r;
  }

  private static JsonNode sample(JsonNode prop) {
    if (prop.has("default")) {
      return prop.get("default");
    }
    if (prop.path("enum").isArray() && prop.path("enum").size() > 0) {
      return prop.path("enum").get(0);
    }
    return switch (prop.path("type").asText("string")) {
      case "boolean" -> Json.NODES.booleanNode(true);
      case "integer", "number" -> Json.NODES.numberNode(1);
      case "object" -> Json.object();
      case "array" -> Json.array();
      default -> Json.NODES.textNode("conformance");
    };
  }

  private static JsonNode parseContext(String raw) {
    if (raw == null || raw.isBlank()) {
      return Json.object();
    }
    try {
      return Json.MAPPER.readTree(raw);
    } catch (JsonProcessingException e) {
      return Json.object();
    }
  }
}
