package io.erlmcp.actors.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients connected to this node, as the transports report them: written on the transports'
 * threads without any actor message (a map operation per connect, disconnect or HTTP request),
 * read by {@link PresenceRegistry} once per flush interval, which replicates a bounded summary.
 *
 * <p>A client of a connection transport (stdio, TCP, WebSocket, legacy HTTP+SSE) is present from
 * its {@code initialize} until its connection closes. A Streamable HTTP session has no connection:
 * it is present from its {@code initialize} (or its first request on this node, after a failover
 * or through a load balancer) until it is ended ({@code DELETE}) or has sent nothing to this node
 * for the idle timeout. The table holds at most {@code maxTracked} sessions; past it a new session
 * is not tracked (and not counted) until others leave.
 */
public final class ConnectedClients {
  /** Client names and versions are cut to this many characters (they come from the client). */
  static final int MAX_INFO_CHARS = 64;

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ConnectedClients.class);

  private final int maxTracked;
  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private volatile boolean warnedFull;

  /** One tracked session; {@code lastSeen} is only kept for sessions that expire. */
  private static final class Entry {
    final PresenceRegistry.Client client;
    final boolean expires;
    volatile long lastSeen;

    Entry(PresenceRegistry.Client client, boolean expires, long now) {
      this.client = client;
      this.expires = expires;
      this.lastSeen = now;
    }
  }

  public ConnectedClients(int maxTracked) {
    this.maxTracked = maxTracked;
  }

  /**
   * A session of {@code transport} is on this node, with the {@code clientInfo} of its
   * initialize. {@code connectionBound}: it leaves when {@link #disconnected} is called (its
   * connection closed); otherwise it also leaves after the idle timeout without being {@link
   * #seen}. A session already tracked is only marked seen.
   */
  public void connected(
      String sessionId, String transport, JsonNode clientInfo, boolean connectionBound) {
    long now = System.currentTimeMillis();
    Entry e = sessions.get(sessionId);
    if (e != null) {
      if (e.expires) {
        e.lastSeen = now;
      }
      return;
    }
    if (sessions.size() >= maxTracked) {
      if (!warnedFull) {
        warnedFull = true;
        log.warn(
            "presence: {} sessions tracked on this node (erlmcp.presence.max-tracked); new ones are"
                + " not counted until others leave",
            maxTracked);
      }
      return;
    }
    PresenceRegistry.Client c =
        new PresenceRegistry.Client(
            sessionId,
            transport,
            info(clientInfo, "name"),
            info(clientInfo, "version"),
            now);
    if (sessions.putIfAbsent(sessionId, new Entry(c, !connectionBound, now)) == null) {
      version.incrementAndGet();
    }
  }

  /** The session's connection closed, or the session ended. */
  public void disconnected(String sessionId) {
    if (sessions.remove(sessionId) != null) {
      version.incrementAndGet();
      warnedFull = false;
    }
  }

  /** Removes the sessions that expire and were not seen since {@code seenBefore} (epoch ms). */
  void expireIdle(long seenBefore) {
    sessions.forEach(
        (id, e) -> {
          if (e.expires && e.lastSeen < seenBefore && sessions.remove(id, e)) {
            version.incrementAndGet();
          }
        });
  }

  /** Changes so far: a flush that sees the same number has nothing new to replicate. */
  long version() {
    return version.get();
  }

  /** Sessions tracked now. */
  public int size() {
    return sessions.size();
  }

  /**
   * This node's entry in the replicated presence: exact counts (total and per transport) and at
   * most {@code maxListed} sessions, the oldest connected first (so a listing does not churn with
   * short-lived clients).
   */
  PresenceRegistry.NodeClients summary(String node, int maxListed) {
    Map<String, Integer> byTransport = new TreeMap<>();
    List<PresenceRegistry.Client> all = new ArrayList<>(sessions.size());
    sessions.values()
        .forEach(
            e -> {
              all.add(e.client);
              byTransport.merge(e.client.transport(), 1, Integer::sum);
            });
    all.sort(
        Comparator.comparingLong(PresenceRegistry.Client::connectedAt)
            .thenComparing(PresenceRegistry.Client::sessionId));
    List<PresenceRegistry.Client> listed =
        all.size() > maxListed ? List.copyOf(all.subList(0, maxListed)) : List.copyOf(all);
    return new PresenceRegistry.NodeClients(node, all.size(), byTransport, listed);
  }

  private static String info(JsonNode clientInfo, String field) {
    if (clientInfo == null || !clientInfo.path(field).isTextual()) {
      return null;
    }
    String s = clientInfo.get(field).asText();
    return s.length() > MAX_INFO_CHARS ? s.substring(0, MAX_INFO_CHARS) : s;
  }
}
