package io.erlmcp.runtime.session;

/**
 * One event of a session's resumable streams. Its SSE id is {@link #eventId()}: the session-wide
 * sequence number and the stream it belongs to, so ids never repeat within a session and a
 * Last-Event-ID names the stream to resume even when the event itself has left the buffer.
 */
public record StreamEvent(long seq, String streamId, String payload) {

  public String eventId() {
    return eventId(seq, streamId);
  }

  public static String eventId(long seq, String streamId) {
    return seq + "." + streamId;
  }

  /** Parses an event id; null when it is not one of ours. */
  public static Cursor parse(String eventId) {
    if (eventId == null) {
      return null;
    }
    int dot = eventId.indexOf('.');
    if (dot <= 0 || dot == eventId.length() - 1) {
      return null;
    }
    try {
      long seq = Long.parseLong(eventId.substring(0, dot));
      if (seq < 0) {
        return null;
      }
      return new Cursor(seq, eventId.substring(dot + 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A position in one stream: events after {@code seq} in {@code streamId}. */
  public record Cursor(long seq, String streamId) {}
}
