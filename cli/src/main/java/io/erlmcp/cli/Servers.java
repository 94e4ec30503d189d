package io.erlmcp.cli;

import io.erlmcp.examples.ConformanceServer;
import io.erlmcp.examples.HelloServer;
import io.erlmcp.runtime.server.McpServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The example servers the command can serve, by name. */
final class Servers {
  private Servers() {}

  static final Map<String, Supplier<McpServer>> ALL = new LinkedHashMap<>();

  static {
    ALL.put("hello", HelloServer::create);
    ALL.put("conformance", ConformanceServer::create);
  }
}
