package io.erlmcp.actors.cluster;

import io.erlmcp.actors.CborSerializable;
import io.erlmcp.runtime.server.McpServer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster-wide notification bus for resource updates: {@code resources/updated} raised on one
 * node reaches the subscribed clients connected to every node. (Catalog changes, {@code
 * list_changed}, follow the replicated catalog instead: {@code CatalogRegistry}.)
 *
 * <p>It listens to this node's {@link McpServer}; each update raised here is published on the
 * Distributed PubSub topic {@code erlmcp-notifications}. A change published by another node is
 * replayed on this node's server, whose transports then notify their own clients (subscribed
 * sessions for {@code resources/updated}). Replays are not published again. Delivery is
 * at-most-once (PubSub): a client that must not miss a change re-lists on reconnect.
 */
public final class ClusterNotifications {
  private ClusterNotifications() {}

  /** A change, as it crosses nodes. {@code uri} is set for resource updates only. */
  public record Notice(String origin, McpServer.CatalogKind kind, String uri)
      implements CborSerializable {}

  private static final ThreadLocal<Boolean> REPLAYING = ThreadLocal.withInitial(() -> false);

  public static Behavior<Notice> create(McpServer server) {
    return Behaviors.setup(
        ctx -> {
          String self = Cluster.get(ctx.getSystem()).selfMember().uniqueAddress().toString();
          ActorRef<Topic.Command<Notice>> topic =
              ctx.spawn(Topic.create(Notice.class, "erlmcp-notifications"), "topic");
          topic.tell(Topic.subscribe(ctx.getSelf()));
          McpServer.Listener listener =
              new McpServer.Listener() {
                @Override
                public void catalogChanged(McpServer.CatalogKind kind) {
                  // Catalog changes cross nodes through the registry (CatalogRegistry), which
                  // tells each node's clients once per change of what that node lists.
                }

                @Override
                public void resourceUpdated(String uri) {
                  if (!REPLAYING.get()) {
                    topic.tell(Topic.publish(new Notice(self, null, uri)));
                  }
                }
              };
          server.addListener(listener);
          return Behaviors.receive(Notice.class)
              .onMessage(
                  Notice.class,
                  n -> {
                    if (!self.equals(n.origin())) {
                      REPLAYING.set(true);
                      try {
                        if (n.uri() != null) {
                          server.resourceUpdated(n.uri());
                        } else if (n.kind() != null) {
                          server.announceCatalogChanged(n.kind());
                        }
                      } finally {
                        REPLAYING.set(false);
                      }
                    }
                    return Behaviors.same();
                  })
              .onSignal(
                  org.apache.pekko.actor.typed.PostStop.class,
                  s -> {
                    server.removeListener(listener);
                    return Behaviors.same();
                  })
              .onSignal(
                  org.apache.pekko.actor.typed.PreRestart.class,
                  s -> {
                    // The restarted instance registers its own listener.
                    server.removeListener(listener);
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
