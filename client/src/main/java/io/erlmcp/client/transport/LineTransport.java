package io.erlmcp.client.transport;

import io.erlmcp.client.McpTransportException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Newline-delimited JSON-RPC over a byte stream pair (stdio of a process, a TCP socket): one
 * message per line, UTF-8, no embedded newlines. A reader thread delivers what arrives; writes are
 * serialized so lines never interleave.
 */
abstract class LineTransport implements McpTransport {
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean reported = new AtomicBoolean();
  private final Object writeLock = new Object();
  private volatile OutputStream out;
  private volatile Listener listener;
  private volatile Thread reader;
  /** Why reading failed (e.g. a TLS alert), once it has. */
  private volatile IOException readFailure;

  /** Connects and returns the two streams. */
  protected abstract Streams open() throws IOException;

  /** Why the input ended (exit status, stderr tail, ...). */
  protected abstract String describeEnd();

  /** Releases the underlying process or socket. */
  protected abstract void release();

  protected record Streams(InputStream in, OutputStream out) {}

  protected abstract String name();

  @Override
  public CompletionStage<Void> start(Listener listener) {
    this.listener = listener;
    Streams s;
    try {
      s = open();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new McpTransportException(name() + ": cannot connect: " + e.getMessage(), e));
    }
    this.out = s.out();
    Thread r = new Thread(() -> readLoop(s.in()), "erlmcp-client-" + name() + "-reader");
    r.setDaemon(true);
    this.reader = r;
    r.start();
    return CompletableFuture.completedFuture(null);
  }

  private void readLoop(InputStream in) {
    Throwable cause = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        for (JsonRpcMessage m : Codec.decode(line)) {
          listener.onMessage(m);
        }
      }
    } catch (IOException e) {
      readFailure = e;
      cause = e;
    }
    if (!closed.get() && reported.compareAndSet(false, true)) {
      String why = cause == null ? "" : ": " + cause.getMessage();
      listener.onClosed(new McpTransportException(name() + ": " + describeEnd() + why, cause));
    }
  }

  @Override
  public CompletionStage<Void> send(JsonRpcMessage message, Map<String, String> headers) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new McpTransportException(name() + ": closed"));
    }
    byte[] line = (Codec.encode(message) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      synchronized (writeLock) {
        out.write(line);
        out.flush();
      }
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(writeFailed(e));
    }
  }

  /**
   * A failed write usually has its reason on the reading side (TLS: the server's alert, e.g.
   * certificate_required, is read while the write only sees a closed socket): wait briefly for the
   * reader to end and name its failure when it has one.
   */
  private McpTransportException writeFailed(IOException e) {
    Thread r = reader;
    if (r != null && r != Thread.currentThread()) {
      try {
        r.join(500);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    IOException why = readFailure;
    return why != null
        ? new McpTransportException(name() + ": " + describeEnd() + ": " + why.getMessage(), why)
        : new McpTransportException(name() + ": write failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release();
    }
  }
}
