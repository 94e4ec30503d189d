package io.erlmcp.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events reader for tests: a daemon thread parses the body line by line (id, event,
 * data, retry; comments ignored; an event is dispatched at its blank line) into a queue the test
 * polls with a timeout. The end of the body is seen as {@link #expectEnd}.
 */
final class Sse implements AutoCloseable {
  /** One event as it came: null for fields that were absent. */
  record Event(String id, String event, String data, Long retry) {
    JsonNode json() {
      return Json.parse(data);
    }

    boolean isPriming() {
      return id != null && data != null && data.isEmpty();
    }
  }

  private static final Object END = new Object();

  private final InputStream body;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final List<Event> seen = new ArrayList<>();
  private volatile boolean closed;

  Sse(InputStream body) {
    this.body = body;
    Thread t = new Thread(this::readLoop, "sse-reader");
    t.setDaemon(true);
    t.start();
  }

  private void readLoop() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String event = null;
      StringBuilder data = null;
      Long retry = null;
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty()) {
          if (id != null || event != null || data != null || retry != null) {
            queue.add(new Event(id, event, data == null ? null : data.toString(), retry));
          }
          id = null;
          event = null;
          data = null;
          retry = null;
          continue;
        }
        if (line.startsWith(":")) {
          continue; // comment (keep-alive)
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          case "retry" -> retry = Long.parseLong(value);
          default -> fail("unexpected SSE field: " + line);
        }
      }
    } catch (IOException e) {
      if (!closed) {
        queue.add(e);
      }
    } finally {
      queue.add(END);
    }
  }

  /** The next event; fails when none comes within {@code timeout} or the stream ended. */
  Event next(Duration timeout) {
    Object o = poll(timeout);
    if (o == null) {
      fail("no SSE event within " + timeout + "; seen so far: " + seen);
    }
    if (o == END) {
      queue.add(END);
      fail("SSE stream ended; seen: " + seen);
    }
    if (o instanceof IOException e) {
      fail("SSE stream broke: " + e + "; seen: " + seen);
    }
    Event e = (Event) o;
    seen.add(e);
    return e;
  }

  Event next() {
    return next(Duration.ofSeconds(10));
  }

  /** The next event carrying a JSON-RPC message (skipping none: asserts it has data). */
  JsonNode nextMessage() {
    Event e = next();
    assertNotNull(e.data(), "event without data: " + e);
    assertEquals("message", e.event(), "event type of " + e);
    return e.json();
  }

  /** The next event, or empty when the stream ended; fails when neither happens in time. */
  java.util.Optional<Event> nextOrEnd(Duration timeout) {
    Object o = poll(timeout);
    if (o == null) {
      fail("neither an event nor the end within " + timeout + "; seen: " + seen);
    }
    if (o == END) {
      queue.add(END);
      return java.util.Optional.empty();
    }
    if (o instanceof IOException e) {
      fail("SSE stream broke: " + e + "; seen: " + seen);
    }
    Event e = (Event) o;
    seen.add(e);
    return java.util.Optional.of(e);
  }

  /** Asserts the stream ends within {@code timeout} with no further event. */
  void expectEnd(Duration timeout) {
    Object o = poll(timeout);
    if (o == null) {
      fail("SSE stream did not end within " + timeout + "; seen: " + seen);
    }
    if (o instanceof Event e) {
      fail("expected the end of the stream, got " + e + "; seen before: " + seen);
    }
    if (o instanceof IOException e) {
      fail("SSE stream broke instead of ending: " + e);
    }
    queue.add(END);
  }

  /** Asserts that no event arrives within {@code d} (the stream may stay open). */
  void expectNothing(Duration d) {
    Object o = poll(d);
    if (o instanceof Event e) {
      fail("expected no event, got " + e);
    }
    if (o != null) {
      queue.add(o);
    }
  }

  /** Every event read through {@link #next}. */
  List<Event> seen() {
    return List.copyOf(seen);
  }

  private Object poll(Duration timeout) {
    try {
      return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /** Disconnects: closes the body (the HTTP client drops the connection). */
  @Override
  public void close() {
    closed = true;
    try {
      body.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
