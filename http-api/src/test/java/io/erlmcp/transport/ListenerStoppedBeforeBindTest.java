package io.erlmcp.transport;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.erlmcp.http.HttpSettings;
import io.erlmcp.http.HttpTransport;
import io.erlmcp.http.TestNode;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A listener stopped before its bind answered (its node is being downed or terminated) fails
 * whoever waits for it with {@link ListenerStoppedException}, instead of leaving them to time out
 * or to print a bind failure without a message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerStoppedBeforeBindTest {
  private TestNode node;

  @BeforeAll
  void start() {
    node = TestNode.start("listener-stopped", "");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  /**
   * Spawns the listener and stops it in the same step: its setup (which starts the bind) runs,
   * then its stop, before the bind's answer can arrive.
   */
  private CompletableFuture<InetSocketAddress> stoppedBeforeBind(
      String name, Function<CompletableFuture<InetSocketAddress>, Behavior<?>> listener) {
    CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    node.node
        .system()
        .systemActorOf(
            Behaviors.<Void>setup(
                ctx -> {
                  ctx.stop(ctx.spawn(listener.apply(bound), name));
                  return Behaviors.empty();
                }),
            name + "-parent",
            Props.empty());
    return bound;
  }

  @Test
  void anHttpListenerStoppedBeforeItsBindAnsweredReportsThatTheNodeIsShuttingDown() {
    CompletableFuture<InetSocketAddress> bound =
        stoppedBeforeBind(
            "http",
            b ->
                HttpTransport.create(
                    node.edge.core(),
                    node.edge,
                    HttpSettings.from(node.edge.core().config()).withAddress("127.0.0.1", 0),
                    b));
    assertReportsTheNodeShuttingDown(bound);
  }

  @Test
  void aTcpListenerStoppedBeforeItsBindAnsweredReportsThatTheNodeIsShuttingDown() {
    CompletableFuture<InetSocketAddress> bound =
        stoppedBeforeBind(
            "tcp",
            b ->
                TcpTransport.create(
                    node.edge,
                    TcpSettings.from(node.edge.core().config()).withAddress("127.0.0.1", 0),
                    b));
    assertReportsTheNodeShuttingDown(bound);
  }

  private static void assertReportsTheNodeShuttingDown(CompletableFuture<InetSocketAddress> bound) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> bound.get(10, TimeUnit.SECONDS));
    assertInstanceOf(ListenerStoppedException.class, e.getCause());
  }
}
