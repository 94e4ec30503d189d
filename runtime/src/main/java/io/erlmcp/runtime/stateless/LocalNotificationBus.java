package io.erlmcp.runtime.stateless;

import io.erlmcp.runtime.server.McpServer;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The in-JVM {@link NotificationBus}: one per {@link McpServer}, fed by its catalog listener. */
public final class LocalNotificationBus implements NotificationBus {
  private static final Logger log = LoggerFactory.getLogger(LocalNotificationBus.class);
  private static final Map<McpServer, LocalNotificationBus> BY_SERVER = new WeakHashMap<>();

  private final CopyOnWriteArraySet<Consumer<Event>> listeners = new CopyOnWriteArraySet<>();

  /**
   * The node-wide bus of {@code server}: every transport of this JVM serving it shares one, fed
   * by the server's catalog changes and resource updates.
   */
  public static synchronized LocalNotificationBus of(McpServer server) {
    return BY_SERVER.computeIfAbsent(
        server,
        s -> {
          LocalNotificationBus bus = new LocalNotificationBus();
          s.addListener(
              new McpServer.Listener() {
                @Override
                public void catalogChanged(McpServer.CatalogKind kind) {
                  bus.publish(new ListChanged(kind));
                }

                @Override
                public void resourceUpdated(String uri) {
                  bus.publish(new ResourceUpdated(uri));
                }
              });
          return bus;
        });
  }

  @Override
  public void publish(Event event) {
    for (Consumer<Event> l : listeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        log.warn("notification bus listener failed on {}", event, e);
      }
    }
  }

  @Override
  public Subscription subscribe(Consumer<Event> listener) {
    // A wrapper per subscription, so the same listener may subscribe twice.
    Consumer<Event> own = listener::accept;
    listeners.add(own);
    return () -> listeners.remove(own);
  }

  /** Current subscribers (for tests and metrics). */
  public int subscribers() {
    return listeners.size();
  }
}
