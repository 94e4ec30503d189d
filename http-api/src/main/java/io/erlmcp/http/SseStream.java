package io.erlmcp.http;

import io.erlmcp.actors.session.SessionGateway;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.StreamEvent;
import io.erlmcp.transport.Metrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resumable SSE stream of a session (a POST's response stream, or the standalone GET
 * stream). Every message is first appended to the session's journal, which gives it its event id,
 * and only then written to the connection: a client that loses the connection reconnects with
 * Last-Event-ID and gets exactly what it missed, from any node. Messages produced while a write
 * is in flight are batched into the next append. The connection's buffer is bounded: a client
 * that does not read is disconnected (it can resume) instead of growing memory.
 */
final class SseStream {
  private static final Logger log = LoggerFactory.getLogger(SseStream.class);

  private final String sessionId;
  private final String streamId;
  private final SessionGateway sessions;
  private final Materializer mat;
  private final HttpSettings settings;
  private final Metrics metrics;
  private final Runnable onFinished;

  // Guarded by this.
  private final List<String> pending = new ArrayList<>();
  private final ArrayDeque<StreamEvent> recent = new ArrayDeque<>();
  private boolean writing;
  private boolean closeRequested;
  private boolean finished;
  private BoundedSourceQueue<ByteString> connection;

  SseStream(
      String sessionId,
      String streamId,
      SessionGateway sessions,
      Materializer mat,
      HttpSettings settings,
      Metrics metrics,
      Runnable onFinished) {
    this.sessionId = sessionId;
    this.streamId = streamId;
    this.sessions = sessions;
    this.mat = mat;
    this.settings = settings;
    this.metrics = metrics;
    this.onFinished = onFinished;
  }

  String streamId() {
    return streamId;
  }

  /** Seeds the stream's memory with events already in the journal (a resumed stream). */
  synchronized void seed(List<StreamEvent> events) {
    for (StreamEvent e : events) {
      remember(e);
    }
  }

  /** Queues a message: journaled, then delivered to the attached connection if any. */
  void send(String payload) {
    enqueue(payload, false);
  }

  /** The last message of the stream; the connection completes after it. */
  void finish(String payload) {
    enqueue(payload, true);
  }

  /** Ends the stream without a last message (a cancelled request). */
  void finishEmpty() {
    synchronized (this) {
      closeRequested = true;
      if (writing) {
        return; // the write in flight completes the stream
      }
    }
    flush();
  }

  private void enqueue(String payload, boolean close) {
    synchronized (this) {
      if (closeRequested) {
        log.debug("stream {} of session {} already finished; dropped a message", streamId, sessionId);
        return;
      }
      pending.add(payload);
      if (close) {
        closeRequested = true;
      }
      if (writing) {
        return;
      }
      writing = true;
    }
    flush();
  }

  private void flush() {
    List<String> batch;
    boolean close;
    synchronized (this) {
      batch = new ArrayList<>(pending);
      pending.clear();
      close = closeRequested;
      writing = true;
    }
    if (batch.isEmpty() && !close) {
      synchronized (this) {
        writing = false;
      }
      return;
    }
    sessions
        .append(sessionId, new SessionCommand.AppendToStream(streamId, batch, close))
        .whenComplete((firstSeq, err) -> written(batch, close, firstSeq, err));
  }

  private void written(List<String> batch, boolean close, Long firstSeq, Throwable err) {
    boolean again;
    synchronized (this) {
      if (err != null) {
        // Not journaled: deliver anyway (the live client still gets it) but without an id, so
        // it cannot be claimed as resumable. A session ended meanwhile (DELETE while a request
        // ran) is expected; anything else is worth a warning.
        if (io.erlmcp.transport.McpEdge.isSessionNotFound(io.erlmcp.transport.McpEdge.errorOf(err))) {
          log.debug("stream {} of session {}: session ended, not journaled", streamId, sessionId);
        } else {
          log.warn(
              "stream {} of session {}: journal append failed: {}", streamId, sessionId, err.toString());
        }
        for (String p : batch) {
          deliver(SseFormat.event(null, p));
        }
      } else {
        long first = firstSeq;
        for (int i = 0; i < batch.size(); i++) {
          StreamEvent e = new StreamEvent(first + i, streamId, batch.get(i));
          remember(e);
          deliver(SseFormat.event(e.eventId(), e.payload()));
        }
      }
      if (close) {
        finished = true;
        if (connection != null) {
          connection.complete();
          connection = null;
        }
      }
      again = !pending.isEmpty() || (closeRequested && !finished);
      if (!again) {
        writing = false;
      }
    }
    if (close) {
      onFinished.run();
    } else if (again) {
      flush();
    }
  }

  private void remember(StreamEvent e) {
    recent.addLast(e);
    while (recent.size() > settings.streamMemory()) {
      recent.removeFirst();
    }
  }

  private void deliver(ByteString frame) {
    if (connection == null) {
      return; // detached: the event waits in the journal for a resume
    }
    QueueOfferResult r = connection.offer(frame);
    if (r != QueueOfferResult.enqueued()) {
      log.info(
          "stream {} of session {}: client not reading ({}), disconnecting it; it can resume",
          streamId,
          sessionId,
          r);
      connection.fail(new IllegalStateException("SSE client too slow"));
      connection = null;
    }
  }

  /**
   * A new connection for this stream: optionally a priming event, then the events after {@code
   * afterSeq} (none when -1 and not resuming), then live ones. Replaces any older connection.
   */
  synchronized Source<ByteString, NotUsed> attach(long afterSeq, String primingId) {
    Pair<BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>> pair =
        Source.<ByteString>queue(settings.sseBufferSize()).preMaterialize(mat);
    BoundedSourceQueue<ByteString> q = pair.first();
    if (connection != null) {
      connection.complete();
    }
    connection = q;
    if (primingId != null) {
      q.offer(SseFormat.priming(primingId, settings.sseRetry().toMillis()));
    }
    if (afterSeq >= 0) {
      for (StreamEvent e : recent) {
        if (e.seq() > afterSeq) {
          deliver(SseFormat.event(e.eventId(), e.payload()));
        }
      }
    }
    if (finished && connection != null) {
      connection.complete();
      connection = null;
    }
    metrics.streamOpened();
    Duration keepAlive = settings.sseKeepAlive();
    return pair.second()
        .keepAlive(keepAlive, () -> SseFormat.KEEPALIVE)
        .watchTermination(
            (nu, done) -> {
              done.whenComplete((d, e) -> detach(q));
              return NotUsed.getInstance();
            });
  }

  private void detach(BoundedSourceQueue<ByteString> q) {
    metrics.streamClosed();
    synchronized (this) {
      if (connection == q) {
        connection = null;
      }
    }
  }

  /** Ends the current connection (a newer one takes over); the stream itself goes on. */
  synchronized void closeConnection() {
    if (connection != null) {
      connection.complete();
      connection = null;
    }
  }

  synchronized boolean isAttached() {
    return connection != null;
  }

  synchronized boolean isFinished() {
    return finished;
  }
}
