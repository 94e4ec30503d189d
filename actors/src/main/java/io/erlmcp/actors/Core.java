package io.erlmcp.actors;

import com.typesafe.config.Config;
import io.erlmcp.actors.cluster.NodeStatus;
import io.erlmcp.actors.registry.ClusterClients;
import io.erlmcp.actors.registry.ConnectedClients;
import io.erlmcp.actors.request.RequestManager;
import io.erlmcp.actors.session.SessionGateway;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.McpServer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a transport needs of a running node: the protocol core, the way to sessions, the request
 * workers, the node's cluster view, the table where transports record their connected clients,
 * and the cluster's clients as the presence registry last saw them. Handed to each transport when
 * the core branch is up.
 */
public record Core(
    ActorSystem<?> system,
    Config config,
    McpServer server,
    McpDispatcher dispatcher,
    SessionGateway sessions,
    ActorRef<RequestManager.Command> requests,
    AtomicReference<NodeStatus> status,
    Executor handlerExecutor,
    ConnectedClients clients,
    AtomicReference<ClusterClients> presence) {

  private static final java.util.Map<ActorSystem<?>, Core> BY_SYSTEM =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The core of a running node, for code instantiated by reflection (health checks). */
  public static java.util.Optional<Core> of(ActorSystem<?> system) {
    return java.util.Optional.ofNullable(BY_SYSTEM.get(system));
  }

  static void register(Core core) {
    BY_SYSTEM.put(core.system(), core);
    core.system().getWhenTerminated().thenRun(() -> BY_SYSTEM.remove(core.system()));
  }

  /** Whether this node may accept writes now (false while it cannot see a majority). */
  public boolean writable() {
    return status.get().mode() == NodeStatus.Mode.READ_WRITE;
  }
}
