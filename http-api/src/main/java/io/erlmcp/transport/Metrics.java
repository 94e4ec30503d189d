package io.erlmcp.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Timer;
import kamon.tag.TagSet;

/**
 * The node's MCP metrics, published through Kamon (Prometheus endpoint): requests by method and
 * outcome with their latency, notifications by method, sessions created, SSE streams open.
 * Instruments are cached per tag set so the hot path allocates nothing new.
 */
public final class Metrics {
  /** method -> outcome -> timer: two lookups, no key built per request. */
  private final Map<String, Map<String, Timer>> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> notifications = new ConcurrentHashMap<>();
  private final Counter sessions = Kamon.counter("erlmcp.sessions.created").withoutTags();
  private final kamon.metric.Gauge streams = Kamon.gauge("erlmcp.sse.streams.open").withoutTags();
  private final java.util.concurrent.atomic.AtomicLong openStreams =
      new java.util.concurrent.atomic.AtomicLong();

  public void request(String method, String outcome, long nanos) {
    String m = bound(method);
    timers
        .computeIfAbsent(m, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            outcome,
            o ->
                Kamon.timer("erlmcp.requests", "MCP requests by method and outcome")
                    .withTags(TagSet.of("method", m).withTag("outcome", o)))
        .record(nanos);
  }

  public void notification(String method) {
    notifications
        .computeIfAbsent(
            method,
            m -> Kamon.counter("erlmcp.notifications").withTag("method", bound(m)))
        .increment();
  }

  public void sessionCreated() {
    sessions.increment();
  }

  public void streamOpened() {
    streams.update(openStreams.incrementAndGet());
  }

  public void streamClosed() {
    streams.update(openStreams.decrementAndGet());
  }

  private static final java.util.Set<String> KNOWN = knownMethods();

  /** Client-chosen method names are not trusted as tag values: unknown ones fold into one. */
  private static String bound(String method) {
    return KNOWN.contains(method) ? method : "other";
  }

  private static java.util.Set<String> knownMethods() {
    java.util.Set<String> s = new java.util.HashSet<>();
    for (java.lang.reflect.Field f : io.erlmcp.runtime.protocol.McpMethods.class.getFields()) {
      try {
        s.add((String) f.get(null));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return java.util.Set.copyOf(s);
  }
}
