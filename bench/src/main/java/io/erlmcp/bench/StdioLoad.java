package io.erlmcp.bench;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for MCP over stdio: spawns a server command, initializes, then keeps {@code C}
 * {@code tools/call} requests in flight for a warm-up period and a measured period.
 *
 * <p>It is built not to be the bottleneck: one thread reads each response and writes its
 * replacement, requests are pre-rendered bytes, writes are flushed only when no further response
 * is already buffered (so one pipe write carries a batch), and responses are matched to requests by
 * a byte-level scan for {@code "id":N} (no JSON parsing). Latency is the time from
 * handing the request to the pipe to reading the response line.
 *
 * <p>Prints one JSON object on stdout (calls/s, p50/p95/p99 in ms, errors, the server's RSS before
 * and after in KiB); progress goes to stderr. The server's pid is the spawned process, or its
 * largest descendant when the command is a wrapper that does not {@code exec}.
 *
 * <pre>
 * StdioLoad --concurrency 50 --duration 15 --warmup 10 [--tool echo]
 *           [--arguments '{"message":"hello"}'] [--server-log FILE] [--tcp HOST:PORT] -- COMMAND ARGS...
 * </pre>
 *
 * <p>With {@code --tcp} the command is a server listening on that TCP address (newline-delimited
 * JSON-RPC, the same framing as stdio): the load goes over one socket instead of the pipes.
 *
 * <pre>
 * </pre>
 */
public final class StdioLoad {

  private static final byte[] ID_KEY = "\"id\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERROR_KEY = "\"error\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RESULT_KEY = "\"result\":".getBytes(StandardCharsets.US_ASCII);
  private static final int RING = 1 << 20;

  private final int concurrency;
  private final CountDownLatch done = new CountDownLatch(1);
  private OutputStream out;
  private byte[] prefixBytes;
  private byte[] suffixBytes;
  private long nextId = 1;
  private volatile int inFlight;
  private volatile long sentMeasured;
  private final long[] sentAt = new long[RING];
  private final AtomicLong errors = new AtomicLong();
  private volatile long measureFrom = Long.MAX_VALUE;
  private volatile long measureTo = Long.MAX_VALUE;
  /** Latencies (ns) of responses to requests sent inside the measured period; reader thread only. */
  private long[] latencies = new long[1 << 16];

  private int latencyCount;

  /** HOST:PORT of the server's TCP listener: the same load over a socket instead of the pipes. */
  private String tcp;

  private StdioLoad(int concurrency) {
    this.concurrency = concurrency;
  }

