package io.erlmcp.examples.quickstart;

import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.util.concurrent.CompletableFuture;

/** The README's quickstart: one tool, served by `bin/erlmcp serve --server <this class>`. */
public final class WeatherServer {
  private WeatherServer() {}

  /** The command looks for a public static create() returning the server. */
  public static McpServer create() {
    Tool forecast =
        Tool.builder("forecast")
            .title("Weather forecast")
            .description("Tomorrow's forecast for a city")
            .inputSchema(
                """
                {"type": "object",
                 "properties": {"city": {"type": "string", "minLength": 1}},
                 "required": ["city"]}
                """)
            .handler(
                (args, ctx) -> {
                  String city = args.get("city").asText();
                  ctx.log(LogLevel.INFO, "forecast requested for " + city);
                  return CompletableFuture.completedFuture(
                      ToolResult.text("Tomorrow in " + city + ": sunny, 21 °C"));
                })
            .build();
    return McpServer.builder("weather", "1.0.0").tool(forecast).build();
  }
}
