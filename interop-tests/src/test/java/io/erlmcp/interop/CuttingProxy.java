package io.erlmcp.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a real port that drops one connection, abruptly, half a second after forwarding
 * the first server bytes that contain {@code trigger} (and nothing after them): a network failure
 * in the middle of an SSE stream. It
 * records whether a later client request carried a {@code Last-Event-ID} header.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final String trigger;
  private final AtomicBoolean cut = new AtomicBoolean();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicBoolean sawLastEventId = new AtomicBoolean();
  private final AtomicInteger getRequests = new AtomicInteger();
  private volatile boolean closed;

  CuttingProxy(int target, String trigger) throws IOException {
    this.target = target;
    this.trigger = trigger;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "cutting-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  boolean didCut() {
    return cut.get();
  }

  boolean sawLastEventId() {
    return sawLastEventId.get();
  }

  /** How many HTTP GET requests the client sent through the proxy. */
  int getRequests() {
    return getRequests.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        connections.incrementAndGet();
        pump(client, server, false);
        pump(server, client, true);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromServer) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  out.write(buf, 0, n);
                  out.flush();
                  String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
                  if (!fromServer && chunk.toLowerCase(Locale.ROOT).contains("last-event-id:")) {
                    sawLastEventId.set(true);
                  }
                  if (!fromServer && chunk.startsWith("GET ")) {
                    getRequests.incrementAndGet();
                  }
                  if (fromServer && chunk.contains(trigger) && cut.compareAndSet(false, true)) {
                    // Forward nothing more, let the client read what it got, then drop the
                    // connection: bytes still in flight at a reset are lost by any client, and
                    // this test is about what the client does with what it did receive.
                    try {
                      Thread.sleep(500);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    from.close();
                    to.close();
                    return;
                  }
                }
              } catch (IOException e) {
                // one side went away
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
  }
}
