package io.erlmcp.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/resources/sdk-client.cjs: the official TypeScript SDK's client (tools/js, see
 * tools/js/setup.sh) in node over one of its transports against a URL. It lists tools, calls
 * echo, sample (a sampling round trip) and notify (log notifications), printing one
 * {"step","value"} line per step; {@link #assertFullSession} checks them.
 */
final class NodeSdkClient {
  private NodeSdkClient() {}

  static Path sdk() {
    Path p =
        Path.of("..", "tools", "js", "node_modules", "@modelcontextprotocol", "sdk")
            .toAbsolutePath()
            .normalize();
    assertTrue(
        Files.isDirectory(p),
        "the official TypeScript SDK is missing: run tools/js/setup.sh (" + p + ")");
    return p;
  }

  /**
   * The script's steps by name for transport {@code kind} (sse or websocket); fails the test
   * when node exits non-zero.
   */
  static Map<String, JsonNode> run(String kind, String url) throws Exception {
    Path file = Path.of("src", "test", "resources", "sdk-client.cjs").toAbsolutePath();
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add("node");
    if (kind.equals("websocket")) {
      cmd.add("--experimental-websocket"); // Node 20; built in (and accepted) on Node 22
    }
    cmd.addAll(java.util.List.of(file.toString(), kind, sdk().toString(), url));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, JsonNode> steps = new HashMap<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode n = Json.parse(line);
        steps.put(n.path("step").asText(), n.path("value"));
      }
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node client did not finish");
    assertEquals(0, p.exitValue(), "node client failed; steps so far: " + steps);
    return steps;
  }

  /** Every step of a session served by the test server went as expected. */
  static void assertFullSession(String kind, Map<String, JsonNode> s) {
    assertEquals("test-server", s.get("version").path("name").asText(), s.toString());
    assertTrue(s.get("tools").toString().contains("\"echo\""), s.toString());
    assertEquals(kind + " hello", s.get("echo").asText());
    assertEquals("sampled: node says ping", s.get("sample").asText());
    assertEquals("done 2", s.get("notify").asText());
    assertEquals("[\"message 1\",\"message 2\"]", s.get("logs").toString());
    assertTrue(s.get("closed").asBoolean());
  }
}
