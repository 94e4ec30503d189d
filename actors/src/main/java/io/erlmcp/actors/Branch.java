package io.erlmcp.actors;

import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A supervisor branch of the tree (transports, cluster, operations, observability): it starts its
 * children, each already wrapped in its own restart strategy, and does nothing else. When a child
 * gives up (its restart limit exceeded) the branch stops, and the guardian's policy for that
 * branch applies.
 */
public final class Branch {
  private Branch() {}

  /** A named child and its (supervised) behavior. */
  public record ChildSpec(String name, Behavior<?> behavior) {}

  public static Behavior<Void> create(List<ChildSpec> children) {
    return Behaviors.setup(
        ctx -> {
          for (ChildSpec c : children) {
            spawn(ctx, c.behavior(), c.name());
          }
          return Behaviors.empty();
        });
  }

  private static <T> void spawn(ActorContext<Void> ctx, Behavior<T> behavior, String name) {
    ctx.watch(ctx.spawn(behavior, name));
  }
}
