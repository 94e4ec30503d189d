package io.erlmcp.http;

import com.typesafe.config.Config;
import java.time.Duration;

/** Settings of the WebSocket endpoint, from {@code erlmcp.websocket}. */
public record WebSocketSettings(
    String path,
    long maxMessageBytes,
    int maxConnections,
    int outgoingBuffer,
    Duration keepAlive,
    Duration idleTimeout,
    Duration closeTimeout) {

  public static WebSocketSettings from(Config config) {
    Config c = config.getConfig("erlmcp.websocket");
    return new WebSocketSettings(
        c.getString("path"),
        c.getBytes("max-message-size"),
        c.getInt("max-connections"),
        c.getInt("outgoing-buffer"),
        c.getDuration("keep-alive"),
        c.getDuration("idle-timeout"),
        c.getDuration("close-timeout"));
  }
}
