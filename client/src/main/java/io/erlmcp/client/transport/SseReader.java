package io.erlmcp.client.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A Server-Sent Events parser (the WHATWG event-stream format): {@code event}, {@code data}
 * (several lines joined by newlines), {@code id} and {@code retry} fields, comments, and a blank
 * line that dispatches. Events without data (a 2025-11-25 priming event) are dispatched too, so the
 * caller learns their id and retry.
 */
final class SseReader {

  /** One event; {@code data} is "" for a priming event, {@code retryMs} is -1 when absent. */
  record Event(String id, String event, String data, long retryMs) {}

  private SseReader() {}

  /** Reads until the stream ends; throws when the connection fails. */
  static void read(InputStream in, Consumer<Event> sink) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String id = null;
    String event = null;
    StringBuilder data = null;
    long retry = -1;
    boolean any = false;
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isEmpty()) {
        if (any) {
          sink.accept(new Event(id, event == null ? "message" : event, data == null ? "" : data.toString(), retry));
        }
        id = null;
        event = null;
        data = null;
        retry = -1;
        any = false;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> {
          event = value;
          any = true;
        }
        case "data" -> {
          data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          any = true;
        }
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            id = value;
            any = true;
          }
        }
        case "retry" -> {
          try {
            retry = Long.parseLong(value.trim());
            any = true;
          } catch (NumberFormatException e) {
            // the SSE rule: a retry that is not a number is ignored
          }
        }
        default -> {
          // unknown fields are ignored
        }
      }
    }
  }
}
