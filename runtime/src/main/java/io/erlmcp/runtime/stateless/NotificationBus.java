package io.erlmcp.runtime.stateless;

import io.erlmcp.runtime.server.McpServer;
import java.util.function.Consumer;

/**
 * Where the catalog changes and resource updates of a server are published for the
 * {@code subscriptions/listen} streams of protocol revision 2026-07-28. A listen stream holds no
 * session: it subscribes here for as long as its connection stays open and filters what it
 * receives by the client's subscription filter.
 *
 * <p>{@link LocalNotificationBus} delivers within one JVM (what a single node needs). A cluster
 * backs this interface with Pekko Distributed PubSub so that a change on one node reaches the
 * listen streams held by every node; publishers and subscribers do not change.
 */
public interface NotificationBus {

  /** Something a listen stream may be told about. */
  sealed interface Event permits ListChanged, ResourceUpdated {}

  /** The tools, prompts or resources list changed. */
  record ListChanged(McpServer.CatalogKind kind) implements Event {}

  /** A resource's content changed. */
  record ResourceUpdated(String uri) implements Event {}

  /** Delivers {@code event} to every current subscriber (in no particular order). */
  void publish(Event event);

  /**
   * Subscribes until the returned handle is closed. The listener runs on the publisher's thread
   * and must not block.
   */
  Subscription subscribe(Consumer<Event> listener);

  /** An open subscription. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
