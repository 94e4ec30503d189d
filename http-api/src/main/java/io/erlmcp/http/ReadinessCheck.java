package io.erlmcp.http;

import io.erlmcp.actors.Core;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Pekko Management readiness check ({@code /ready}): ready once this node is an Up member of its
 * cluster and its core is running. A read-only node (minority side of a partition) is still
 * ready for reads, so load balancers that should send writes elsewhere check {@code /status} (same
 * management listener, see docs/cluster.md).
 */
public final class ReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final ActorSystem system;

  public ReadinessCheck(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(
        Core.of(Adapter.toTyped(system)).map(c -> c.status().get().ready()).orElse(false));
  }
}
