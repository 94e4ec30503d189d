package io.erlmcp.actors.task;

import io.erlmcp.actors.CborSerializable;
import io.erlmcp.runtime.tasks.Tasks;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Carries {@code tasks/cancel} to the node that runs the task's handler. A task's status is in
 * its sharded entity, but its handler runs on the node that started it; a cancellation recorded
 * on another node is published on the Distributed PubSub topic {@code erlmcp-task-cancel}, and
 * every other node cancels the handler if it runs there. At-most-once (PubSub): a lost message
 * leaves the handler running to its end, whose result the entity then drops (the task is
 * already cancelled).
 */
public final class TaskCancellations {
  private TaskCancellations() {}

  /** A cancellation as it crosses nodes. */
  public record CancelTask(String origin, String taskId, String reason)
      implements CborSerializable {}

  public static Behavior<CancelTask> create(Tasks tasks) {
    return Behaviors.setup(
        ctx -> {
          String self = Cluster.get(ctx.getSystem()).selfMember().uniqueAddress().toString();
          ActorRef<Topic.Command<CancelTask>> topic =
              ctx.spawn(Topic.create(CancelTask.class, "erlmcp-task-cancel"), "topic");
          topic.tell(Topic.subscribe(ctx.getSelf()));
          tasks.relayCancellations(
              (taskId, reason) -> topic.tell(Topic.publish(new CancelTask(self, taskId, reason))));
          return Behaviors.receive(CancelTask.class)
              .onMessage(
                  CancelTask.class,
                  c -> {
                    if (!self.equals(c.origin()) && tasks.cancelRunning(c.taskId(), c.reason())) {
                      ctx.getLog().debug("task {} cancelled from {}", c.taskId(), c.origin());
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
