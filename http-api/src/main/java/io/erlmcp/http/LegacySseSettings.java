package io.erlmcp.http;

import com.typesafe.config.Config;
import java.time.Duration;

/** Settings of the legacy HTTP+SSE transport (2024-11-05), from {@code erlmcp.legacy-sse}. */
public record LegacySseSettings(String path, int maxConnections, Duration idleTimeout) {

  public static LegacySseSettings from(Config config) {
    Config c = config.getConfig("erlmcp.legacy-sse");
    return new LegacySseSettings(
        c.getString("path"), c.getInt("max-connections"), c.getDuration("idle-timeout"));
  }
}
