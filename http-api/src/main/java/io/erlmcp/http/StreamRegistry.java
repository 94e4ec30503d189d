package io.erlmcp.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's live SSE streams, by session and stream id, and each session's standalone (GET)
 * stream. A stream leaves when it finishes; a standalone stream stays while its session lives
 * so a reconnect resumes it.
 */
final class StreamRegistry {
  private record Key(String sessionId, String streamId) {}

  private final Map<Key, SseStream> streams = new ConcurrentHashMap<>();
  private final Map<String, SseStream> standalone = new ConcurrentHashMap<>();

  void add(String sessionId, SseStream s) {
    streams.put(new Key(sessionId, s.streamId()), s);
  }

  SseStream get(String sessionId, String streamId) {
    return streams.get(new Key(sessionId, streamId));
  }

  void remove(String sessionId, String streamId) {
    streams.remove(new Key(sessionId, streamId));
  }

  SseStream standalone(String sessionId) {
    return standalone.get(sessionId);
  }

  void setStandalone(String sessionId, SseStream s) {
    standalone.put(sessionId, s);
    add(sessionId, s);
  }

  /** Sessions with a standalone stream on this node. */
  List<Map.Entry<String, SseStream>> standaloneStreams() {
    return List.copyOf(standalone.entrySet());
  }

  /** Forgets everything of a session (it ended). */
  void dropSession(String sessionId) {
    SseStream s = standalone.remove(sessionId);
    if (s != null) {
      s.finishEmpty();
    }
    streams.keySet().removeIf(k -> k.sessionId().equals(sessionId));
  }
}
