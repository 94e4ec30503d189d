package io.erlmcp.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/** Settings of the Streamable HTTP listener, from {@code erlmcp.http}. */
public record HttpSettings(
    String host,
    int port,
    String path,
    long maxBodyBytes,
    List<String> allowedOrigins,
    Duration sseKeepAlive,
    Duration sseRetry,
    int sseBufferSize,
    int streamMemory) {

  public static HttpSettings from(Config config) {
    Config c = config.getConfig("erlmcp.http");
    return new HttpSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getString("path"),
        c.getBytes("max-body-size"),
        c.getStringList("allowed-origins"),
        c.getDuration("sse-keep-alive"),
        c.getDuration("sse-retry"),
        c.getInt("sse-buffer-size"),
        c.getInt("stream-memory"));
  }

  public HttpSettings withAddress(String host, int port) {
    return new HttpSettings(
        host, port, path, maxBodyBytes, allowedOrigins, sseKeepAlive, sseRetry, sseBufferSize,
        streamMemory);
  }

  /**
   * Whether a browser Origin may call this server. Entries are exact origins, an origin with
   * {@code :*} for any port, or {@code *} for any origin.
   */
  public boolean originAllowed(String origin) {
    for (String allowed : allowedOrigins) {
      if (allowed.equals("*") || allowed.equalsIgnoreCase(origin)) {
        return true;
      }
      if (allowed.endsWith(":*")) {
        String base = allowed.substring(0, allowed.length() - 2);
        if (origin.equalsIgnoreCase(base)
            || (origin.regionMatches(true, 0, base + ":", 0, base.length() + 1)
                && origin.substring(base.length() + 1).matches("[0-9]{1,5}"))) {
          return true;
        }
      }
    }
    return false;
  }
}
