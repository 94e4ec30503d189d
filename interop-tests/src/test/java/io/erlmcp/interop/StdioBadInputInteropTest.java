package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Bad input on stdio, written raw to one {@code bin/erlmcp serve --stdio} process: requests
 * before initialize, a garbage line, and end of input. The tests run in order on the same
 * process; the last one closes its stdin.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180)
class StdioBadInputInteropTest {
  @RegisterExtension final ServerLogOnFailure serverLog = new ServerLogOnFailure();

  private ErlmcpServer server;
  private OutputStream stdin;
  private final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private boolean initialized;

  @BeforeAll
  void startServer() {
    server =
        ErlmcpServer.startStdio(
            ErlmcpServer.newDataDir("stdio-bad-input"),
            serverLog.watch(ErlmcpServer.newLogFile("stdio-bad-input")));
    stdin = server.process().getOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(
                          server.process().getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  stdout.add(line);
                }
              } catch (IOException e) {
                // process gone
              }
            },
            "stdio-reader");
    reader.setDaemon(true);
    reader.start();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  @Order(1)
  void requestBeforeInitializeIsAnErrorButPingIsAnswered() throws Exception {
    // The first answer may take a JVM start: be generous once.
    JsonNode ping = request(1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 120);
    assertTrue(ping.has("result"), "ping before initialize is answered: " + ping);

    JsonNode list = request(2, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", 30);
    assertTrue(list.has("error"), "tools/list before initialize is refused: " + list);
    assertFalse(list.has("result"));
    assertNotNull(list.at("/error/code").numberValue(), list.toString());

    initialize();
    JsonNode after = request(3, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}", 30);
    assertEquals(5, after.at("/result/tools").size(), after.toString());
  }

  @Test
  @Order(2)
  void garbageLineIsAParseErrorAndTheSessionContinues() throws Exception {
    initialize();
    write("this is not json {{{");
    JsonNode error = next(30);
    assertEquals(-32700, error.at("/error/code").asInt(), error.toString());
    assertTrue(error.get("id").isNull(), "a parse error has id null: " + error);

    JsonNode echo =
        request(
            11,
            RawMcp.toolCall(11, "echo", "{\"message\":\"after garbage\"}"),
            30);
    assertEquals("after garbage", echo.at("/result/content/0/text").asString(), echo.toString());
  }

  @Test
  @Order(3)
  void closingStdinEndsTheProcessWithExitCodeZero() throws Exception {
    initialize();
    stdin.close();
    assertTrue(
        server.process().waitFor(15, TimeUnit.SECONDS),
        "erlmcp still running 15 s after its stdin closed");
    assertEquals(0, server.process().exitValue());
  }

  // ------------------------------------------------------------------ helpers

  private void initialize() throws Exception {
    if (initialized) {
      return;
    }
    JsonNode init = request(100, RawMcp.initializeRequest(100, RawMcp.LATEST_VERSION), 120);
    assertEquals(RawMcp.LATEST_VERSION, init.at("/result/protocolVersion").asString(), init.toString());
    write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    initialized = true;
  }

  private void write(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** Writes a request and returns the response with its id (skipping notifications). */
  private JsonNode request(int id, String json, int timeoutSeconds) throws Exception {
    write(json);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      long left = deadline - System.nanoTime();
      assertTrue(left > 0, "no response to id " + id + " within " + timeoutSeconds + " s");
      JsonNode m = next(left, TimeUnit.NANOSECONDS);
      if (m.has("id") && !m.get("id").isNull() && m.get("id").asInt() == id) {
        return m;
      }
    }
  }

  private JsonNode next(int timeoutSeconds) throws InterruptedException {
    return next(timeoutSeconds, TimeUnit.SECONDS);
  }

  private JsonNode next(long timeout, TimeUnit unit) throws InterruptedException {
    String line = stdout.poll(timeout, unit);
    assertNotNull(line, "no line on stdout in time (process alive: " + server.process().isAlive() + ")");
    return RawMcp.parse(line);
  }
}