  public static void main(String[] args) throws Exception {
    int concurrency = 1;
    double duration = 10;
    double warmup = 5;
    String tool = "echo";
    String arguments = "{\"message\":\"hello\"}";
    File serverLog = null;
    String tcp = null;
    List<String> command = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--duration" -> duration = Double.parseDouble(args[++i]);
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--tool" -> tool = args[++i];
        case "--arguments" -> arguments = args[++i];
        case "--server-log" -> serverLog = new File(args[++i]);
        case "--tcp" -> tcp = args[++i];
        case "--" -> {
          command.addAll(Arrays.asList(args).subList(i + 1, args.length));
          i = args.length;
        }
        default -> usage("unknown option " + args[i]);
      }
    }
    if (command.isEmpty()) {
      usage("no server command");
    }
    if (concurrency < 1 || concurrency >= RING / 2) {
      usage("bad --concurrency");
    }
    StdioLoad load = new StdioLoad(concurrency);
    load.tcp = tcp;
    load.run(command, duration, warmup, tool, arguments, serverLog);
  }

  private static void usage(String why) {
    System.err.println("StdioLoad: " + why);
    System.err.println(
        "usage: StdioLoad --concurrency C --duration S --warmup S [--tool NAME]"
            + " [--arguments JSON] [--server-log FILE] [--tcp HOST:PORT] -- COMMAND ARGS...");
    System.exit(2);
  }

  private void run(
      List<String> command,
      double durationS,
      double warmupS,
      String tool,
      String arguments,
      File serverLog)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (tcp != null) {
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD); // the load uses the socket
    }
    builder.redirectError(
        serverLog == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.appendTo(serverLog));
    Process process = builder.start();
    java.net.Socket socket = null;
    try {
      OutputStream rawOut = process.getOutputStream();
      InputStream in = process.getInputStream();
      if (tcp != null) {
        socket = connect(tcp, process);
        rawOut = socket.getOutputStream();
        in = socket.getInputStream();
      }
      OutputStream out = new BufferedOutputStream(rawOut, 1 << 16);
      LineReader lines = new LineReader(in);

      long started = System.nanoTime();
      writeLine(
          out,
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"erlmcp-stdio-load\","
              + "\"version\":\"0.1.0\"}}}");
      out.flush();
      byte[] line;
      do {
        line = lines.next();
        if (line == null) {
          throw new IOException("server closed stdout before answering initialize");
        }
      } while (idOf(line, line.length) != 0);
      if (indexOf(line, line.length, ERROR_KEY) >= 0) {
        throw new IOException("initialize failed: " + new String(line, StandardCharsets.UTF_8));
      }
      writeLine(out, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      out.flush();
      double initMs = (System.nanoTime() - started) / 1e6;

      long pid = serverPid(process);
      long rssBefore = rssKib(pid);
      System.err.printf(
          Locale.ROOT,
          "stdio-load: initialized in %.0f ms, server pid %d, RSS %d KiB; C=%d warm-up %.0fs, measure %.0fs%n",
          initMs,
          pid,
          rssBefore,
          concurrency,
          warmupS,
          durationS);

      String prefix = "{\"jsonrpc\":\"2.0\",\"id\":";
      String suffix =
          ",\"method\":\"tools/call\",\"params\":{\"name\":\""
              + tool
              + "\",\"arguments\":"
              + arguments
              + "}}\n";
      prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
      suffixBytes = suffix.getBytes(StandardCharsets.UTF_8);
      this.out = out;

      long t0 = System.nanoTime();
      double genCpu0 = cpuSeconds(ProcessHandle.current().pid());
      double serverCpu0 = cpuSeconds(pid);
      measureFrom = t0 + (long) (warmupS * 1e9);
      measureTo = measureFrom + (long) (durationS * 1e9);
      Thread pump = new Thread(() -> pump(lines), "stdio-load-pump");
      pump.setDaemon(true);
      pump.start();
      // The pump stops sending at measureTo and ends when every request has been answered;
      // requests still unanswered 5 s later count as errors.
      boolean drained = done.await((long) ((warmupS + durationS + 5) * 1000), TimeUnit.MILLISECONDS);
      long sent = sentMeasured;
      long rssAfter = rssKib(pid);
      double wall = (System.nanoTime() - t0) / 1e9;
      double genCpu = cpuSeconds(ProcessHandle.current().pid()) - genCpu0;
      double serverCpu = cpuSeconds(pid) - serverCpu0;
      long lost = drained ? 0 : inFlight;

      long[] sorted;
      synchronized (this) {
        sorted = Arrays.copyOf(latencies, latencyCount);
      }
      Arrays.sort(sorted);
      double seconds = durationS;
      long measured = sorted.length;
      String json =
          String.format(
              Locale.ROOT,
              "{\"transport\":\"" + (tcp == null ? "stdio" : "tcp") + "\",\"concurrency\":%d,\"duration_s\":%.1f,\"warmup_s\":%.1f,"
                  + "\"requests\":%d,\"completed\":%d,\"calls_per_s\":%.1f,\"p50_ms\":%.3f,"
                  + "\"p95_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"errors\":%d,"
                  + "\"server_pid\":%d,\"rss_before_kib\":%d,\"rss_after_kib\":%d,"
                  + "\"load_wall_s\":%.1f,\"server_cpu_s\":%.1f,\"generator_cpu_s\":%.1f}",
              concurrency,
              durationS,
              warmupS,
              sent,
              measured,
              measured / seconds,
              pct(sorted, 0.50),
              pct(sorted, 0.95),
              pct(sorted, 0.99),
              sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1e6,
              errors.get() + lost,
              pid,
              rssBefore,
              rssAfter,
              wall,
              serverCpu,
              genCpu);
      System.out.println(json);
    } finally {
      if (socket != null) {
        socket.close();
      }
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }

  /**
   * Runs on one thread: sends the first {@code C} requests, then for each response sends one
   * replacement (until {@code measureTo}), flushing only when no more response bytes are buffered.
   */
  private void pump(LineReader lines) {
    try {
      for (int i = 0; i < concurrency; i++) {
        send(System.nanoTime());
      }
      out.flush();
      byte[] buf;
      while (inFlight > 0) {
        if (!lines.hasBuffered()) {
          out.flush();
        }
        if ((buf = lines.nextShared()) == null) {
          break;
        }
        int len = lines.length();
        long now = System.nanoTime();
        long id = idOf(buf, len);
        boolean isResult = indexOf(buf, len, RESULT_KEY) >= 0;
        boolean isError = !isResult && indexOf(buf, len, ERROR_KEY) >= 0;
        if (id <= 0 || !isResult && !isError) {
          continue; // a notification, a server-to-client request, or the initialize answer
        }
        long sent = sentAt[(int) (id & (RING - 1))];
        if (sent >= measureFrom && sent < measureTo) {
          if (isError) {
            errors.incrementAndGet();
          } else {
            record(now - sent);
          }
        }
        inFlight--;
        if (now < measureTo) {
          send(now);
        }
      }
      out.flush();
    } catch (IOException e) {
      System.err.println("stdio-load: talking to the server failed: " + e.getMessage());
    } finally {
      done.countDown();
    }
  }

  private void send(long now) throws IOException {
    long id = nextId++;
    sentAt[(int) (id & (RING - 1))] = now;
    out.write(prefixBytes);
    writeDecimal(out, id);
    out.write(suffixBytes);
    inFlight++;
    if (now >= measureFrom) {
      sentMeasured++;
    }
  }

  private synchronized void record(long nanos) {
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, latencies.length * 2);
    }
    latencies[latencyCount++] = nanos;
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0.0;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private static void writeLine(OutputStream out, String json) throws IOException {
    out.write(json.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  private static void writeDecimal(OutputStream out, long value) throws IOException {
    if (value >= 10) {
      writeDecimal(out, value / 10);
    }
    out.write((int) ('0' + value % 10));
  }

  /** The JSON-RPC id of a line, or -1 when it has none that is a non-negative integer. */
  static long idOf(byte[] buf, int len) {
    int at = indexOf(buf, len, ID_KEY);
    if (at < 0) {
      return -1;
    }
    int i = at + ID_KEY.length;
    while (i < len && buf[i] == ' ') {
      i++;
    }
    long value = 0;
    int digits = 0;
    while (i < len && buf[i] >= '0' && buf[i] <= '9') {
      value = value * 10 + (buf[i] - '0');
      i++;
      digits++;
    }
    return digits == 0 ? -1 : value;
  }

  static int indexOf(byte[] buf, int len, byte[] key) {
    outer:
    for (int i = 0; i <= len - key.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (buf[i + j] != key[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The process itself, or its descendant with the largest RSS (a wrapper that did not exec). */
  /** Connects to the server's TCP listener once it accepts (60 s at most). */
  private static java.net.Socket connect(String hostPort, Process process) throws Exception {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        java.net.Socket s = new java.net.Socket(host, port);
        s.setTcpNoDelay(true);
        return s;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("no TCP listener on " + hostPort + ": " + e.getMessage(), e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static long serverPid(Process process) {
    Optional<ProcessHandle> biggest =
        process.descendants().max(Comparator.comparingLong(h -> rssKib(h.pid())));
    long own = rssKib(process.pid());
    return biggest.filter(h -> rssKib(h.pid()) > own).map(ProcessHandle::pid).orElse(process.pid());
  }

  /** User + system CPU time of a process from /proc/PID/stat, in seconds (-1 if unreadable). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state is f[0], utime f[11], stime f[12], in clock ticks (100/s)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Splits a stream into newline-terminated lines, reading it in 64 KiB chunks. */
  static final class LineReader {
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int end;
    private byte[] line = new byte[4096];
    private int length;

    LineReader(InputStream in) {
      this.in = in;
    }

    /** The next line in a fresh array, or null at end of stream. */
    byte[] next() throws IOException {
      byte[] shared = nextShared();
      return shared == null ? null : Arrays.copyOf(shared, length);
    }

    /** The next line in the shared buffer (valid until the next call; see {@link #length()}). */
    byte[] nextShared() throws IOException {
      length = 0;
      while (true) {
        if (pos == end) {
          end = in.read(chunk);
          pos = 0;
          if (end <= 0) {
            end = 0;
            return length > 0 ? line : null;
          }
        }
        int start = pos;
        while (pos < end && chunk[pos] != '\n') {
          pos++;
        }
        int n = pos - start;
        if (length + n > line.length) {
          line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
        }
        System.arraycopy(chunk, start, line, length, n);
        length += n;
        if (pos < end) {
          pos++; // the newline
          return line;
        }
      }
    }

    /** Whether a further line (or part of one) is already buffered, so reading will not block. */
    boolean hasBuffered() {
      return pos < end;
    }

    int length() {
      return length;
    }
  }
}
