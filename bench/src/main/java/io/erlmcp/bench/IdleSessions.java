package io.erlmcp.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens idle MCP sessions on a Streamable HTTP endpoint: {@code initialize} then {@code
 * notifications/initialized}, {@code --concurrency} at a time, and nothing else (the sessions stay
 * idle). Prints one JSON object: sessions created, failures, seconds, sessions/s and the first
 * failure's text.
 *
 * <pre>IdleSessions --url URL --count N [--concurrency C]</pre>
 */
public final class IdleSessions {
  private IdleSessions() {}

  private static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
          + "\"capabilities\":{},\"clientInfo\":{\"name\":\"idle\",\"version\":\"1\"}}}";
  private static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  public static void main(String[] args) throws Exception {
    String url = null;
    int count = 1000;
    int concurrency = 32;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = args[++i];
        case "--count" -> count = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("--url is required");
    }
    URI uri = URI.create(url);
    HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger created = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    int total = count;
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    for (int w = 0; w < concurrency; w++) {
      pool.execute(
          () -> {
            while (next.getAndIncrement() < total) {
              try {
                HttpResponse<String> r =
                    http.send(
                        post(uri, INIT, null), HttpResponse.BodyHandlers.ofString());
                String sid = r.headers().firstValue("Mcp-Session-Id").orElse(null);
                if (r.statusCode() != 200 || sid == null || !r.body().contains("\"result\"")) {
                  failed.incrementAndGet();
                  failures.add(r.statusCode() + " " + r.body());
                  continue;
                }
                HttpResponse<String> n =
                    http.send(post(uri, INITIALIZED, sid), HttpResponse.BodyHandlers.ofString());
                if (n.statusCode() != 202) {
                  failed.incrementAndGet();
                  failures.add("initialized: " + n.statusCode() + " " + n.body());
                  continue;
                }
                created.incrementAndGet();
              } catch (Exception e) {
                failed.incrementAndGet();
                failures.add(e.toString());
              } 
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.HOURS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    String first = failures.isEmpty() ? "" : failures.peek().replace("\\", "\\\\").replace("\"", "\\\"");
    if (first.length() > 300) {
      first = first.substring(0, 300);
    }
    System.out.printf(
        "{\"created\":%d,\"failed\":%d,\"seconds\":%.2f,\"sessions_per_s\":%.1f,\"first_failure\":\"%s\"}%n",
        created.get(), failed.get(), seconds, created.get() / seconds, first);
  }

  private static HttpRequest post(URI uri, String body, String sid) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sid != null) {
      b.header("Mcp-Session-Id", sid).header("MCP-Protocol-Version", "2025-06-18");
    }
    return b.build();
  }
}
