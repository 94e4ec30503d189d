package io.erlmcp.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A newline-delimited JSON-RPC client over a real socket (plain or TLS): lines into a queue, the
 * end of the stream into a future. With {@code reading = false} nothing is read until {@link
 * #startReading()} (a slow reader).
 */
public final class LineClient implements MessageClient, AutoCloseable {
  public final Socket socket;
  public final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  /** Completes when the server ends the stream: "eof" or "error ...". */
  public final CompletableFuture<String> ended = new CompletableFuture<>();
  private final OutputStream out;

  public LineClient(Socket socket, boolean reading) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    if (reading) {
      startReading();
    }
  }

  public static LineClient connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    return new LineClient(s, true);
  }

  public void startReading() {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                  lines.add(l);
                }
                ended.complete("eof");
              } catch (IOException e) {
                ended.complete("error " + e);
              }
            },
            "line-client-reader");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void send(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public JsonNode read() throws InterruptedException {
    String l = lines.poll(10, TimeUnit.SECONDS);
    if (l == null) {
      fail("no line within 10 s (stream " + (ended.isDone() ? ended.join() : "open") + ")");
    }
    JsonNode n = Json.parse(l);
    assertTrue(n.isObject(), l);
    return n;
  }

  public String awaitEnd() throws Exception {
    return ended.get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
