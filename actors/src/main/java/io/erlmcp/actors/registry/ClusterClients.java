package io.erlmcp.actors.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The clients connected to each node of the cluster, as this node's {@link PresenceRegistry}
 * last saw them (Distributed Data: each node's entry is at most a flush interval plus a gossip
 * round old). What {@code /status} shows under {@code clients} and the metrics export.
 *
 * @param self this node's address
 * @param nodes one entry per member that has published one, in address order
 */
public record ClusterClients(String self, List<PresenceRegistry.NodeClients> nodes) {

  public ClusterClients {
    nodes = List.copyOf(nodes);
  }

  /** Nothing seen yet (the registry has not heard from Distributed Data). */
  public static ClusterClients empty(String self) {
    return new ClusterClients(self, List.of());
  }

  static ClusterClients of(String self, Collection<PresenceRegistry.NodeClients> entries) {
    return new ClusterClients(
        self,
        entries.stream().sorted(Comparator.comparing(PresenceRegistry.NodeClients::node)).toList());
  }

  /** Clients connected to every node. */
  public int total() {
    return nodes.stream().mapToInt(PresenceRegistry.NodeClients::total).sum();
  }

  /** Clients connected to this node, as last published (0 before the first flush). */
  public int local() {
    return nodes.stream()
        .filter(n -> n.node().equals(self))
        .mapToInt(PresenceRegistry.NodeClients::total)
        .sum();
  }

  /**
   * {@code {"total":N,"nodes":[{"node":ADDR,"total":n,"byTransport":{"http":n,...}},...]}};
   * with {@code sessions}, each node also lists its (bounded) sessions with client name and
   * version, and {@code truncated} when it has more than it lists.
   */
  public ObjectNode toJson(boolean sessions) {
    ObjectNode o = Json.object();
    o.put("total", total());
    ArrayNode arr = o.putArray("nodes");
    for (PresenceRegistry.NodeClients n : nodes) {
      ObjectNode e = arr.addObject();
      e.put("node", n.node());
      e.put("total", n.total());
      ObjectNode by = e.putObject("byTransport");
      n.byTransport().forEach(by::put);
      if (sessions) {
        e.put("truncated", n.listed().size() < n.total());
        ArrayNode listed = e.putArray("sessions");
        for (PresenceRegistry.Client c : n.listed()) {
          ObjectNode s = listed.addObject();
          s.put("sessionId", c.sessionId());
          s.put("transport", c.transport());
          s.put("clientName", c.name());
          s.put("clientVersion", c.version());
          s.put("connectedAt", java.time.Instant.ofEpochMilli(c.connectedAt()).toString());
        }
      }
    }
    return o;
  }
}
