package io.erlmcp.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for MCP over WebSocket (subprotocol {@code mcp}, one JSON-RPC message per text
 * message): one connection, {@code initialize}, then {@code C} {@code tools/call} requests kept in
 * flight for a warm-up and a measured period; each answer is replaced by a new request at once.
 * Latency is from sending a request to receiving its whole answer. Prints one JSON object like
 * {@link StdioLoad} (transport {@code websocket}).
 *
 * <pre>WsLoad --url ws://HOST:PORT/ws --concurrency C --duration S --warmup S [--tool NAME] [--arguments JSON]</pre>
 */
public final class WsLoad implements WebSocket.Listener {
  private final int concurrency;
  private final String prefix = "{\"jsonrpc\":\"2.0\",\"id\":";
  private String suffix;
  private final long[] sentAt = new long[1 << 20];
  private long[] latencies = new long[1 << 16];
  private int latencyCount;
  private long nextId = 1;
  private long measureFrom;
  private long measureTo;
  private long inFlight;
  private long sentMeasured;
  private final AtomicLong errors = new AtomicLong();
  private final StringBuilder partial = new StringBuilder();
  private final CompletableFuture<Void> initialized = new CompletableFuture<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private WebSocket ws;
  /** java.net.http allows one send at a time: each send waits for the previous one. */
  private CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);

  private WsLoad(int concurrency) {
    this.concurrency = concurrency;
  }

  public static void main(String[] args) throws Exception {
    String url = null;
    int concurrency = 1;
    double duration = 10;
    double warmup = 5;
    String tool = "echo";
    String arguments = "{\"message\":\"hello\"}";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = args[++i];
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--duration" -> duration = Double.parseDouble(args[++i]);
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--tool" -> tool = args[++i];
        case "--arguments" -> arguments = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("--url is required");
    }
    new WsLoad(concurrency).run(URI.create(url), duration, warmup, tool, arguments);
  }

  private void run(URI url, double durationS, double warmupS, String tool, String arguments)
      throws Exception {
    suffix =
        ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}}";
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        ws =
            http.newWebSocketBuilder()
                .subprotocols("mcp")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(url, this)
                .get(10, TimeUnit.SECONDS);
        break;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
    ws.sendText(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"erlmcp-ws-load\",\"version\":\"0.1.0\"}}}",
            true)
        .join();
    initialized.get(30, TimeUnit.SECONDS);
    ws.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", true).join();
    long t0 = System.nanoTime();
    measureFrom = t0 + (long) (warmupS * 1e9);
    measureTo = measureFrom + (long) (durationS * 1e9);
    synchronized (this) {
      for (int i = 0; i < concurrency; i++) {
        send(System.nanoTime());
      }
    }
    boolean drained = done.await((long) ((warmupS + durationS + 5) * 1000), TimeUnit.MILLISECONDS);
    long[] sorted;
    long lost;
    synchronized (this) {
      sorted = Arrays.copyOf(latencies, latencyCount);
      lost = drained ? 0 : inFlight;
    }
    Arrays.sort(sorted);
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"transport\":\"websocket\",\"concurrency\":%d,\"duration_s\":%.1f,\"warmup_s\":%.1f,"
                + "\"requests\":%d,\"completed\":%d,\"calls_per_s\":%.1f,\"p50_ms\":%.3f,"
                + "\"p95_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"errors\":%d}",
            concurrency,
            durationS,
            warmupS,
            sentMeasured,
            sorted.length,
            sorted.length / durationS,
            pct(sorted, 0.50),
            pct(sorted, 0.95),
            pct(sorted, 0.99),
            sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1e6,
            errors.get() + lost));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
  }

  /** Sends one request (called with this object's lock held). */
  private void send(long now) {
    long id = nextId++;
    sentAt[(int) (id & (sentAt.length - 1))] = now;
    inFlight++;
    if (now >= measureFrom && now < measureTo) {
      sentMeasured++;
    }
    String text = prefix + id + suffix;
    sending = sending.thenCompose(w -> ws.sendText(text, true));
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String message = partial.toString();
      partial.setLength(0);
      onMessage(message);
    }
    webSocket.request(1);
    return null;
  }

  private void onMessage(String message) {
    long now = System.nanoTime();
    int at = message.indexOf("\"id\":");
    if (at < 0) {
      return; // a notification
    }
    int i = at + 5;
    long id = 0;
    while (i < message.length() && Character.isDigit(message.charAt(i))) {
      id = id * 10 + (message.charAt(i++) - '0');
    }
    if (id == 0) {
      initialized.complete(null);
      return;
    }
    synchronized (this) {
      inFlight--;
      long started = sentAt[(int) (id & (sentAt.length - 1))];
      if (message.contains("\"error\":")) {
        errors.incrementAndGet();
      } else if (started >= measureFrom && started < measureTo) {
        if (latencyCount == latencies.length) {
          latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount++] = now - started;
      }
      if (now < measureTo) {
        send(now);
      } else if (inFlight == 0) {
        done.countDown();
      }
    }
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    errors.incrementAndGet();
    webSocket.request(1);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    System.err.println("ws-load: " + error);
    initialized.completeExceptionally(error);
    done.countDown();
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
