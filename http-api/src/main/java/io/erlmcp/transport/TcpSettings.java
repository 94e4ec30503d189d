package io.erlmcp.transport;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;

/** Settings of the TCP listener, from {@code erlmcp.tcp}. */
public record TcpSettings(
    String host,
    int port,
    long maxLineBytes,
    int maxConnections,
    int outgoingBuffer,
    Duration idleTimeout,
    Optional<TlsSettings> tls) {

  public static TcpSettings from(Config config) {
    Config c = config.getConfig("erlmcp.tcp");
    return new TcpSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getBytes("max-line-bytes"),
        c.getInt("max-connections"),
        c.getInt("outgoing-buffer"),
        c.getDuration("idle-timeout"),
        TlsSettings.from(config, "erlmcp.tcp.tls"));
  }

  public TcpSettings withAddress(String host, int port) {
    return new TcpSettings(
        host, port, maxLineBytes, maxConnections, outgoingBuffer, idleTimeout, tls);
  }
}
