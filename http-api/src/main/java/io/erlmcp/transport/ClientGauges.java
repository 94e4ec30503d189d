package io.erlmcp.transport;

import io.erlmcp.actors.Core;
import io.erlmcp.actors.registry.ClusterClients;
import io.erlmcp.actors.registry.PresenceRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import kamon.Kamon;
import kamon.metric.Gauge;

/**
 * Kamon gauges of connected clients, read from the presence registry's view on a timer:
 * {@code erlmcp.clients.connected} (this node's clients, tagged {@code transport}: summed over
 * the nodes' endpoints it is the cluster's count) and {@code erlmcp.clients.connected.cluster}
 * (the whole cluster's count as this node sees it).
 */
public final class ClientGauges {
  private final Gauge cluster = Kamon.gauge("erlmcp.clients.connected.cluster").withoutTags();
  private final Set<String> transports = new HashSet<>();

  private ClientGauges() {}

  /** Updates the gauges of {@code core}'s node every {@code interval} until its system stops. */
  public static void start(Core core, Duration interval) {
    ClientGauges g = new ClientGauges();
    core.system()
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ZERO,
            interval,
            () -> g.update(core.presence().get()),
            core.system().executionContext());
  }

  private synchronized void update(ClusterClients view) {
    cluster.update(view.total());
    Map<String, Integer> mine =
        view.nodes().stream()
            .filter(n -> n.node().equals(view.self()))
            .findFirst()
            .map(PresenceRegistry.NodeClients::byTransport)
            .orElse(Map.of());
    transports.addAll(mine.keySet());
    for (String t : transports) {
      Kamon.gauge("erlmcp.clients.connected")
          .withTag("transport", t)
          .update(mine.getOrDefault(t, 0));
    }
  }
}
