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
 * Runs a script of src/test/resources that drives the official TypeScript SDK (tools/js, see
 * tools/js/setup.sh) in node against a URL; the script prints one {"step","value"} line per step.
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

  /** The script's steps by name; fails the test when node exits non-zero. */
  static Map<String, JsonNode> run(String script, String url, String... nodeFlags)
      throws Exception {
    Path file = Path.of("src", "test", "resources", script).toAbsolutePath();
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add("node");
    cmd.addAll(java.util.List.of(nodeFlags));
    cmd.addAll(java.util.List.of(file.toString(), sdk().toString(), url));
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
}
