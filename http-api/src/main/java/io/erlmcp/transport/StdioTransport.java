package io.erlmcp.transport;

import io.erlmcp.runtime.jsonrpc.JsonRpcCodec;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP over stdio: one JSON-RPC message per line on stdin and stdout, nothing else on stdout
 * (logs go to stderr). One session per process, created by {@code initialize}; its state is in
 * the journal like any other session. End of input ends the transport cleanly: running requests
 * are cancelled and {@code onEof} runs (the CLI then stops the node and exits 0).
 *
 * <p>Reading stdin blocks, so it happens on a dedicated thread, never on an actor thread. Lines
 * longer than the limit are skipped to their end and answered -32600. What happens to a message
 * once framed is {@link McpConnection}'s, shared with the WebSocket, TCP and legacy SSE
 * transports.
 */
public final class StdioTransport {
  private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);

  private final InputStream in;
  private final OutputStream out;
  private final int maxLineBytes;
  private final Runnable onEof;
  private final JsonRpcCodec codec = new JsonRpcCodec();
  private final McpConnection connection;

  private StdioTransport(
      McpEdge edge, InputStream in, OutputStream out, int maxLineBytes, Runnable onEof) {
    this.in = in;
    this.out = out;
    this.maxLineBytes = maxLineBytes;
    this.onEof = onEof;
    this.connection = new McpConnection(edge, "stdio", this::write);
  }

  /** How long requests still running at end of input may take to answer. */
  static final Duration EOF_GRACE = Duration.ofSeconds(10);

  public static Behavior<Void> create(
      McpEdge edge, InputStream in, OutputStream out, Runnable onEof) {
    return Behaviors.setup(
        ctx -> {
          int max =
              (int)
                  Math.min(
                      Integer.MAX_VALUE - 8,
                      edge.core().config().getBytes("erlmcp.stdio.max-line-bytes"));
          StdioTransport t = new StdioTransport(edge, in, out, max, onEof);
          Thread reader = new Thread(t::readLoop, "erlmcp-stdio-reader");
          reader.setDaemon(true);
          reader.start();
          return Behaviors.receive(Void.class)
              .onSignal(
                  PostStop.class,
                  s -> {
                    t.connection.close("stdio transport stopped");
                    reader.interrupt();
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private void readLoop() {
    ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    boolean overflow = false;
    byte[] buf = new byte[65536];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            if (overflow) {
              write(
                  new JsonRpcMessage.ErrorResponse(
                      null,
                      JsonRpcError.invalidRequest(
                          "message longer than " + maxLineBytes + " bytes")));
            } else if (line.size() > 0) {
              connection.onFrame(line.toByteArray());
            }
            line.reset();
            overflow = false;
          } else if (!overflow) {
            if (line.size() >= maxLineBytes) {
              overflow = true;
              line.reset();
            } else {
              line.write(b);
            }
          }
        }
      }
      if (line.size() > 0 && !overflow) {
        connection.onFrame(line.toByteArray());
      }
    } catch (IOException e) {
      log.info("stdin closed: {}", e.getMessage());
    }
    // Answer what was already asked (a piped client closes stdin right after writing), within
    // a grace period, then end.
    long deadline = System.nanoTime() + EOF_GRACE.toNanos();
    while (connection.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    log.info("end of input: ending the stdio transport");
    connection.close("stdin closed");
    onEof.run();
  }

  /** Writes one message as one line; lines from concurrent requests never interleave. */
  private void write(JsonRpcMessage m) {
    byte[] bytes = codec.encode(m);
    synchronized (out) {
      try {
        out.write(bytes);
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        log.warn("cannot write to stdout: {}", e.getMessage());
      }
    }
  }
}
