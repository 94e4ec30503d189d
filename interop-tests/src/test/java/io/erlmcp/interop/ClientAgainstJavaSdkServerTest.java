package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.client.LogMessage;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpErrorException;
import io.erlmcp.client.RequestOptions;
import io.erlmcp.client.ServerInfo;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.LogLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * erlmcp's client SDK against the official MCP Java SDK server ({@link JavaSdkServer}): over
 * Streamable HTTP (the SDK's servlet transport on embedded Tomcat, in this JVM) and over stdio (the
 * SDK's stdio transport in a JVM of its own). Every method the SDK server offers, the callbacks it
 * makes into the client (sampling, roots, elicitation), the notifications it sends (progress, log
 * messages filtered by {@code logging/setLevel}, resource updates, tools/list_changed), an unknown
 * tool as a JSON-RPC error, and a call cancelled while the server works on it.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientAgainstJavaSdkServerTest {
  enum Transport {
    HTTP,
    STDIO
  }

  private JavaSdkServer http;
  private final CountingCallbacks callbacks = new CountingCallbacks();
  private final AtomicInteger sampled = callbacks.sampled;
  private final AtomicInteger rootsAsked = callbacks.rootsAsked;
  private final AtomicInteger elicited = callbacks.elicited;

  @BeforeAll
  void startHttpServer() throws Exception {
    http = JavaSdkServer.startHttp();
  }

  @AfterAll
  void stopHttpServer() throws Exception {
    if (http != null) {
      http.close();
    }
  }

  private McpClient.Builder client(Transport t) {
    McpClient.Builder b =
        switch (t) {
          case HTTP -> McpClient.http(http.url());
          case STDIO -> McpClient.stdio(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", System.getProperty("java.class.path"),
              JavaSdkServer.class.getName(), "--stdio");
        };
    return callbacks.install(b.requestTimeout(Duration.ofSeconds(30)));
  }

  private static String text(JsonNode result) {
    return ClientAgainstErlmcpTest.text(result);
  }

  private static List<String> names(JsonNode list, String field) {
    return ClientAgainstErlmcpTest.names(list, field);
  }

  private static JsonNode args(String json) {
    return Json.parseObject(json);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void toolsWithStructuredOutputErrorsProgressAndLogs(Transport t) {
    List<LogMessage> logs = new CopyOnWriteArrayList<>();
    List<RequestOptions.Progress> progress = new CopyOnWriteArrayList<>();
    try (McpClient c = client(t).onLog(logs::add).build()) {
      ServerInfo info = c.connect().join();
      assertEquals("java-sdk-everything", info.serverInfo().path("name").asText(), info.toString());
      assertTrue(info.capabilities().path("tools").path("listChanged").asBoolean(), info.capabilities().toString());
      assertEquals("the official Java SDK, every feature", info.instructions());
      assertTrue(c.ping().join().isObject());

      JsonNode tools = c.listTools().join();
      assertTrue(
          names(tools, "tools").containsAll(List.of("add", "fail", "countdown", "ask_client", "slow", "add_tool", "touch")),
          tools.toString());
      JsonNode add = tools.path("tools").findParent("outputSchema");
      assertEquals("add", add.path("name").asText());
      assertEquals("number", add.path("outputSchema").path("properties").path("sum").path("type").asText());

      JsonNode sum = c.callTool("add", args("{\"a\":1,\"b\":2}")).join();
      assertEquals(3.0, sum.path("structuredContent").path("sum").asDouble(), sum.toString());
      assertEquals("3.0", text(sum));
      assertFalse(sum.path("isError").asBoolean());

      JsonNode failed = c.callTool("fail", Json.object()).join();
      assertTrue(failed.path("isError").asBoolean(), failed.toString());
      assertEquals("it failed", text(failed));

      assertTrue(c.setLogLevel(LogLevel.WARNING).join().isObject());
      JsonNode done = c.callTool("countdown", args("{\"steps\":3}"), RequestOptions.progress(progress::add)).join();
      assertEquals("done after 3", text(done));
      assertEquals(List.of(1.0, 2.0, 3.0), progress.stream().map(RequestOptions.Progress::progress).toList());
      assertEquals(3.0, progress.get(0).total());
      assertEquals("step 1", progress.get(0).message());
      // the DEBUG messages are below the level set: the SDK does not send them
      assertEquals(List.of("step 1", "step 2", "step 3"), logs.stream().map(m -> m.data().asText()).toList());
      assertTrue(logs.stream().allMatch(m -> m.level() == LogLevel.WARNING && "countdown".equals(m.logger())));

      CompletionException unknown = assertThrows(CompletionException.class, () -> c.callTool("no_such_tool", Json.object()).join());
      McpErrorException e = assertInstanceOf(McpErrorException.class, unknown.getCause());
      assertEquals(-32602, e.code(), e.getMessage());
      // the SDK's message names no tool: "Unknown tool: invalid_tool_name"
      assertTrue(e.getMessage().startsWith("Unknown tool"), e.getMessage());
      // the connection carries on after an error
      assertEquals(3.0, c.callTool("add", args("{\"a\":1,\"b\":2}")).join().path("structuredContent").path("sum").asDouble());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aToolCallsBackForSamplingRootsAndElicitation(Transport t) {
    int s0 = sampled.get();
    int r0 = rootsAsked.get();
    int e0 = elicited.get();
    try (McpClient c = client(t).build()) {
      c.connect().join();
      JsonNode r = c.callTool("ask_client", Json.object()).join();
      assertEquals("sampled=Paris roots=[file:///work] elicited=accept:{name=Ada}", text(r), r.toString());
      assertEquals(s0 + 1, sampled.get());
      assertEquals(r0 + 1, rootsAsked.get());
      assertEquals(e0 + 1, elicited.get());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void resourcesTemplatesAndSubscriptions(Transport t) throws Exception {
    BlockingQueue<String> updated = new LinkedBlockingQueue<>();
    try (McpClient c =
        client(t)
            .onNotification(
                (method, params) -> {
                  if (method.equals("notifications/resources/updated")) {
                    updated.add(params.path("uri").asText());
                  }
                })
            .build()) {
      c.connect().join();
      JsonNode list = c.listResources().join();
      assertEquals(List.of("blob", "text"), names(list, "resources").stream().sorted().toList(), list.toString());

      JsonNode text = c.readResource(JavaSdkServer.TEXT_URI).join().path("contents").get(0);
      assertEquals("hello from the SDK", text.path("text").asText());
      assertEquals("text/plain", text.path("mimeType").asText());
      JsonNode blob = c.readResource(JavaSdkServer.BLOB_URI).join().path("contents").get(0);
      assertEquals(JavaSdkServer.blobBase64(), blob.path("blob").asText(), blob.toString());
      assertEquals("application/octet-stream", blob.path("mimeType").asText());

      JsonNode templates = c.listResourceTemplates().join();
      assertEquals("sdk://items/{id}", templates.path("resourceTemplates").get(0).path("uriTemplate").asText(), templates.toString());
      assertEquals("item 42", c.readResource("sdk://items/42").join().path("contents").get(0).path("text").asText());

      assertTrue(c.subscribe(JavaSdkServer.TEXT_URI).join().isObject());
      c.callTool("touch", Json.object().put("uri", JavaSdkServer.TEXT_URI)).join();
      assertEquals(JavaSdkServer.TEXT_URI, updated.poll(10, TimeUnit.SECONDS), "no notifications/resources/updated");
      assertTrue(c.unsubscribe(JavaSdkServer.TEXT_URI).join().isObject());
      c.callTool("touch", Json.object().put("uri", JavaSdkServer.TEXT_URI)).join();
      assertEquals(null, updated.poll(1, TimeUnit.SECONDS), "an update after unsubscribe");

      CompletionException missing = assertThrows(CompletionException.class, () -> c.readResource("sdk://none").join());
      McpErrorException e = assertInstanceOf(McpErrorException.class, missing.getCause());
      assertEquals(-32002, e.code(), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void promptsWithArgumentsAndCompletion(Transport t) {
    try (McpClient c = client(t).build()) {
      c.connect().join();
      JsonNode prompts = c.listPrompts().join();
      JsonNode greet = prompts.path("prompts").get(0);
      assertEquals("greet", greet.path("name").asText(), prompts.toString());
      assertEquals("name", greet.path("arguments").get(0).path("name").asText());
      assertTrue(greet.path("arguments").get(0).path("required").asBoolean());

      JsonNode got = c.getPrompt("greet", Map.of("name", "Ada", "style", "formal")).join();
      assertEquals("a greeting", got.path("description").asText());
      JsonNode message = got.path("messages").get(0);
      assertEquals("user", message.path("role").asText());
      assertEquals("Hello Ada (formal)", message.path("content").path("text").asText());

      JsonNode ref = Json.object().put("type", "ref/prompt").put("name", "greet");
      JsonNode completion = c.complete(ref, "style", "f", Map.of("name", "Ada")).join().path("completion");
      assertEquals(List.of("formal", "friendly", "funny"), toStrings(completion.path("values")));
      assertEquals(3, completion.path("total").asInt());
      assertEquals(List.of("funny"), toStrings(c.complete(ref, "style", "fu", Map.of()).join().path("completion").path("values")));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aToolAddedAtRuntimeIsAnnouncedWithListChanged(Transport t) throws Exception {
    BlockingQueue<String> changed = new LinkedBlockingQueue<>();
    try (McpClient c = client(t).onNotification((m, p) -> changed.add(m)).build()) {
      c.connect().join();
      // the HTTP server is shared by the parameterized runs: 'late' may already be there
      assertEquals("added", text(c.callTool("add_tool", Json.object()).join()));
      String m;
      do {
        m = changed.poll(10, TimeUnit.SECONDS);
      } while (m != null && !m.equals("notifications/tools/list_changed"));
      assertEquals("notifications/tools/list_changed", m);
      assertTrue(names(c.listTools().join(), "tools").contains("late"));
      assertEquals("late", text(c.callTool("late", Json.object()).join()));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCancelledCallFailsAtOnceAndTheClientCarriesOn(Transport t) {
    try (McpClient c = client(t).build()) {
      c.connect().join();
      CompletableFuture<JsonNode> slow = c.callTool("slow", args("{\"millis\":3000}"));
      long start = System.nanoTime();
      assertTrue(slow.cancel(true));
      assertThrows(CancellationException.class, slow::join);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
      // notifications/cancelled went out; the SDK server ignores it (it has no handler for it)
      // and its late answer is dropped by the client, which keeps serving calls meanwhile
      assertEquals(3.0, c.callTool("add", args("{\"a\":1,\"b\":2}")).join().path("structuredContent").path("sum").asDouble());
      JsonNode timedOut =
          c.callTool("slow", args("{\"millis\":2000}"), RequestOptions.timeout(Duration.ofMillis(300)))
              .handle((r, e) -> e == null ? r : Json.object().put("error", e.getClass().getSimpleName()))
              .join();
      assertEquals("McpTimeoutException", timedOut.path("error").asText(), timedOut.toString());
      assertTrue(c.ping().join().isObject());
    }
  }

  private static List<String> toStrings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
